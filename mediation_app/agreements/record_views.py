"""The 调解笔录 page: those present at a session sign the record on screen in turn (or the
mediator records a refusal), the last mark issues it; and issuing a visit's 回访记录."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access.web import refuse, visible_case_or_404
from ..auth.forms import EmptyForm
from ..db import db, utcnow
from ..documents.issuer import current_issuer
from ..documents.models import Document
from ..documents.services import DocumentError
from ..labels import label
from ..transaction import discard
from ..workflow.calendar import china_date
from . import record_signing
from .forms import RecordRefusalForm, RecordSignatureForm
from .issue_jobs import (
    SESSION_RECORD,
    VISIT_RECORD,
    may_issue_visit_record,
    queued_issue,
    sign_then_issue,
    visit_record_issued,
)
from .issuing import issue_session_record, issue_visit_record, png_data_uri
from .models import FollowUp, MediationSession, RecordDocument
from .services import AgreementError
from .views import bp


def _signable_or_403(session_id: int):
    """The session and its case, for the holder whose handling recorded it; 404 for who
    cannot see the case, 403 for who sees it but does not collect its signatures."""
    record = db.session.get(MediationSession, session_id)
    if record is None:
        abort(404)
    case = visible_case_or_404(record.case_id)
    if not (record_signing.may_sign_record(current_user, record, case)
            and record_signing.issues_record(case, record)):
        refuse(case)
    return record, case


def _back(record: MediationSession):
    return redirect(url_for("agreements.session_record", session_id=record.id))


@bp.get("/sessions/<int:session_id>/record")
@login_required
def session_record(session_id: int):
    """The record as it will print, who has signed it, and the signing canvas."""
    record, case = _signable_or_403(session_id)
    sheet = record_signing.sheet(db.session, record, case)
    given = record_signing.signatures(db.session, record)
    return render_template("agreements/session_record.html", case=case, record=record,
                           sheet=sheet, form=RecordSignatureForm(),
                           refusal_form=RecordRefusalForm().offer(sheet.left),
                           title=record_signing.title(case, record),
                           images={s.signer_key: png_data_uri(s.image_png) for s in given
                                   if s.image_png},
                           days={s.signer_key: china_date(s.signed_at) for s in given})


def _mark(record: MediationSession, signer: str, mark: record_signing.Mark):
    now = utcnow()
    try:
        following = sign_then_issue(
            lambda on_complete: record_signing.mark_record(
                db.session, record, signer, mark, actor=current_user, now=now,
                on_complete=on_complete),
            lambda done: issue_session_record(db.session, current_issuer(), done,
                                              actor=current_user, now=now),
            record.case_id, SESSION_RECORD, session_id=record.id, signer=signer,
            image_png=mark.image_png, refusal_note=mark.refusal_note,
            ip_address=mark.ip_address, user_agent=mark.user_agent, signed_at=now.isoformat())
    except AgreementError as refusal:
        discard()
        flash(label("agreement_refusal", refusal.code), "error")
        return _back(record)
    except DocumentError as refusal:
        discard()
        flash(label("document_refusal", refusal.code), "error")
        return _back(record)
    if following is not None:
        return following
    if record_signing.issued_document_id(db.session, record) is not None:
        flash(_("Everyone present has signed: the session record is issued and stored."),
              "success")
    else:
        flash(_("Saved."), "success")
    return _back(record)


@bp.post("/sessions/<int:session_id>/record/signatures")
@login_required
def add_record_signature(session_id: int):
    """One person present signs the record; the last one issues it."""
    record, _case = _signable_or_403(session_id)
    form = RecordSignatureForm()
    if not form.validate_on_submit():
        flash(_("The signature could not be read. Please sign again."), "error")
        return _back(record)
    return _mark(record, form.signer.data, record_signing.Mark(
        image_png=form.png(), ip_address=request.remote_addr or "",
        user_agent=request.user_agent.string))


@bp.post("/sessions/<int:session_id>/record/refusals")
@login_required
def add_record_refusal(session_id: int):
    """The mediator records that a person present refused to sign (拒绝签名), with a note."""
    record, case = _signable_or_403(session_id)
    form = RecordRefusalForm().offer(record_signing.sheet(db.session, record, case).left)
    if not form.validate_on_submit():
        flash(_("Choose who refused and write down how."), "error")
        return _back(record)
    return _mark(record, form.signer.data, record_signing.Mark(
        refusal_note=form.note.data, ip_address=request.remote_addr or "",
        user_agent=request.user_agent.string))


@bp.post("/follow-ups/<int:visit_id>/record")
@login_required
def issue_follow_up_record(visit_id: int):
    """Issue the 回访记录 of one follow-up visit, once."""
    visit = db.session.get(FollowUp, visit_id)
    if visit is None:
        abort(404)
    case = visible_case_or_404(visit.case_id)
    handling = case.handlings[-1] if case.handlings else None
    if (not may_issue_visit_record(current_user, case) or handling is None
            or handling.definition.document("follow_up_record") is None):
        refuse(case)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if visit_record_issued(db.session, visit):
        flash(_("The record of this visit has already been issued."), "error")
    elif (queued := queued_issue(case.id, VISIT_RECORD, visit_id=visit.id)) is not None:
        return queued
    else:
        try:
            document = issue_visit_record(db.session, current_issuer(), visit,
                                          actor=current_user, now=utcnow())
        except DocumentError as refusal:
            discard()
            flash(label("document_refusal", refusal.code), "error")
        else:
            flash(_("%(title)s issued.", title=document.title), "success")
    return redirect(url_for("agreements.case_documents", case_id=case.id))


def record_listing(case) -> dict:
    """For the documents page: each session with its 调解笔录 (issued, or to sign) and each
    follow-up visit with its 回访记录 (issued, or to issue), and what the reader may do."""
    documents = {session_id or -follow_up_id: document
                 for session_id, follow_up_id, document in db.session.execute(
        db.select(RecordDocument.session_id, RecordDocument.follow_up_id, Document)
        .join(Document, Document.id == RecordDocument.document_id)
        .where(Document.case_id == case.id))}
    records = db.session.scalars(db.select(MediationSession).where(
        MediationSession.case_id == case.id).order_by(MediationSession.held_on,
                                                      MediationSession.id)).all()
    visits = db.session.scalars(db.select(FollowUp).where(FollowUp.case_id == case.id)
                                .order_by(FollowUp.visited_on, FollowUp.id)).all()
    handling = case.handlings[-1] if case.handlings else None
    visit_issuable = (handling is not None and may_issue_visit_record(current_user, case)
                      and handling.definition.document("follow_up_record") is not None)
    return {"session_records": [
        (record, documents.get(record.id),
         record_signing.may_sign_record(current_user, record, case)
         and record_signing.issues_record(case, record)) for record in records],
        "visit_records": [(visit, documents.get(-visit.id), visit_issuable) for visit in visits]}
