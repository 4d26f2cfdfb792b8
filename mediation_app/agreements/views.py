"""Sessions, agreement drafting and on-screen signing, performance and follow-up."""

from dataclasses import asdict

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import policy
from ..access.web import changeable_case_or_404 as editable_case_or_404
from ..access.web import refuse, visible_case_or_404
from ..casefile.models import Party
from ..concurrency import EditConflict, parse_version
from ..db import db, utcnow
from ..directory.models import Institution
from ..documents.issuer import current_issuer
from ..documents.services import DocumentError
from ..downloads import pdf_response
from ..labels import label
from ..panels import register_with
from ..rendered import following_page, queue_render, render_of, rendered_download
from ..transaction import discard
from . import previews, services
from .forms import (
    AgreementEditForm,
    AgreementForm,
    ConfirmationApplicationForm,
    CorrectionForm,
    FollowUpForm,
    OralAgreementForm,
    PerformancePlanForm,
    PerformanceRecordForm,
    SessionEditForm,
    SessionForm,
    SignatureForm,
    with_details,
)
from .issue_jobs import AGREEMENT, CONFIRMATION, ORAL_AGREEMENT, queued_issue, sign_then_issue
from .issuing import (
    confirmation_courts,
    issue_agreement,
    issue_confirmation_application,
    preview_agreement,
)
from .models import Agreement, MediationSession, Performance
from .panels import PANELS
from .queries import recorder_candidates

bp = Blueprint("agreements", __name__)
register_with(bp, PANELS)


def _refused(error: services.AgreementError, case_id: int):
    discard()
    flash(label("agreement_refusal", error.code), "error")
    return redirect(url_for("cases.show", case_id=case_id))


def _no_such_document(case_id: int):
    discard()
    flash(_("This procedure issues no such document."), "error")
    return redirect(url_for("cases.show", case_id=case_id))


def _agreement_or_404(agreement_id: int) -> Agreement:
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None:
        abort(404)
    visible_case_or_404(agreement.case_id)
    return agreement


def _changeable_agreement_or_403(agreement_id: int) -> Agreement:
    """Only the institution whose handling made the agreement changes it."""
    agreement = _agreement_or_404(agreement_id)
    if not policy.can_change_record(current_user, agreement):
        refuse(agreement.handling.case)
    return agreement


def _require_mediating_institution(case) -> None:
    """Performance and follow-up belong to the institution that mediated with success."""
    if not policy.can_record_aftercare(current_user, case):
        refuse(case)


@bp.route("/cases/<int:case_id>/sessions/new", methods=["GET", "POST"])
@login_required
def new_session(case_id: int):
    """Record a mediation session (调解记录)."""
    case = editable_case_or_404(case_id)
    form = SessionForm().offer_recorders(
        recorder_candidates(db.session, case.holder_institution_id))
    if request.method == "GET":
        form.held_on.data = utcnow().date()
        form.mediators.data = current_user.display_name
        form.recorder_id.data = current_user.id
    if form.validate_on_submit():
        try:
            services.record_session(db.session, case, _session_record(form), actor=current_user,
                                    now=utcnow())
        except services.AgreementError as refusal:
            return _refused(refusal, case.id)
        flash(_("Session recorded."), "success")
        return redirect(url_for("cases.show", case_id=case.id))
    return render_template("agreements/session.html", form=form, case=case)


def _session_record(form: SessionForm) -> services.SessionRecord:
    return services.SessionRecord(held_on=form.held_on.data, place=form.place.data.strip(),
                                  mediators=form.mediators.data.strip(),
                                  attendees=form.attendees.data.strip(),
                                  record=form.record.data.strip(),
                                  start_time=form.start_time.data, end_time=form.end_time.data,
                                  recorder_id=form.recorder_id.data or None)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit_session(session_id: int):
    """Correct a session record. The form carries the record's version: a save made after
    someone else saved the record is refused (409) with both sets of values."""
    record = db.session.get(MediationSession, session_id)
    if record is None:
        abort(404)
    case = visible_case_or_404(record.case_id)
    if not policy.can_change_record(current_user, record):
        refuse(case)
    form = SessionEditForm(obj=record).offer_recorders(recorder_candidates(
        db.session, services.record_institution_id(db.session, record)))
    if form.validate_on_submit():
        try:
            services.update_session(db.session, record, _session_record(form),
                                    actor=current_user, now=utcnow(),
                                    based_on_version=parse_version(form.version.data))
        except EditConflict as conflict:
            discard()
            form.version.data = conflict.current_version  # saving again keeps the values shown
            return render_template("agreements/session.html", form=form, case=case,
                                   record=record, conflict=conflict.fields), 409
        except services.AgreementError as refusal:
            return _refused(refusal, case.id)
        flash(_("Session record saved."), "success")
        return redirect(url_for("cases.show", case_id=case.id))
    return render_template("agreements/session.html", form=form, case=case, record=record)


