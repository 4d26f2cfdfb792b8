"""Voiding a document (作废): it is never deleted. It stays stored and readable, whole, by
the institution that issued it, marked 已作废 with the date, and is no longer offered as in
force. The voiding is audited on the case; the receiver of the referral the document went
with (the court a 司法确认申请书 was sent to) had it, and is told."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..audit.services import record_event
from ..auth.models import User
from ..casefile.models import Case, Referral
from ..labels import LABELS, label_zh
from ..notifications.dispatch import tell
from ..notifications.services import staff_of
from .models import Document


def void_document(session: Session, document: Document, *, reason: str, actor: User | None,
                  now: datetime) -> bool:
    """Mark `document` void as of `now`; False if it already was. The voiding is recorded as
    a `document.voided` event; the referral's receiver, if it went with one, is told."""
    if reason not in LABELS["void_reason"]:
        raise ValueError(f"unknown reason for voiding: {reason}")
    if document.voided_at is not None:
        return False
    document.voided_at = now
    case = session.get(Case, document.case_id)
    record_event(session, case, "document.voided", actor=actor, now=now, kind=document.kind,
                 title=document.title, code=document.verification_code, reason=reason,
                 referral=document.referral_id)
    if document.referral_id is not None:
        _tell_receiver(session, document, case, reason=reason, now=now)
    session.flush()
    return True


def _tell_receiver(session: Session, document: Document, case: Case, *, reason: str,
                   now: datetime) -> int:
    referral = session.get(Referral, document.referral_id)
    detail = (f"{document.title}（验证码 {document.verification_code}），"
              f"{document.institution.name}出具，已作废：{label_zh('void_reason', reason)}")
    return tell(session, staff_of(session, referral.to_institution_id), kind="document.voided",
                key=f"document:{document.id}:voided", now=now, case_id=case.id,
                sender_institution_id=document.institution_id, case_no=case.case_no,
                detail=detail, referral=referral.id, document=document.id)
