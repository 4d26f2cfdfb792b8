"""The 调解笔录 signed on screen by those present at the session (人民调解法 第二十七条):
each signs in turn with the agreement's signature checks, or the mediator records that a
person refused to sign (拒绝签名) with a note; when nobody is left, `on_complete(record)`
issues the record in the same transaction. Every signature or refusal is audited, one
event per person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access import policy
from ..audit.services import record_event
from ..auth.models import User
from ..casefile.models import Case
from .models import MediationSession, RecordDocument, SessionRecordSignature
from .presence import Present, present_at
from .services import AgreementError, check_signature_png

KIND = "session_record"


def may_sign_record(user: User, record: MediationSession, case: Case) -> bool:
    """The institution holding the case collects the signatures of a session its own
    current (or last) handling recorded, until the case is archived."""
    return (policy.can_issue_notice(user, case) and bool(case.handlings)
            and case.handlings[-1].id == record.handling_id)


def _handling_of(case: Case, record: MediationSession):
    return next((h for h in case.handlings if h.id == record.handling_id), None)


def issues_record(case: Case, record: MediationSession) -> bool:
    """Does the workflow of the session's handling issue a 调解笔录 at all?"""
    handling = _handling_of(case, record)
    return handling is not None and handling.definition.document(KIND) is not None


def title(case: Case, record: MediationSession) -> str:
    """The record's title as the workflow prints it (人民调解笔录)."""
    return _handling_of(case, record).definition.document(KIND).title


def present(record: MediationSession, case: Case) -> list[Present]:
    recorder = (record.recorder_id, record.recorder.display_name) if record.recorder else None
    return present_at(parties=[(p.id, p.name) for p in case.parties],
                      mediators=record.mediators, attendees=record.attendees,
                      recorder=recorder)


def signatures(session: Session, record: MediationSession) -> list[SessionRecordSignature]:
    return list(session.scalars(select(SessionRecordSignature).where(
        SessionRecordSignature.session_id == record.id).order_by(SessionRecordSignature.id)))


def issued_document_id(session: Session, record: MediationSession) -> int | None:
    return session.scalar(select(RecordDocument.document_id).where(
        RecordDocument.session_id == record.id))


@dataclass
class RecordSheet:
    """Those present, in order, each with their signature or refusal once given."""

    rows: list[tuple[Present, SessionRecordSignature | None]]
    document_id: int | None

    @property
    def left(self) -> list[Present]:
        return [person for person, given in self.rows if given is None]


def sheet(session: Session, record: MediationSession, case: Case) -> RecordSheet:
    given = {s.signer_key: s for s in signatures(session, record)}
    return RecordSheet([(person, given.get(person.key)) for person in present(record, case)],
                       issued_document_id(session, record))


@dataclass(frozen=True)
class Mark:
    """One person's mark on the record: a drawn PNG, or a refusal with its note."""

    image_png: bytes | None = None
    refusal_note: str | None = None
    ip_address: str = ""
    user_agent: str = ""


def _person(session: Session, record: MediationSession, case: Case, key: str,
            actor: User) -> Present:
    if not may_sign_record(actor, record, case):
        raise AgreementError("not_holder")
    if not issues_record(case, record):
        raise AgreementError("no_record_document")
    found = sheet(session, record, case)
    if found.document_id is not None:
        raise AgreementError("record_issued")
    person = next((p for p, _given in found.rows if p.key == key), None)
    if person is None:
        raise AgreementError("not_present")
    if person not in found.left:
        raise AgreementError("already_signed")
    return person


def mark_record(session: Session, record: MediationSession, key: str, mark: Mark, *,
                actor: User, now: datetime, on_complete=None) -> SessionRecordSignature:
    """Store one person's signature (or refusal) on the session's record; the last one
    issues it through `on_complete(record)`."""
    case = session.get(Case, record.case_id)
    person = _person(session, record, case, key, actor)
    refused = mark.image_png is None
    if refused and not (mark.refusal_note or "").strip():
        raise AgreementError("refusal_needs_note")
    if not refused:
        check_signature_png(mark.image_png)
    signature = SessionRecordSignature(
        session_id=record.id, signer_key=person.key, signer_name=person.name[:100],
        signer_role=person.role, image_png=mark.image_png, refused=refused,
        refusal_note=mark.refusal_note.strip() if refused else None, signed_at=now,
        ip_address=(mark.ip_address or "")[:45], user_agent=(mark.user_agent or "")[:300],
        recorded_by_id=actor.id)
    session.add(signature)
    session.flush()
    facts = {"session_id": record.id, "signer": person.name, "signer_role": person.role}
    if refused:
        record_event(session, case, "session_record.refusal", actor=actor, now=now,
                     note=signature.refusal_note, **facts)
    else:
        record_event(session, case, "session_record.signature", actor=actor, now=now,
                     ip=signature.ip_address, **facts)
    if not sheet(session, record, case).left and on_complete is not None:
        on_complete(record)
    return signature
