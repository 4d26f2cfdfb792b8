"""Issuing a document as a job (mediation_app.jobs). With REDIS_URL set, the page that issues
a procedural document, a visit's 回访记录 or the 司法确认申请书 queues it and answers at once,
and so does the last signature of an agreement or of a 调解笔录 (the one that issues it): a
queue worker renders, signs, stores and records the document (audit and notices as in the
request), and the page `documents/jobs/<id>` follows the job until it is there. Without
REDIS_URL the request issues it itself, as it always did. An oral agreement is recorded and
issued by the same job, and so is the 终止调解告知书 of a failed mediation.

A job issues all or nothing: refused (wrong step, not a court, signed meanwhile …) it records
nothing and returns why; failed, its transaction is rolled back and the files it stored are
removed, so that no document is left without its file, and the user may issue it again. The
last signature is given to the job and stored with the document it completes, in the one
transaction, as in the request: if the job fails, that person signs again."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from flask import Flask, Response, current_app, redirect, url_for
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

from ..access import policy
from ..auth.models import User
from ..casefile.models import Case, Party
from ..db import db, utcnow
from ..directory.models import Institution
from ..documents.issuer import current_issuer
from ..documents.models import Document
from ..documents.services import DocumentError, Issuer, issue_failure_notice, mediation_failed
from ..jobs import enqueue, redis_url
from ..jobs.runtime import job_app
from ..labels import N_
from ..storage import Storage
from . import record_signing
from .issuing import (
    issue_agreement,
    issue_case_document,
    issue_confirmation_application,
    issue_session_record,
    issue_visit_record,
)
from .models import Agreement, FollowUp, MediationSession, RecordDocument
from .services import (
    AgreementDraft,
    AgreementError,
    Signer,
    record_oral_agreement,
    sign_agreement,
)

log = logging.getLogger(__name__)

STEP, VISIT_RECORD, CONFIRMATION = "step", "visit_record", "confirmation"
ORAL_AGREEMENT = "oral_agreement"  # recorded and issued together
FAILURE_NOTICE = "failure_notice"  # 终止调解告知书
AGREEMENT, SESSION_RECORD = "agreement", "session_record"  # issued by their last signature
# dated when the user asked for them, not when a worker issues them (the others carry the
# moment of the signature or record that issues them)
DATED_WHEN_ASKED = (STEP, VISIT_RECORD, CONFIRMATION, FAILURE_NOTICE)
ALREADY_ISSUED = N_("The record of this visit has already been issued.")


class AlreadyIssued(Exception):
    """The visit's 回访记录 was issued meanwhile (by another request or job)."""


class Completes(Exception):
    """Raised by `defer_issuing` in the request: this signature is the last one."""


def defer_issuing(_signed) -> None:
    """`on_complete` for a signature checked in the request: the last one is left to a job
    (the request then discards what it wrote and queues the signature with the issuing)."""
    raise Completes


def queues_documents(app: Flask) -> bool:
    """True when documents are issued by queue workers (REDIS_URL is set)."""
    return redis_url(app) is not None


def queued_issue(case_id: int, what: str, **target) -> Response | None:
    """For the issuing page, with REDIS_URL set: queue the issuing of `what` for the case
    (target: kind; visit_id; agreement_id and court_id; draft and recorded_at; or, for the
    last signature, what `_agreement` or `_session_record` take) and go to the page that
    follows the job. None when the request is to issue the document itself (no REDIS_URL,
    or Redis could not take the job)."""
    if not queues_documents(current_app):
        return None
    if what in DATED_WHEN_ASKED:
        target = {**target, "asked_at": utcnow().isoformat()}
    handle = enqueue("document_issue", case_id=case_id, what=what, actor_id=current_user.id,
                     public_url=current_issuer().public_url, **target)
    if handle.mode != "queue":
        return None
    return redirect(url_for("agreements.document_job", case_id=case_id, job_id=handle.job_id))


