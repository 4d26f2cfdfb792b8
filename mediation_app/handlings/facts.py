"""What the guards need to know about a handling, gathered from the database."""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..agreements.models import MediationSession
from ..agreements.queries import MediationRecord, signed_agreement_for_case
from ..casefile.models import Handling, Party
from ..documents.models import Document
from ..workflow.calendar import china_days_between
from ..workflow.guards import Facts
from . import traffic
from .police import GUARDIAN_GUARD, asks_for, eligibility_of, minors_without_guardian


def facts_for(session: Session, handling: Handling, *, now) -> Facts:
    sessions = session.scalar(select(func.count()).select_from(MediationSession)
                              .where(MediationSession.handling_id == handling.id))
    organisations = session.scalar(select(func.count()).select_from(Party).where(
        Party.case_id == handling.case_id, Party.kind == "organisation"))
    return _facts(handling, now, sessions=sessions, organisations=organisations,
                  signed_at=_agreement_signed_at(session, handling),
                  ruling_recorded=_ruling_recorded(session, handling))


def facts_from_record(handling: Handling, record: MediationRecord, *, now) -> Facts:
    """The same facts, from the case's mediation record and parties already read (the case
    page reads them for its panels anyway)."""
    signed = record.signed_agreement
    return _facts(
        handling, now,
        sessions=sum(1 for item in record.sessions if item.handling_id == handling.id),
        organisations=sum(1 for party in handling.case.parties if party.kind == "organisation"),
        signed_at=signed.signed_at if signed is not None else None,
        ruling_recorded=any(_is_ruling_of(handling, document) for document in record.documents),
    )


def _facts(handling: Handling, now, *, sessions: int, organisations: int, signed_at,
           ruling_recorded: bool) -> Facts:
    return Facts(
        sessions=sessions,
        agreement_signed=signed_at is not None,
        days_since_agreement=china_days_between(signed_at, now) if signed_at else None,
        organisation_parties=organisations,
        arrived_by=handling.arrived_by,
        ruling_recorded=ruling_recorded,
        police_eligible=_police_eligible(handling),
        minors_without_guardian=_minors_without_guardian(handling, now),
        traffic_applied_in_time=_traffic_applied_in_time(handling),
        traffic_loss_event_recorded=traffic.loss_event_of(handling) is not None,
    )


def _is_ruling_of(handling: Handling, document: Document) -> bool:
    """A ruling the handling's institution recorded during the handling, not voided."""
    return (document.kind == "ruling" and document.institution_id == handling.institution_id
            and document.voided_at is None and document.created_at >= handling.started_at)


def _traffic_applied_in_time(handling: Handling) -> bool | None:
    application = traffic.application_of(handling)
    return None if application is None else bool(application["in_time"])


def _minors_without_guardian(handling: Handling, now) -> int:
    """Counted only where the workflow asks (reading ages decrypts the ID numbers)."""
    if not asks_for(handling, GUARDIAN_GUARD):
        return 0
    day = now.date() if isinstance(now, datetime) else now
    return len(minors_without_guardian(handling, handling.case, day))


def _police_eligible(handling: Handling) -> bool | None:
    finding = eligibility_of(handling)
    return None if finding is None else bool(finding["eligible"])


def _ruling_recorded(session: Session, handling: Handling) -> bool:
    return session.scalar(select(Document.id).where(
        Document.case_id == handling.case_id, Document.kind == "ruling",
        Document.institution_id == handling.institution_id, Document.voided_at.is_(None),
        Document.created_at >= handling.started_at).limit(1)) is not None


def _agreement_signed_at(session: Session, handling: Handling):
    agreement = signed_agreement_for_case(session, handling.case_id)
    return agreement.signed_at if agreement else None
