"""The staff side: the inbox of online applications, and sending signing links."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import policy
from ..access.web import refuse, requires, visible_case_or_404
from ..agreements.models import Agreement
from ..agreements.services import AgreementError
from ..auth.forms import EmptyForm
from ..db import db, utcnow
from ..documents.models import Document
from ..handlings.catalog import catalog
from ..labels import label
from ..transaction import discard
from . import applications
from .appointments import (
    AppointmentRefused,
    NewAppointment,
    cancel,
    schedule,
    staff_participant,
    upcoming_for,
    video_link,
)
from .delivery import DeliveryRefused, deliver_document
from .forms import AppointmentForm, CancelAppointmentForm, DeclineForm
from .messages import refusal_message
from .models import Application, Appointment
from .signing import send_signing_links
from .texts import CHINA
from .video import JitsiConfig
from .web import upload_rules, verifier

bp = Blueprint("applications", __name__)


def _application_or_404(application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None or not policy.may_answer_application(current_user, application):
        abort(404)
    return application


@bp.get("/applications")
@requires(policy.answers_applications)
def inbox():
    """Online applications waiting for this institution's answer."""
    institution_id = current_user.institution_id
    return render_template("parties/inbox.html",
                           pending=applications.pending_for(db.session, institution_id),
                           answered=applications.recent_answers(db.session, institution_id))


@bp.get("/applications/<int:application_id>")
@requires(policy.answers_applications)
def show(application_id: int):
    """One application with its files, to accept or decline."""
    application = _application_or_404(application_id)
    return render_template("parties/application.html", application=application,
                           accept_form=EmptyForm(), decline_form=DeclineForm())


@bp.get("/applications/<int:application_id>/files/<int:file_id>")
@requires(policy.answers_applications)
def file(application_id: int, file_id: int):
    """A file sent with the application."""
    application = _application_or_404(application_id)
    item = next((f for f in application.files if f.id == file_id), None)
    if item is None:
        abort(404)
    content = upload_rules().storage.read(item.storage_key)
    return send_file(BytesIO(content), mimetype=item.content_type, as_attachment=True,
                     download_name=item.filename)


def _workflow():
    return catalog().sources[catalog().for_filing(current_user.institution.kind)[0].name]


