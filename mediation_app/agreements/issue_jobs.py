"""Issuing a document as a job (mediation_app.jobs). With REDIS_URL set, the page that issues
a procedural document, a visit's 回访记录 or the 司法确认申请书 queues it and answers at once;
a queue worker renders, signs, stores and records it (audit and notices as in the request),
and the issuing page polls `documents/jobs/<id>` until it is there. Without REDIS_URL the
request issues it itself, as it always did.

A job issues all or nothing: refused (wrong step, not a court …) it records nothing and
returns why; failed, its transaction is rolled back and the files it stored are removed, so
that no document is left without its file, and the user may issue it again."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response, current_app, redirect, url_for
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

from ..auth.models import User
from ..casefile.models import Case
from ..db import db, utcnow
from ..directory.models import Institution
from ..documents.issuer import current_issuer
from ..documents.models import Document
from ..documents.services import DocumentError, Issuer
from ..jobs import enqueue, redis_url
from ..jobs.runtime import job_app
from ..labels import N_
from ..storage import Storage
from .issuing import issue_case_document, issue_confirmation_application, issue_visit_record
from .models import Agreement, FollowUp, RecordDocument
from .services import AgreementError

log = logging.getLogger(__name__)

STEP, VISIT_RECORD, CONFIRMATION = "step", "visit_record", "confirmation"
ALREADY_ISSUED = N_("The record of this visit has already been issued.")


class AlreadyIssued(Exception):
    """The visit's 回访记录 was issued meanwhile (by another request or job)."""


def queues_documents(app: Flask) -> bool:
    """True when documents are issued by queue workers (REDIS_URL is set)."""
    return redis_url(app) is not None


def queued_issue(case: Case, what: str, **target) -> Response | None:
    """For the issuing page, with REDIS_URL set: queue the issuing of `what` for `case`
    (target: kind, visit_id, or agreement_id and court_id) and go to the page that follows
    the job. None when the request is to issue the document itself (no REDIS_URL, or Redis
    could not take the job)."""
    if not queues_documents(current_app):
        return None
    handle = enqueue("document_issue", case_id=case.id, what=what, actor_id=current_user.id,
                     public_url=current_issuer().public_url, **target)
    if handle.mode != "queue":
        return None
    return redirect(url_for("agreements.document_job", case_id=case.id, job_id=handle.job_id))


def visit_record_issued(session: Session, visit: FollowUp) -> bool:
    return session.scalar(db.select(RecordDocument.id).where(
        RecordDocument.follow_up_id == visit.id)) is not None


def _step(session: Session, issuer: Issuer, case: Case, actor: User, *, kind: str) -> Document:
    return issue_case_document(session, issuer, case, kind, actor=actor, now=utcnow())


def _visit_record(session: Session, issuer: Issuer, case: Case, actor: User, *,
                  visit_id: int) -> Document:
    visit = session.get(FollowUp, visit_id)
    if visit_record_issued(session, visit):
        raise AlreadyIssued
    return issue_visit_record(session, issuer, visit, actor=actor, now=utcnow())


def _confirmation(session: Session, issuer: Issuer, case: Case, actor: User, *,
                  agreement_id: int, court_id: int) -> Document:
    return issue_confirmation_application(
        session, issuer, session.get(Agreement, agreement_id),
        court=session.get(Institution, court_id), actor=actor, now=utcnow())


ISSUERS: dict[str, Callable[..., Document]] = {
    STEP: _step, VISIT_RECORD: _visit_record, CONFIRMATION: _confirmation}


def issue_job(case_id: int, what: str, actor_id: int, public_url: str, **target) -> dict:
    """The queued job: issue the document in the worker's app (or the current one). Returns
    {"document_id", "title"} once committed, or {"refusal": [labels, code]} /
    {"message": msgid} when nothing was issued; raises (the job fails) on any other error,
    having kept nothing of it."""
    app = job_app()
    with app.app_context():
        session = db.session
        issuer = Issuer(storage=Storage(app.config["MEDIATION_STORAGE"]),
                        secret_key=app.config["SECRET_KEY"], public_url=public_url)
        try:
            return _issue(session, issuer, case_id, what, actor_id, target)
        finally:
            db.session.remove()


def _issue(session: scoped_session, issuer: Issuer, case_id: int, what: str, actor_id: int,
           target: dict) -> dict:
    case, actor = session.get(Case, case_id), session.get(User, actor_id)
    added: list[Document] = []

    def note(_session, instance) -> None:
        if isinstance(instance, Document):
            added.append(instance)

    event.listen(session(), "transient_to_pending", note)
    try:
        document = ISSUERS[what](session, issuer, case, actor, **target)
        result = {"document_id": document.id, "title": document.title}
        session.commit()
    except DocumentError as refusal:
        session.rollback()
        return {"refusal": ["document_refusal", refusal.code]}
    except AgreementError as refusal:
        session.rollback()
        return {"refusal": ["agreement_refusal", refusal.code]}
    except AlreadyIssued:
        session.rollback()
        return {"message": ALREADY_ISSUED}
    except Exception:
        _forget_stored(session, issuer, added)
        log.exception("issuing %s of case %s failed", what, case_id)
        raise
    finally:
        event.remove(session(), "transient_to_pending", note)
    return result


def _forget_stored(session: Session, issuer: Issuer, added: list[Document]) -> None:
    """Roll back, removing the files of the documents the failed transaction stored."""
    stored = [key for document in added
              for key in (document.storage_key, document.masked_storage_key) if key]
    session.rollback()
    for key in stored:
        try:
            issuer.storage.delete(key)
        except Exception:
            log.warning("stored file %s of a failed issuing not removed", key, exc_info=True)
