"""Firing workflow steps on a case, recording the court's ruling, and the workflow diagrams."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access.web import changeable_case_or_404
from ..casefile.models import Party
from ..db import db, utcnow
from ..documents.issuer import current_issuer
from ..documents.services import DocumentError
from ..labels import explain, label
from ..panels import register_with
from ..transaction import discard
from . import police, traffic
from .catalog import catalog
from .diagram import render_svg
from .forms import (
    GuardianForm,
    LossEventForm,
    PoliceEligibilityForm,
    RulingForm,
    TrafficApplicationForm,
    TrafficInsurerForm,
    TransitionForm,
)
from .panels import PANELS
from .rulings import Ruling, record_ruling
from .services import HandlingError, fire_transition

bp = Blueprint("handlings", __name__)
register_with(bp, PANELS)


@bp.post("/cases/<int:case_id>/transitions/<name>")
@login_required
def transition(case_id: int, name: str):
    """Take one workflow step on a case (the buttons on the case page)."""
    case = changeable_case_or_404(case_id)
    form = TransitionForm()
    if not form.validate_on_submit():
        if not form.prevented_errors():
            abort(400)
        flash(form.prevented_errors()[0], "error")
        return redirect(url_for("cases.show", case_id=case_id))
    try:
        handling = fire_transition(db.session, case, name, actor=current_user, now=utcnow(),
                                   note=form.note.data or "", reason=form.reason.data or None,
                                   prevented=form.prevented())
    except HandlingError as refusal:
        discard()
        flash(explain(refusal), "error")
    else:
        flash(_("Done: %(state)s", state=handling.state_label), "success")
    return redirect(url_for("cases.show", case_id=case_id))


@bp.post("/cases/<int:case_id>/ruling")
@login_required
def ruling(case_id: int):
    """Record the court's 民事裁定书 on a judicial confirmation, with its number and date."""
    case = changeable_case_or_404(case_id)
    form = RulingForm()
    if not form.validate_on_submit():
        flash(_("Give the ruling's number, date, judge and clerk."), "error")
        return redirect(url_for("cases.show", case_id=case.id))
    decision = Ruling(confirmed=form.decision.data == "confirmed", number=form.number.data.strip(),
                      dated_on=form.dated_on.data, judge=form.judge.data.strip(),
                      clerk=form.clerk.data.strip(), reasoning=(form.reasoning.data or "").strip())
    try:
        record_ruling(db.session, current_issuer(), case, decision, actor=current_user,
                      now=utcnow())
    except DocumentError:
        discard()
        flash(_("This procedure issues no ruling at this stage."), "error")
    except HandlingError as refusal:
        discard()
        flash(explain(refusal), "error")
    else:
        flash(_("Ruling recorded."), "success")
    return redirect(url_for("cases.show", case_id=case.id))


@bp.post("/cases/<int:case_id>/police/eligibility")
@login_required
def police_eligibility(case_id: int):
    """治安调解: record on acceptance whether the case qualifies (公安机关办理行政案件程序规定
    第一百七十八条、第一百七十九条)."""
    case = changeable_case_or_404(case_id)
    form = PoliceEligibilityForm()
    if not form.validate_on_submit():
        flash(_("The examination could not be read. Please fill it in again."), "error")
        return redirect(url_for("cases.show", case_id=case.id))
    finding = police.Eligibility(
        civil_dispute=form.civil_dispute.data, minor_circumstances=form.minor_circumstances.data,
        circumstance=form.circumstance.data or None, exclusions=list(form.exclusions.data or []),
        note=(form.note.data or "").strip())
    try:
        police.record_eligibility(db.session, case, finding, actor=current_user, now=utcnow())
    except police.PoliceMediationError as refusal:
        discard()
        flash(label("police_refusal", refusal.code), "error")
        return redirect(url_for("cases.show", case_id=case.id))
    if finding.eligible:
        flash(_("Recorded: the case qualifies for police mediation."), "success")
    else:
        flash(_("Recorded: the case does not qualify for police mediation; mediation cannot "
                "start."), "error")
    return redirect(url_for("cases.show", case_id=case.id))