@bp.post("/applications/<int:application_id>/accept")
@requires(policy.answers_applications)
def accept(application_id: int):
    """Accept: the application becomes an online case, numbered as usual."""
    application = _application_or_404(application_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        case = applications.accept_application(
            db.session, application, actor=current_user, now=utcnow(), workflow=_workflow(),
            follow_url=url_for("parties.follow", _external=True))
    except applications.ApplicationRefused as refusal:
        discard()
        flash(refusal_message(refusal.code), "error")
        return redirect(url_for("applications.show", application_id=application_id))
    flash(_("Accepted as case %(number)s. The applicant is told by text message.",
            number=case.case_no), "success")
    return redirect(url_for("cases.show", case_id=case.id))


@bp.route("/applications/<int:application_id>/decline", methods=["POST"])
@requires(policy.answers_applications)
def decline(application_id: int):
    """Decline with a reason that is sent to the applicant."""
    application = _application_or_404(application_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for declining."), "error")
        return redirect(url_for("applications.show", application_id=application.id))
    try:
        applications.decline_application(db.session, application,
                                         reason=form.reason.data.strip(), actor=current_user,
                                         now=utcnow())
    except applications.ApplicationRefused as refusal:
        discard()
        flash(refusal_message(refusal.code), "error")
        return redirect(url_for("applications.show", application_id=application.id))
    flash(_("Declined. The applicant is told by text message."), "success")
    return redirect(url_for("applications.inbox"))


@bp.post("/agreements/<int:agreement_id>/signing-links")
@requires(policy.answers_applications)
def signing_links(agreement_id: int):
    """Send each party still to sign a one-time link to sign on their own phone."""
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None:
        abort(404)
    visible_case_or_404(agreement.case_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        result = send_signing_links(
            db.session, verifier(), agreement, actor=current_user, now=utcnow(),
            link_url=lambda token: url_for("parties.sign_identity", token=token,
                                           _external=True))
    except AgreementError as refusal:
        discard()
        flash(label("agreement_refusal", refusal.code), "error")
        return redirect(url_for("agreements.sign", agreement_id=agreement.id))
    if result.sent:
        flash(_("Signing links sent by text message to: %(names)s.",
                names="、".join(p.name for p in result.sent)), "success")
    if result.skipped:
        flash(_("No mobile number or ID number on file, sign in person: %(names)s.",
                names="、".join(p.name for p in result.skipped)), "error")
    return redirect(url_for("agreements.sign", agreement_id=agreement.id))


def _jitsi():
    from flask import current_app

    return JitsiConfig.from_config(current_app.config)


@bp.route("/cases/<int:case_id>/appointments", methods=["GET", "POST"])
@requires(policy.answers_applications)
def appointments(case_id: int):
    """Schedule a session; every party is told the time and place (or video link) by text."""
    case = visible_case_or_404(case_id)
    if not policy.schedules_sessions(current_user, case):
        refuse(case)
    form = AppointmentForm()
    if form.validate_on_submit():
        starts_at = datetime.combine(form.day.data, form.time.data, tzinfo=CHINA) \
            .astimezone(UTC).replace(tzinfo=None)
        try:
            schedule(db.session, case, NewAppointment(starts_at=starts_at,
                                                      place=form.place.data.strip(),
                                                      by_video=form.by_video.data),
                     jitsi=_jitsi(), actor=current_user, now=utcnow())
        except AppointmentRefused as refusal:
            discard()
            flash(refusal_message(refusal.code), "error")
        else:
            flash(_("Session scheduled. Every party with a mobile number is told by text."),
                  "success")
            return redirect(url_for("applications.appointments", case_id=case.id))
    upcoming = upcoming_for(db.session, case.id, now=utcnow())
    return render_template("parties/appointments.html", case=case, form=form,
                           upcoming=upcoming,
                           links={item.id: video_link(_jitsi(), item, staff_participant(
                               current_user, case, item)) for item in upcoming},
                           video_configured=_jitsi() is not None,
                           cancel_form=CancelAppointmentForm(), now=utcnow())


@bp.post("/cases/<int:case_id>/appointments/<int:appointment_id>/cancel")
@requires(policy.answers_applications)
def cancel_appointment(case_id: int, appointment_id: int):
    """Call a session off; every party is told by text, with the reason."""
    case = visible_case_or_404(case_id)
    appointment = db.session.get(Appointment, appointment_id)
    if appointment is None or appointment.case_id != case.id:
        abort(404)
    if not policy.schedules_sessions(current_user, case):
        refuse(case)
    form = CancelAppointmentForm()
    try:
        if not form.validate_on_submit():
            raise AppointmentRefused("no_reason")
        cancel(db.session, appointment, reason=form.reason.data, actor=current_user,
               now=utcnow())
    except AppointmentRefused as refusal:
        discard()
        flash(refusal_message(refusal.code), "error")
    else:
        flash(_("Session cancelled. Every party with a mobile number is told by text."),
              "success")
    return redirect(url_for("applications.appointments", case_id=case.id))


@bp.post("/documents/<int:document_id>/deliver")
@requires(policy.answers_applications)
def deliver(document_id: int):
    """电子送达: send each party the link to the document."""
    document = db.session.get(Document, document_id)
    if document is None:
        abort(404)
    case = visible_case_or_404(document.case_id)
    if not policy.may_deliver(current_user, document):
        refuse(case)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        names = deliver_document(db.session, document, actor=current_user, now=utcnow(),
                                 follow_url=url_for("parties.follow", _external=True))
    except DeliveryRefused as refusal:
        discard()
        flash(refusal_message(refusal.code), "error")
    else:
        flash(_("Delivered by text message to: %(names)s.", names="、".join(names)), "success")
    return redirect(url_for("cases.show", case_id=case.id))
