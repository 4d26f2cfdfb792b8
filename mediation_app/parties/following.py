"""Following a case from the public page: number + phone + code opens a grant to one case
(or one application) for one party; what that party may read, download and rate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..agreements.models import Agreement
from ..audit.services import record_event
from ..casefile.models import Case, Party
from ..documents.models import Document
from ..storage import Storage
from .appointments import party_participant, upcoming_for, video_is_open, video_link
from .models import Application, Appointment, DocumentDelivery, PartyGrant, PartyRating
from .otp import normalise_phone
from .verification import (
    VerificationRefused,
    Verifier,
    check_code,
    is_locked,
    open_grant,
    refuse,
    send_code,
)
from .video import JitsiConfig

PARTY_DOCUMENT_KINDS = ("agreement", "failure_notice", "confirmation_application")


@dataclass(frozen=True)
class Target:
    case_id: int | None = None
    application_id: int | None = None
    party_id: int | None = None

    @property
    def key(self) -> str:
        return f"case:{self.case_id}" if self.case_id else f"application:{self.application_id}"


def _party_with_phone(case: Case, phone: str) -> Party | None:
    return next((p for p in case.parties if p.phone and normalise_phone(p.phone) == phone), None)


def resolve(session: Session, number: str, phone: str) -> Target | None:
    """The case or application this number and phone open, or None. Never says which
    part did not match."""
    number, phone = number.strip().upper(), normalise_phone(phone)
    application = session.scalar(select(Application).where(Application.number == number))
    if application is not None and application.applicant_phone == phone:
        if application.case_id is None:
            return Target(application_id=application.id)
        party = _party_with_phone(session.get(Case, application.case_id), phone)
        if party is not None:
            return Target(case_id=application.case_id, party_id=party.id)
    for case in session.scalars(select(Case).where(Case.case_no == number.strip())):
        party = _party_with_phone(case, phone)
        if party is not None:
            return Target(case_id=case.id, party_id=party.id)
    return None


def _lock_keys(verifier: Verifier, number: str, phone: str, ip_address: str) -> list[str]:
    return [verifier.lock_key("phone", normalise_phone(phone)),
            verifier.lock_key("ip", ip_address), verifier.lock_key("number", number.strip())]


def request_follow_code(session: Session, verifier: Verifier, *, number: str, phone: str,
                        ip_address: str, now: datetime) -> None:
    """Send a code when number and phone match; otherwise do nothing, visibly the same."""
    target = resolve(session, number, phone)
    if target is None:
        return
    send_code(session, verifier, phone=normalise_phone(phone), purpose="follow",
              target=target.key, ip_address=ip_address, now=now, case_id=target.case_id)


def open_follow(session: Session, verifier: Verifier, *, number: str, phone: str, code: str,
                ip_address: str, now: datetime) -> str:
    """Check the code; return the grant token. A number and phone that do not match fail
    exactly like a wrong code, and count towards the lockout."""
    lock_keys = _lock_keys(verifier, number, phone, ip_address)
    target = resolve(session, number, phone)
    if target is None:
        if is_locked(session, verifier, lock_keys, now=now):
            raise VerificationRefused("locked")
        refuse(session, lock_keys, now=now)
    check_code(session, verifier, phone=normalise_phone(phone), purpose="follow",
               target=target.key, code=code, lock_keys=lock_keys, now=now)
    return open_grant(session, verifier, now=now, case_id=target.case_id,
                      application_id=target.application_id, party_id=target.party_id)


@dataclass
class DocumentLine:
    id: int
    title: str
    issued_at: datetime


@dataclass
class StatusView:
    """What one party reads about their case: nothing about any other party."""

    number: str
    dispute_type: str
    stage: str
    stage_detail: str | None
    institution: str
    filed_at: datetime
    is_closed: bool
    deadline_at: datetime | None
    next_appointment: Appointment | None
    video_open: bool
    video_link: str | None  # this party's own link to the room
    performance_deadline: date | None
    documents: list[DocumentLine]
    party_name: str
    party_role: str
    rating: PartyRating | None
    agreement_to_sign: bool


def _stage(case: Case) -> tuple[str, str | None]:
    """The stage as a code the page words plainly, and the workflow's own label."""
    if case.is_closed:
        last = case.handlings[-1]
        return f"closed_{last.outcome}", None
    handling = case.current_handling
    label = handling.state_label if handling else None
    if handling is None or handling.accepted_at is None and handling.state == \
            handling.definition.initial.name:
        return "registered", label
    return ("mediating" if handling.is_mediation else "routing"), label