def _draft_from(form: AgreementForm | OralAgreementForm) -> services.AgreementDraft:
    return services.AgreementDraft(
        facts=form.facts.data.strip(), matters=form.matters.data.strip(),
        clauses=form.clause_list(), amount=form.amount.data,
        performance_manner=form.performance_manner.data.strip(),
        performance_deadline=form.performance_deadline.data, details=form.details())


def _detail_names(handling, kind: str = "agreement") -> tuple[str, ...]:
    spec = handling.definition.document(kind) if handling is not None else None
    return spec.fields if spec is not None else ()


OFFICER_DETAILS = ("host", "judge", "arbitrator")  # whoever drafts presides, unless changed


def _officer_filled(form: AgreementForm) -> None:
    for field in form.detail_fields():
        if field.name.removeprefix("detail_") in OFFICER_DETAILS and not field.data:
            field.data = current_user.display_name


@bp.route("/cases/<int:case_id>/agreement/new", methods=["GET", "POST"])
@login_required
def new_agreement(case_id: int):
    """Draft the mediation agreement (调解协议书)."""
    case = editable_case_or_404(case_id)
    form = with_details(AgreementForm, _detail_names(case.current_handling))()
    if request.method == "GET":
        form.facts.data = case.description
        _officer_filled(form)
    if form.validate_on_submit():
        try:
            agreement = services.draft_agreement(db.session, case, _draft_from(form),
                                                 actor=current_user, now=utcnow())
        except services.AgreementError as refusal:
            return _refused(refusal, case.id)
        flash(_("Agreement drafted. Preview it, then collect the signatures."), "success")
        return redirect(url_for("agreements.sign", agreement_id=agreement.id))
    return render_template("agreements/form.html", form=form, case=case, agreement=None)


@bp.route("/cases/<int:case_id>/agreement/oral", methods=["GET", "POST"])
@login_required
def new_oral_agreement(case_id: int):
    """Record an oral agreement (人民调解法 arts. 28, 30): the mediator writes down what the
    parties agreed; nobody signs on screen, and the record is issued at once (with REDIS_URL
    set, both by a queue worker)."""
    case = editable_case_or_404(case_id)
    handling = case.current_handling
    spec = handling.definition.document("oral_agreement") if handling is not None else None
    if spec is None or handling.state not in spec.at:
        flash(label("agreement_refusal", "no_such_document"), "error")
        return redirect(url_for("cases.show", case_id=case.id))
    form = with_details(OralAgreementForm, spec.fields)()
    if request.method == "GET":
        form.facts.data = case.description
    if form.validate_on_submit():
        now = utcnow()
        if (queued := queued_issue(case.id, ORAL_AGREEMENT, draft=asdict(_draft_from(form)),
                                   recorded_at=now.isoformat())) is not None:
            return queued
        try:
            agreement = services.record_oral_agreement(db.session, case, _draft_from(form),
                                                       actor=current_user, now=now)
            issue_agreement(db.session, current_issuer(), agreement, actor=current_user, now=now)
        except services.AgreementError as refusal:
            return _refused(refusal, case.id)
        except DocumentError:
            return _no_such_document(case.id)
        flash(_("Oral agreement recorded; it took effect today."), "success")
        return redirect(url_for("cases.show", case_id=case.id))
    return render_template("agreements/oral.html", form=form, case=case)


@bp.route("/agreements/<int:agreement_id>/edit", methods=["GET", "POST"])
@login_required
def edit(agreement_id: int):
    """Change a draft nobody has signed yet."""
    agreement = _changeable_agreement_or_403(agreement_id)
    case = visible_case_or_404(agreement.case_id)
    if not agreement.is_editable:
        flash(label("agreement_refusal", "not_editable"), "error")
        return redirect(url_for("agreements.sign", agreement_id=agreement.id))
    form = with_details(AgreementEditForm, _detail_names(agreement.handling))(obj=agreement)
    if request.method == "GET":
        form.clauses.data = "\n".join(agreement.clauses)
        form.fill_details(agreement.details or {})
    if form.validate_on_submit():
        try:
            services.update_draft(db.session, agreement, _draft_from(form), actor=current_user,
                                  now=utcnow(),
                                  based_on_version=parse_version(form.row_version.data))
        except EditConflict as conflict:
            discard()
            form.row_version.data = conflict.current_version  # saving again keeps the values
            return render_template("agreements/form.html", form=form, case=case,
                                   agreement=agreement, conflict=conflict.fields), 409
        except services.AgreementError as refusal:
            return _refused(refusal, case.id)
        flash(_("Draft saved."), "success")
        return redirect(url_for("agreements.sign", agreement_id=agreement.id))
    return render_template("agreements/form.html", form=form, case=case, agreement=agreement)