def sign_then_issue(sign: Callable[[Callable], object], issue_here: Callable, case_id: int,
                    what: str, **target) -> Response | None:
    """A signature given in the request: `sign(on_complete)` stores it, and the last one
    issues the document through `on_complete`. With REDIS_URL set the last one is checked,
    then left with the issuing to a queue worker: the page that follows the job is returned.
    Otherwise (or should Redis not take the job) it is stored and issued here, by
    `issue_here`, as it always was; None."""
    return sign_or_queue(sign, issue_here, lambda: queued_issue(case_id, what, **target))


def sign_or_queue(sign: Callable[[Callable], object], issue_here: Callable,
                  queue: Callable[[], Response | None]) -> Response | None:
    """`sign_then_issue` with the queueing given: `queue()` queues the last signature with
    the issuing and returns the page that follows it (None: Redis did not take it)."""
    if queues_documents(current_app):
        try:
            sign(defer_issuing)
            return None
        except Completes:
            db.session.rollback()  # the job stores the signature with the document
            if (following := queue()) is not None:
                return following
    sign(issue_here)
    return None


def may_issue_visit_record(user: User, case: Case) -> bool:
    """The institution that mediated with success and holds the case issues its 回访记录."""
    return policy.can_record_aftercare(user, case) and policy.can_issue_notice(user, case)


def may_follow(user: User, case: Case, what: str, target: dict) -> bool:
    """Who may issue the job's document (or give its last signature) follows its job."""
    if what == STEP:
        return policy.can_change_case(user, case) and policy.can_issue_notice(user, case)
    if what == VISIT_RECORD:
        return may_issue_visit_record(user, case)
    if what == CONFIRMATION:
        return policy.can_issue_notice(user, case)
    if what == ORAL_AGREEMENT:
        return policy.can_change_case(user, case)
    if what == FAILURE_NOTICE:
        return policy.can_issue_notice(user, case)
    if what == AGREEMENT:
        agreement = db.session.get(Agreement, target["agreement_id"])
        return agreement is not None and policy.can_change_record(user, agreement)
    record = db.session.get(MediationSession, target["session_id"])
    return (record is not None and record_signing.may_sign_record(user, record, case)
            and record_signing.issues_record(case, record))


def visit_record_issued(session: Session, visit: FollowUp) -> bool:
    return session.scalar(db.select(RecordDocument.id).where(
        RecordDocument.follow_up_id == visit.id)) is not None


def _asked(asked_at: str | None) -> datetime:
    """When the user asked for the document (a job queued before it was recorded: now)."""
    return datetime.fromisoformat(asked_at) if asked_at else utcnow()


def _step(session: Session, issuer: Issuer, case: Case, actor: User, *, kind: str,
          asked_at: str | None = None) -> Document:
    return issue_case_document(session, issuer, case, kind, actor=actor, now=_asked(asked_at))


def _visit_record(session: Session, issuer: Issuer, case: Case, actor: User, *,
                  visit_id: int, asked_at: str | None = None) -> Document:
    visit = session.get(FollowUp, visit_id)
    if visit_record_issued(session, visit):
        raise AlreadyIssued
    return issue_visit_record(session, issuer, visit, actor=actor, now=_asked(asked_at))


def _confirmation(session: Session, issuer: Issuer, case: Case, actor: User, *,
                  agreement_id: int, court_id: int, asked_at: str | None = None) -> Document:
    return issue_confirmation_application(
        session, issuer, session.get(Agreement, agreement_id),
        court=session.get(Institution, court_id), actor=actor, now=_asked(asked_at))


def _agreement(session: Session, issuer: Issuer, case: Case, actor: User, *, agreement_id: int,
               signer: str, image_png: bytes, ip_address: str, user_agent: str,
               signed_at: str) -> Document | None:
    """The agreement's last signature (given at `signed_at`, ISO), and the agreement it
    completes issued."""
    agreement, issued = session.get(Agreement, agreement_id), []
    now = datetime.fromisoformat(signed_at)
    if signer == "mediator":
        who = Signer(user=actor)
    else:
        who = Signer(party=session.get(Party, int(signer.removeprefix("party-"))))
    sign_agreement(session, agreement, who, image_png=image_png, ip_address=ip_address,
                   user_agent=user_agent, actor=actor, now=now,
                   on_complete=lambda signed: issued.append(
                       issue_agreement(session, issuer, signed, actor=actor, now=now)))
    return issued[0] if issued else None


