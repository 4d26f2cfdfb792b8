"""Referral pages: the inbox, sending, accepting, returning, withdrawing."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import policy, roles
from ..access.web import refuse, requires, visible_case_or_404
from ..auth.forms import EmptyForm
from ..casefile import jurisdiction
from ..casefile.models import Referral
from ..db import db, utcnow
from ..directory.models import Institution
from ..documents.issuer import current_issuer
from ..handlings.catalog import catalog
from ..labels import explain, options
from ..panels import register_with
from ..storage import Storage
from ..transaction import discard
from ..uploads import UploadRefused
from . import queries, services
from .forms import ReturnReferralForm, SendReferralForm
from .kinds import needs_consent
from .panels import PANELS
from .routing import suggest

bp = Blueprint("referrals", __name__)
register_with(bp, PANELS)


@bp.app_context_processor
def referral_permissions():
    """What the current user may do with a referral shown on any page."""
    return {
        "may_decide_referral": lambda referral: policy.can_decide_referral(current_user, referral),
        "may_withdraw_referral": lambda referral: policy.can_withdraw_referral(current_user, referral),
    }


def _referral_or_404(referral_id: int) -> Referral:
    """Only the sending and the receiving institution may act on a referral."""
    referral = db.session.get(Referral, referral_id)
    if referral is None or current_user.institution_id not in (
            referral.from_institution_id, referral.to_institution_id):
        abort(404)
    return referral


@bp.get("/referrals")
@requires(roles.acts_for_institution)
def inbox():
    """Referrals waiting for my institution's answer, and those we sent."""
    return render_template("referrals/inbox.html",
                           incoming=queries.inbox(db.session, current_user),
                           outgoing=queries.sent(db.session, current_user),
                           action_form=EmptyForm(), now=utcnow())


@bp.route("/cases/<int:case_id>/referrals/<kind>", methods=["GET", "POST"])
@requires(roles.acts_for_institution)
def send(case_id: int, kind: str):
    """Send the case to another institution (with routing suggestions for a dispatch)."""
    case = visible_case_or_404(case_id)
    now = utcnow()
    rules = dict(services.sendable_rules(db.session, case, current_user, now=now))
    rule = next((r for r in rules if r.kind == kind), None)
    if rule is None:
        refuse(case)
    if rules[rule]:
        flash(explain(services.ReferralError("unmet", rules[rule])), "error")
        return redirect(url_for("cases.show", case_id=case.id))
    targets = services.receivers(db.session, catalog(), case, kind, current_user.institution)
    suggested = suggest(db.session, current_app.extensions["routing"],
                        dispute_type=case.dispute_type, region=case.region,
                        exclude=current_user.institution)
    suggested = [institution for institution in suggested if institution in targets]
    expected, others = jurisdiction.split(db.session, case, kind, current_user.institution,
                                          targets)
    form = SendReferralForm()
    form.to_institution_id.choices = options(
        [(i.id, _receiver_label(i, suggested, expected)) for i in expected + others])
    if form.validate_on_submit():
        try:
            referral = services.send_referral(
                db.session, catalog(), case, kind=kind,
                to_institution=db.session.get(Institution, form.to_institution_id.data),
                reason=form.reason.data.strip(), actor=current_user, now=now,
                accept_working_days=current_app.config["REFERRAL_ACCEPT_WORKING_DAYS"],
                off_list_reason=form.off_list_reason.data, issuer=current_issuer(),
                parties_consent=form.parties_consent.data)
            if form.file.data:
                _attach(referral, form.file.data, now)
        except services.ReferralError as refusal:
            discard()
            flash(explain(refusal), "error")
        except UploadRefused:
            discard()
            flash(_("Only JPEG, PNG and PDF files up to the size limit can be sent along."),
                  "error")
        else:
            flash(_("Referral sent. The case stays with you until it is accepted."), "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("referrals/send.html", case=case, kind=kind, form=form,
                           suggested=suggested, has_targets=bool(targets), expected=expected,
                           others=others, needs_consent=needs_consent(kind))


def _receiver_label(institution, suggested, expected) -> str:
    """Expected receivers first (★ when the routing rules suggest them too); the others are
    marked as needing a stated reason."""
    star = "★ " if institution in suggested else ""
    if institution in expected:
        return star + institution.name
    return star + _("%(name)s (outside the expected receivers: state why)",
                    name=institution.name)


def _attach(referral, upload, now) -> None:
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    services.attach_to_referral(
        db.session, referral, filename=upload.filename, content=upload.read(limit + 1),
        storage=Storage(current_app.config["MEDIATION_STORAGE"]),
        allowed=current_app.config["ATTACHMENT_TYPES"], max_bytes=limit,
        actor=current_user, now=now)


@bp.post("/referrals/<int:referral_id>/accept")
@requires(roles.acts_for_institution)
def accept(referral_id: int):
    """签收: take the case over."""
    referral = _referral_or_404(referral_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.accept_referral(db.session, catalog(), referral, actor=current_user,
                                 now=utcnow())
    except services.ReferralError as refusal:
        discard()
        flash(explain(refusal), "error")
        return redirect(url_for("referrals.inbox"))
    flash(_("Referral accepted: the case is now handled by your institution."), "success")
    return redirect(url_for("cases.show", case_id=referral.case_id))


@bp.route("/referrals/<int:referral_id>/return", methods=["GET", "POST"])
@requires(roles.acts_for_institution)
def give_back(referral_id: int):
    """退回 with a reason."""
    referral = _referral_or_404(referral_id)
    if not policy.can_decide_referral(current_user, referral):
        refuse(referral.case)
    form = ReturnReferralForm()
    if form.validate_on_submit() and form.confirmed.data != "yes":
        form.confirmed.data = "yes"
        return render_template("referrals/return_confirm.html", referral=referral, form=form)
    if form.validate_on_submit():
        try:
            services.return_referral(db.session, referral, reason=form.reason.data,
                                     note=(form.note.data or "").strip(), actor=current_user,
                                     now=utcnow())
        except services.ReferralError as refusal:
            discard()
            flash(explain(refusal), "error")
        else:
            flash(_("Referral returned to the sender."), "success")
        return redirect(url_for("referrals.inbox"))
    return render_template("referrals/return.html", referral=referral, form=form)


@bp.post("/referrals/<int:referral_id>/withdraw")
@requires(roles.acts_for_institution)
def withdraw(referral_id: int):
    """Withdraw a referral not yet accepted (the page asks for confirmation)."""
    referral = _referral_or_404(referral_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw_referral(db.session, referral, actor=current_user, now=utcnow())
    except services.ReferralError as refusal:
        discard()
        flash(explain(refusal), "error")
    else:
        flash(_("Referral withdrawn."), "success")
    return redirect(url_for("cases.show", case_id=referral.case_id))