@bp.get("/agreements/<int:agreement_id>/preview.pdf")
@login_required
def preview(agreement_id: int):
    """The draft as it will print, marked as a draft (with REDIS_URL set, rendered by a
    queue worker while a page follows it)."""
    agreement = _agreement_or_404(agreement_id)
    now = utcnow()
    if (job_id := queue_render(previews.JOB, agreement_id=agreement.id,
                               previewed_at=now.isoformat(),
                               public_url=current_issuer().public_url)) is not None:
        return redirect(url_for("agreements.previewing", agreement_id=agreement.id,
                                job_id=job_id))
    try:
        pdf = preview_agreement(db.session, current_issuer(), agreement, now=now,
                                whole=policy.sees_record_whole(current_user, agreement))
    except DocumentError:
        return _no_such_document(agreement.case_id)
    return pdf_response(pdf, previews.preview_name(agreement), inline=True)


@bp.get("/agreements/<int:agreement_id>/preview/<job_id>")
@login_required
def previewing(agreement_id: int, job_id: str):
    """The draft being rendered by a queue worker, then its download."""
    agreement = _agreement_or_404(agreement_id)
    return following_page(
        render_of(job_id, previews.JOB, agreement_id=agreement.id),
        title=_("Agreement draft (PDF)"),
        download_url=url_for("agreements.preview_file", agreement_id=agreement.id,
                             job_id=job_id),
        again_url=url_for("agreements.preview", agreement_id=agreement.id),
        back_url=url_for("agreements.sign", agreement_id=agreement.id))


@bp.get("/agreements/<int:agreement_id>/preview/<job_id>/file")
@login_required
def preview_file(agreement_id: int, job_id: str):
    """The draft a queue worker rendered, for the user who asked for it."""
    agreement = _agreement_or_404(agreement_id)
    return rendered_download(render_of(job_id, previews.JOB, agreement_id=agreement.id))


@bp.get("/agreements/<int:agreement_id>/sign")
@login_required
def sign(agreement_id: int):
    """Signing page: each party and the mediator sign on the screen."""
    agreement = _agreement_or_404(agreement_id)
    case = visible_case_or_404(agreement.case_id)
    parties_left, mediator_left = services.missing_signatures(agreement, case)
    return render_template("agreements/sign.html", agreement=agreement, case=case,
                           parties_left=parties_left, mediator_left=mediator_left,
                           can_edit=policy.can_change_record(current_user, agreement),
                           form=SignatureForm(),
                           correction_form=CorrectionForm())


def _signer(value: str, case) -> services.Signer:
    if value == "mediator":
        return services.Signer(user=current_user._get_current_object())
    party = db.session.get(Party, int(value.removeprefix("party-")))
    if party is None or party.case_id != case.id:
        abort(404)
    return services.Signer(party=party)


@bp.post("/agreements/<int:agreement_id>/signatures")
@login_required
def add_signature(agreement_id: int):
    """Store one drawn signature; the last one seals, signs and stores the PDF."""
    agreement = _changeable_agreement_or_403(agreement_id)
    case = visible_case_or_404(agreement.case_id)
    form = SignatureForm()
    if not form.validate_on_submit():
        flash(_("The signature could not be read. Please sign again."), "error")
        return redirect(url_for("agreements.sign", agreement_id=agreement.id))
    image = form.png()
    now = utcnow()
    signer, ip_address = form.signer.data, request.remote_addr or ""
    try:
        following = sign_then_issue(
            lambda on_complete: services.sign_agreement(
                db.session, agreement, _signer(signer, case), image_png=image,
                ip_address=ip_address, user_agent=request.user_agent.string,
                actor=current_user, now=now, on_complete=on_complete),
            lambda signed: issue_agreement(db.session, current_issuer(), signed,
                                           actor=current_user, now=now),
            case.id, AGREEMENT, agreement_id=agreement.id, signer=signer, image_png=image,
            ip_address=ip_address, user_agent=request.user_agent.string,
            signed_at=now.isoformat())
    except services.AgreementError as refusal:
        discard()
        flash(label("agreement_refusal", refusal.code), "error")
        return redirect(url_for("agreements.sign", agreement_id=agreement.id))
    if following is not None:
        return following
    if agreement.status == "signed":
        flash(_("All signatures are in: the agreement is sealed, signed and stored."), "success")
        return redirect(url_for("cases.show", case_id=case.id))
    flash(_("Signature saved."), "success")
    return redirect(url_for("agreements.sign", agreement_id=agreement.id))