def _session_record(session: Session, issuer: Issuer, case: Case, actor: User, *,
                    session_id: int, signer: str, image_png: bytes | None,
                    refusal_note: str | None, ip_address: str, user_agent: str,
                    signed_at: str) -> Document | None:
    """The record's last signature or refusal (given at `signed_at`, ISO), and the 调解笔录
    it completes issued."""
    record, issued = session.get(MediationSession, session_id), []
    now = datetime.fromisoformat(signed_at)
    record_signing.mark_record(
        session, record, signer, record_signing.Mark(
            image_png=image_png, refusal_note=refusal_note, ip_address=ip_address,
            user_agent=user_agent), actor=actor, now=now,
        on_complete=lambda done: issued.append(
            issue_session_record(session, issuer, done, actor=actor, now=now)))
    return issued[0] if issued else None


def _oral_agreement(session: Session, issuer: Issuer, case: Case, actor: User, *,
                    draft: dict, recorded_at: str) -> Document:
    """An oral agreement (人民调解法 第二十八条、第三十条), recorded as written in the request
    at `recorded_at` (ISO) and its record issued: both, or neither."""
    now = datetime.fromisoformat(recorded_at)
    agreement = record_oral_agreement(session, case, AgreementDraft(**draft), actor=actor,
                                      now=now)
    return issue_agreement(session, issuer, agreement, actor=actor, now=now)


def _failure_notice(session: Session, issuer: Issuer, case: Case, actor: User, *,
                    asked_at: str | None = None) -> Document:
    """The 终止调解告知书 of a case whose mediation failed."""
    if not mediation_failed(case):
        raise DocumentError("wrong_state")
    return issue_failure_notice(session, issuer, case, actor=actor, now=_asked(asked_at))


ISSUERS: dict[str, Callable[..., Document | None]] = {
    STEP: _step, VISIT_RECORD: _visit_record, CONFIRMATION: _confirmation,
    AGREEMENT: _agreement, SESSION_RECORD: _session_record, ORAL_AGREEMENT: _oral_agreement,
    FAILURE_NOTICE: _failure_notice}


def job_issuer(app: Flask, public_url: str) -> Issuer:
    """The issuer of a job: the app's storage and key, the public address of the request
    that queued it (a worker has no request to read it from)."""
    return Issuer(storage=Storage(app.config["MEDIATION_STORAGE"]),
                  secret_key=app.config["SECRET_KEY"], public_url=public_url)


def issue_job(case_id: int, what: str, actor_id: int, public_url: str, **target) -> dict:
    """The queued job: issue the document in the worker's app (or the current one). Returns
    {"document_id", "title"} once committed (document_id None: a signature was stored that
    was not, after all, the last one), or {"refusal": [labels, code]} /
    {"message": msgid} when nothing was issued; raises (the job fails) on any other error,
    having kept nothing of it."""
    app = job_app()
    with app.app_context():
        try:
            return _issue(db.session, job_issuer(app, public_url), case_id, what, actor_id,
                          target)
        finally:
            db.session.remove()


def _issue(session: scoped_session, issuer: Issuer, case_id: int, what: str, actor_id: int,
           target: dict) -> dict:
    case, actor = session.get(Case, case_id), session.get(User, actor_id)
    return issue_all_or_nothing(
        session, issuer, lambda: ISSUERS[what](session, issuer, case, actor, **target),
        f"{what} of case {case_id}")


def issue_all_or_nothing(session: scoped_session, issuer: Issuer,
                         issue_document: Callable[[], Document | None], description: str
                         ) -> dict:
    """Run `issue_document` in one transaction and commit it: the job's result as
    `issue_job` returns it. A refusal keeps nothing; any other error keeps nothing either,
    files stored included, and is raised again (the job fails)."""
    added: list[Document] = []

    def note(_session, instance) -> None:
        if isinstance(instance, Document):
            added.append(instance)

    event.listen(session(), "transient_to_pending", note)
    try:
        document = issue_document()
        result = {"document_id": document.id if document else None,
                  "title": document.title if document else None}
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
        log.exception("issuing %s failed", description)
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
