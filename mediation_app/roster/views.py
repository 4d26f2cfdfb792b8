"""Roster pages: the list, a mediator's entry, suggestions for a case, recusals."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from ..access import policy, roles
from ..access.web import refuse, requires, visible_case_or_404
from ..auth.models import User
from ..casefile.models import Case
from ..db import db, utcnow
from ..directory.models import Region
from ..labels import label, options
from ..transaction import discard
from . import services
from .batch import MOST_AT_ONCE, batch_assign_form
from .forms import AssignForm, DecisionForm, ProfileForm, RecusalForm
from .messages import roster_refusal
from .models import RecusalRequest

bp = Blueprint("roster", __name__)


@bp.get("/roster")
@requires(policy.reads_roster)
def index():
    """The mediator roster of the institution (or, for region readers, of the region)."""
    institution = current_user.institution
    lines = services.roster(
        db.session, institution.region,
        institution_id=None if roles.reads_region(current_user) else institution.id)
    mediators = db.session.scalars(select(User).where(
        User.institution_id == institution.id, User.is_active).order_by(User.display_name))
    unlisted = [u for u in mediators if roles.may_be_assigned_cases(u)
                and u.id not in {line.profile.user_id for line in lines}]
    return render_template("roster/index.html", lines=lines, unlisted=unlisted)


def _region_choices() -> list[tuple[int, str]]:
    root = current_user.institution.region
    regions = db.session.scalars(select(Region).where(Region.path.startswith(root.path))
                                 .order_by(Region.path))
    depth = root.path.count("/")
    return [(r.id, "\u3000" * (r.path.count("/") - depth) + r.name) for r in regions]


@bp.route("/roster/<int:user_id>", methods=["GET", "POST"])
@requires(policy.reads_roster)
def entry(user_id: int):
    """Keep one mediator's entry: specialties, qualifications, region, capacity."""
    mediator = db.session.get(User, user_id)
    if mediator is None or not policy.keeps_roster(current_user, mediator):
        abort(404)
    profile = services.profile_of(db.session, mediator)
    form = ProfileForm(obj=profile)
    form.region_id.choices = options(_region_choices())
    if request.method == "GET" and profile is None:
        form.region_id.data, form.is_listed.data, form.max_load.data = (
            mediator.institution.region_id, True, 15)
    if form.validate_on_submit():
        try:
            services.keep_profile(db.session, mediator, services.ProfileData(
                specialties=form.specialties.data, qualifications=form.qualifications.data or "",
                region=db.session.get(Region, form.region_id.data),
                is_listed=form.is_listed.data, is_invited=form.is_invited.data,
                max_load=form.max_load.data), now=utcnow())
        except services.RosterError as refusal:
            discard()
            flash(roster_refusal(refusal.code), "error")
            return render_template("roster/entry.html", form=form, mediator=mediator)
        flash(_("Roster entry saved."), "success")
        return redirect(url_for("roster.index"))
    return render_template("roster/entry.html", form=form, mediator=mediator)


def _case_forms(case):
    suggestions = services.suggestions(db.session, case)
    assignable = [(s.candidate.user_id, s.candidate.name) for s in suggestions
                  if s.candidate.institution == case.holder_institution.name]
    assign = AssignForm()
    assign.mediator_id.choices = options(assignable)
    recusal = RecusalForm()
    recusal.party_id.choices = options([(0, "—")] + [
        (p.id, f"{p.name} · {label('party_role', p.role)}") for p in case.parties])
    decision = DecisionForm()
    decision.replacement_id.choices = options([(0, "—")] + assignable)
    return suggestions, assign, recusal, decision


@bp.get("/cases/<int:case_id>/mediators")
@requires(policy.reads_roster)
def for_case(case_id: int):
    """Suggested mediators for a case, ranked by specialty, load and distance; recusals."""
    case = visible_case_or_404(case_id)
    suggestions, assign, recusal, decision = _case_forms(case)
    recusals = db.session.scalars(select(RecusalRequest).where(
        RecusalRequest.case_id == case.id).order_by(RecusalRequest.requested_at)).all()
    choices = services.choices_of(db.session, case)
    _propose_the_parties_choice(assign, choices)
    return render_template("roster/case.html", case=case, suggestions=suggestions,
                           assign_form=assign, recusal_form=recusal, decision_form=decision,
                           recusals=recusals, choices=choices,
                           can_assign=policy.assigns_mediators(current_user, case))


