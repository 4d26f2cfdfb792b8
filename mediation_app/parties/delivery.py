"""电子送达: a document is delivered to each party by a text message with the link to the
party's page; the delivery and the first download are recorded as case events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..access import policy
from ..audit.services import record_event
from ..auth.models import User
from ..casefile.models import Case
from ..db import insert_if_absent
from ..documents.models import Document
from ..domain.idcard import mask_phone
from . import texts
from .models import DocumentDelivery
from .otp import is_mobile_number, normalise_phone


class DeliveryRefused(ValueError):
    """`code`: not_allowed, voided, nobody."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def deliver_document(session: Session, document: Document, *, actor: User, now: datetime,
                     follow_url: str) -> list[str]:
    """Staff deliver an issued document to every party with a mobile number."""
    if not policy.may_deliver(actor, document):
        raise DeliveryRefused("not_allowed")
    return _deliver(session, document, actor=actor, now=now, follow_url=follow_url)


def deliver_signed_agreement(session: Session, document: Document, *, now: datetime,
                             follow_url: str) -> list[str]:
    """When the last party signs by link, the sealed agreement goes to everyone at once."""
    return _deliver(session, document, actor=None, now=now, follow_url=follow_url)


def _deliver(session: Session, document: Document, *, actor: User | None, now: datetime,
             follow_url: str) -> list[str]:
    if document.voided_at is not None:
        raise DeliveryRefused("voided")
    case = session.get(Case, document.case_id)
    reached = []
    for party in case.parties:
        phone = normalise_phone(party.phone or "")
        if not is_mobile_number(phone):
            continue
        insert_if_absent(session, DocumentDelivery, document_id=document.id, party_id=party.id,
                         delivered_at=now)
        texts.send_text(session, phone=phone,
                        body=texts.delivery_text(case.case_no, document.title, follow_url),
                        key=f"delivery:{document.id}:party:{party.id}", kind="document.delivered",
                        now=now, case_id=case.id, institution_id=document.institution_id)
        reached.append(party)
    if not reached:
        raise DeliveryRefused("nobody")
    record_event(session, case, "document.delivered", actor=actor, now=now,
                 title=document.title, code=document.verification_code,
                 parties=[p.name for p in reached], phones=[mask_phone(p.phone) for p in reached])
    return [p.name for p in reached]