def case_status(session: Session, grant: PartyGrant, *, now: datetime,
                jitsi: JitsiConfig | None = None) -> StatusView:
    case = session.get(Case, grant.case_id)
    party = session.get(Party, grant.party_id)
    stage, detail = _stage(case)
    coming = next_appointment(session, case.id, now=now)
    agreement = session.scalar(select(Agreement).where(Agreement.case_id == case.id,
                                                       Agreement.status != "voided"))
    return StatusView(
        number=case.case_no, dispute_type=case.dispute_type, stage=stage, stage_detail=detail,
        institution=case.holder_institution.name, filed_at=case.filed_at,
        is_closed=case.is_closed, deadline_at=case.deadline_at,
        next_appointment=coming,
        video_open=coming is not None and video_is_open(coming, now=now),
        video_link=video_link(jitsi, coming, party_participant(party)) if coming else None,
        performance_deadline=agreement.performance_deadline if agreement else None,
        documents=party_documents(session, case.id), party_name=party.name,
        party_role=party.role,
        rating=session.scalar(select(PartyRating).where(PartyRating.case_id == case.id,
                                                        PartyRating.party_id == party.id)),
        agreement_to_sign=agreement is not None and agreement.status == "draft")


def next_appointment(session: Session, case_id: int, *, now: datetime) -> Appointment | None:
    """The coming session, or the one going on now."""
    upcoming = upcoming_for(session, case_id, now=now)
    return upcoming[0] if upcoming else None


def party_documents(session: Session, case_id: int) -> list[DocumentLine]:
    """Documents served on every party (one copy each): the agreement, the notice of
    termination, the application for judicial confirmation. Voided ones are gone."""
    rows = session.scalars(select(Document).where(
        Document.case_id == case_id, Document.voided_at.is_(None),
        Document.kind.in_(PARTY_DOCUMENT_KINDS)).order_by(Document.created_at, Document.id))
    return [DocumentLine(id=row.id, title=row.title, issued_at=row.created_at) for row in rows]


def download_document(session: Session, grant: PartyGrant, document_id: int, *,
                      storage: Storage, now: datetime) -> tuple[Document, bytes] | None:
    """The document's bytes if this grant may have it; the first download is recorded."""
    if grant.case_id is None or document_id not in {
            line.id for line in party_documents(session, grant.case_id)}:
        return None
    document = session.get(Document, document_id)
    delivery = session.scalar(select(DocumentDelivery).where(
        DocumentDelivery.document_id == document.id, DocumentDelivery.party_id == grant.party_id))
    if delivery is None:
        delivery = DocumentDelivery(document_id=document.id, party_id=grant.party_id,
                                    delivered_at=now)
        session.add(delivery)
        session.flush()
    first = session.execute(update(DocumentDelivery).where(
        DocumentDelivery.id == delivery.id, DocumentDelivery.first_downloaded_at.is_(None))
        .values(first_downloaded_at=now)).rowcount == 1
    if first:
        case = session.get(Case, document.case_id)
        party = session.get(Party, grant.party_id)
        record_event(session, case, "document.downloaded", actor=None, now=now,
                     title=document.title, code=document.verification_code, party=party.name)
    return document, storage.read(document.storage_key)


class RatingRefused(ValueError):
    """`code`: not_closed, already_rated."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def rate_mediation(session: Session, grant: PartyGrant, *, satisfaction: int, comment: str,
                   now: datetime) -> PartyRating:
    """回访 by the party once the case has ended: 1-5 and a comment, once."""
    case = session.get(Case, grant.case_id)
    if not case.is_closed:
        raise RatingRefused("not_closed")
    exists = session.scalar(select(PartyRating.id).where(PartyRating.case_id == case.id,
                                                         PartyRating.party_id == grant.party_id))
    if exists is not None:
        raise RatingRefused("already_rated")
    rating = PartyRating(case_id=case.id, party_id=grant.party_id, satisfaction=satisfaction,
                         comment=comment, rated_at=now)
    session.add(rating)
    session.flush()
    party = session.get(Party, grant.party_id)
    record_event(session, case, "party.rated", actor=None, now=now, party=party.name,
                 satisfaction=satisfaction)
    return rating