def _propose_the_parties_choice(form: AssignForm, choices) -> None:
    """The assign form starts on the mediator the parties chose most recently (art. 19),
    marked as their choice, when that mediator can take the case."""
    offered = {choice.value for choice in form.mediator_id.choices}
    latest = next((choice for choice in reversed(choices) if choice.mediator_id in offered), None)
    if latest is not None:
        form.mediator_id.data, form.chosen_by_party.data = latest.mediator_id, True


def _back(case_id: int):
    return redirect(url_for("roster.for_case", case_id=case_id))


def _refused(refusal: services.RosterError, case_id: int):
    discard()
    flash(roster_refusal(refusal.code), "error")
    return _back(case_id)


@bp.post("/cases/<int:case_id>/mediators")
@requires(policy.reads_roster)
def assign(case_id: int):
    """Designate the mediator, or record the parties' choice (art. 19)."""
    case = visible_case_or_404(case_id)
    if not policy.assigns_mediators(current_user, case):
        refuse(case)
    form = _case_forms(case)[1]
    if not form.validate_on_submit():
        flash(_("Choose a mediator of the institution holding the case."), "error")
        return _back(case.id)
    try:
        services.assign_mediator(db.session, case, db.session.get(User, form.mediator_id.data),
                                 chosen_by_party=form.chosen_by_party.data,
                                 actor=current_user, now=utcnow())
    except services.RosterError as refusal:
        return _refused(refusal, case.id)
    flash(_("Mediator assigned."), "success")
    return _back(case.id)


@bp.post("/cases/<int:case_id>/recusals")
@requires(policy.reads_roster)
def request_recusal(case_id: int):
    """Record a party's request that the mediator step aside (回避)."""
    case = visible_case_or_404(case_id)
    if not policy.assigns_mediators(current_user, case):
        refuse(case)
    form = _case_forms(case)[2]
    if not form.validate_on_submit():
        flash(_("Give the reason the party gave."), "error")
        return _back(case.id)
    party = next((p for p in case.parties if p.id == form.party_id.data), None)
    try:
        services.request_recusal(db.session, case, reason=form.reason.data.strip(), party=party,
                                 actor=current_user, now=utcnow())
    except services.RosterError as refusal:
        return _refused(refusal, case.id)
    flash(_("Recusal request recorded."), "success")
    return _back(case.id)


@bp.post("/recusals/<int:recusal_id>")
@requires(policy.reads_roster)
def decide(recusal_id: int):
    """Decide a recusal request; a granted one names the replacement."""
    recusal = db.session.get(RecusalRequest, recusal_id)
    if recusal is None:
        abort(404)
    case = visible_case_or_404(recusal.case_id)
    if not policy.assigns_mediators(current_user, case):
        refuse(case)
    form = _case_forms(case)[3]
    if not form.validate_on_submit():
        flash(_("Give the decision and its reasons."), "error")
        return _back(case.id)
    try:
        services.decide_recusal(db.session, recusal, granted=form.decision.data == "granted",
                                note=form.note.data.strip(),
                                replacement=db.session.get(User, form.replacement_id.data or 0),
                                actor=current_user, now=utcnow())
    except services.RosterError as refusal:
        return _refused(refusal, case.id)
    flash(_("Decision recorded."), "success")
    return _back(case.id)


@bp.post("/roster/assignments")
@requires(roles.acts_for_institution)
def assign_batch():
    """Designate one mediator for the cases ticked on the case list: all or none."""
    back = redirect(url_for("cases.index", assign=1))
    ids = list(dict.fromkeys(request.form.getlist("case_id", type=int)))
    form = batch_assign_form()
    if not ids or len(ids) > MOST_AT_ONCE:
        flash(_("Tick between 1 and %(n)s cases to assign.", n=MOST_AT_ONCE), "error")
        return back
    if not form.validate_on_submit():
        flash(_("Choose a mediator of your institution."), "error")
        return back
    cases = db.session.scalars(select(Case).where(
        Case.id.in_(ids), policy.visible_cases_clause(current_user, db.session))).all()
    if len(cases) != len(ids):      # one not visible: the batch is refused, as a guessed id is
        abort(404)
    mediator = db.session.get(User, form.mediator_id.data)
    try:
        services.assign_cases(db.session, cases, mediator, actor=current_user, now=utcnow())
    except services.RosterError as refusal:
        discard()
        flash(roster_refusal(refusal.code), "error")
        return back
    flash(ngettext("%(num)s case assigned to %(name)s.", "%(num)s cases assigned to %(name)s.",
                   len(cases), name=mediator.display_name), "success")
    return back