@bp.post("/cases/<int:case_id>/police/guardians")
@login_required
def police_guardian(case_id: int):
    """治安调解: the parent or other guardian of a party under 18 (第一百八十一条)."""
    case = changeable_case_or_404(case_id)
    form = GuardianForm()
    form.party.choices = [(party.id, party.name) for party in case.parties]
    if not form.validate_on_submit():
        flash(label("police_refusal", "not_a_party"), "error")
        return redirect(url_for("cases.show", case_id=case.id))
    party = db.session.get(Party, form.party.data)
    try:
        police.record_guardian(db.session, case, party, name=form.name.data or "",
                               relation=form.relation.data or "", waived=form.waived.data,
                               actor=current_user, now=utcnow())
    except police.PoliceMediationError as refusal:
        discard()
        flash(label("police_refusal", refusal.code), "error")
        return redirect(url_for("cases.show", case_id=case.id))
    flash(_("Guardian recorded."), "success")
    return redirect(url_for("cases.show", case_id=case.id))


@bp.post("/cases/<int:case_id>/traffic/application")
@login_required
def traffic_application(case_id: int):
    """交通事故损害赔偿调解: the day the 事故认定书 was received and the day of the joint
    application (道路交通事故处理程序规定 第八十六条)."""
    case = changeable_case_or_404(case_id)
    form = TrafficApplicationForm()
    if not form.validate_on_submit():
        flash(_("Give both days."), "error")
        return redirect(url_for("cases.show", case_id=case.id))
    try:
        handling = traffic.record_application(db.session, case, traffic.Application(
            certificate_received_on=form.certificate_received_on.data,
            applied_on=form.applied_on.data), actor=current_user, now=utcnow())
    except traffic.TrafficMediationError as refusal:
        discard()
        flash(label("traffic_refusal", refusal.code), "error")
        return redirect(url_for("cases.show", case_id=case.id))
    in_time = traffic.application_of(handling)["in_time"]
    flash(label("traffic_finding", "in_time") if in_time
          else label("guard_unmet", "applied_within_ten_days"),
          "success" if in_time else "error")
    return redirect(url_for("cases.show", case_id=case.id))


@bp.post("/cases/<int:case_id>/traffic/loss-event")
@login_required
def traffic_loss_event(case_id: int):
    """交通事故损害赔偿调解: the kind of loss and the day mediation counts from (第九十条)."""
    case = changeable_case_or_404(case_id)
    form = LossEventForm()
    if not form.validate_on_submit():
        flash(label("traffic_refusal", "bad_kind"), "error")
        return redirect(url_for("cases.show", case_id=case.id))
    try:
        traffic.record_loss_event(db.session, case, traffic.LossEvent(
            kind=form.kind.data, occurred_on=form.occurred_on.data,
            person=form.person.data or ""), actor=current_user,
            now=utcnow())
    except traffic.TrafficMediationError as refusal:
        discard()
        flash(label("traffic_refusal", refusal.code), "error")
        return redirect(url_for("cases.show", case_id=case.id))
    flash(label("event", "traffic.loss_event"), "success")
    return redirect(url_for("cases.show", case_id=case.id))


@bp.post("/cases/<int:case_id>/traffic/insurer")
@login_required
def traffic_insurer(case_id: int):
    """交通事故损害赔偿调解: whether an insurer takes part, its name and 交强险 policy number
    (道路交通事故处理程序规定 第八十九条)."""
    case = changeable_case_or_404(case_id)
    form = TrafficInsurerForm()
    if not form.validate_on_submit():
        flash(_("Say whether an insurer takes part."), "error")
        return redirect(url_for("cases.show", case_id=case.id))
    try:
        traffic.record_insurer(db.session, case, traffic.Insurer(
            present=form.present.data == "present", name=form.name.data or "",
            policy_number=form.policy_number.data or ""), actor=current_user, now=utcnow())
    except traffic.TrafficMediationError as refusal:
        discard()
        flash(label("traffic_refusal", refusal.code), "error")
        return redirect(url_for("cases.show", case_id=case.id))
    flash(label("event", "traffic.insurer"), "success")
    return redirect(url_for("cases.show", case_id=case.id))


@bp.get("/workflows")
@login_required
def workflows():
    """Every channel workflow, drawn."""
    definitions = sorted(catalog(), key=lambda d: (d.channel or "~", d.name))
    return render_template("workflows/index.html", definitions=definitions)


@bp.get("/workflows/<name>")
@login_required
def workflow(name: str):
    """One workflow: its diagram, states, transitions and deadlines."""
    if name not in catalog().sources:
        abort(404)
    definition = catalog().get(name)
    return render_template("workflows/show.html", definition=definition,
                           svg=render_svg(definition))