@bp.post("/agreements/<int:agreement_id>/correct")
@login_required
def correct(agreement_id: int):
    """Void the signed agreement and start a corrected version."""
    agreement = _changeable_agreement_or_403(agreement_id)
    case = visible_case_or_404(agreement.case_id)
    form = CorrectionForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for the correction."), "error")
        return redirect(url_for("agreements.sign", agreement_id=agreement.id))
    try:
        new = services.correct_agreement(db.session, agreement, reason=form.reason.data.strip(),
                                         actor=current_user, now=utcnow())
    except services.AgreementError as refusal:
        return _refused(refusal, case.id)
    flash(_("Version %(old)s is void. Version %(new)s is a draft to correct and sign again.",
            old=agreement.version, new=new.version), "success")
    return redirect(url_for("agreements.edit", agreement_id=new.id))


@bp.post("/agreements/<int:agreement_id>/performances")
@login_required
def plan_performance(agreement_id: int):
    """Add an obligation to track (履行) with its due date."""
    agreement = _agreement_or_404(agreement_id)
    _require_mediating_institution(visible_case_or_404(agreement.case_id))
    form = PerformancePlanForm()
    if form.validate_on_submit():
        try:
            services.plan_performance(db.session, agreement, description=form.description.data,
                                      due_on=form.due_on.data, actor=current_user, now=utcnow())
        except services.AgreementError as refusal:
            return _refused(refusal, agreement.case_id)
        flash(_("Obligation added."), "success")
    else:
        flash(_("Give the obligation and its due date."), "error")
    return redirect(url_for("cases.show", case_id=agreement.case_id))


@bp.post("/performances/<int:performance_id>")
@login_required
def record_performance(performance_id: int):
    """Record how an obligation was performed."""
    item = db.session.get(Performance, performance_id)
    if item is None:
        abort(404)
    agreement = _agreement_or_404(item.agreement_id)
    _require_mediating_institution(visible_case_or_404(agreement.case_id))
    form = PerformanceRecordForm()
    if form.validate_on_submit():
        try:
            services.record_performance(db.session, item, status=form.status.data,
                                        note=form.note.data or "", actor=current_user,
                                        now=utcnow())
        except services.AgreementError as refusal:
            return _refused(refusal, agreement.case_id)
        flash(_("Performance recorded."), "success")
    return redirect(url_for("cases.show", case_id=agreement.case_id))


@bp.route("/cases/<int:case_id>/follow-ups/new", methods=["GET", "POST"])
@login_required
def new_follow_up(case_id: int):
    """Record a follow-up visit (回访) after a successful mediation."""
    case = visible_case_or_404(case_id)
    _require_mediating_institution(case)
    form = FollowUpForm()
    if request.method == "GET":
        form.visited_on.data = utcnow().date()
    if form.validate_on_submit():
        try:
            services.record_follow_up(db.session, case, visited_on=form.visited_on.data,
                                      satisfaction=form.satisfaction.data,
                                      notes=(form.notes.data or "").strip(),
                                      actor=current_user, now=utcnow())
        except services.AgreementError as refusal:
            return _refused(refusal, case.id)
        flash(_("Follow-up visit recorded."), "success")
        return redirect(url_for("cases.show", case_id=case.id))
    return render_template("agreements/follow_up.html", form=form, case=case)


@bp.post("/agreements/<int:agreement_id>/confirmation-application")
@login_required
def confirmation_application(agreement_id: int):
    """Issue the joint application for judicial confirmation (司法确认申请书)."""
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None:
        abort(404)
    case = visible_case_or_404(agreement.case_id)
    if agreement.status != "signed" or not policy.can_issue_notice(current_user, case):
        refuse(case)
    form = ConfirmationApplicationForm().offer(
        confirmation_courts(db.session, case, current_user.institution)[0])
    if not form.validate_on_submit():
        flash(label("agreement_refusal", "not_a_court"), "error")
        return redirect(url_for("cases.show", case_id=case.id))
    if (queued := queued_issue(case.id, CONFIRMATION, agreement_id=agreement.id,
                               court_id=form.court.data)) is not None:
        return queued
    try:
        issue_confirmation_application(db.session, current_issuer(), agreement,
                                       court=db.session.get(Institution, form.court.data),
                                       actor=current_user, now=utcnow())
    except services.AgreementError as refusal:
        return _refused(refusal, case.id)
    except DocumentError:
        return _no_such_document(case.id)
    flash(_("Application for judicial confirmation issued."), "success")
    return redirect(url_for("cases.show", case_id=case.id))
