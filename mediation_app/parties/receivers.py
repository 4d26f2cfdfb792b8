"""Text messages to parties raised by other packages' events (blinker signals)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..casefile.models import Case, Party
from ..roster.signals import recusal_decided
from . import texts
from .otp import is_mobile_number, normalise_phone


@recusal_decided.connect
def tell_party_of_recusal_decision(session: Session, *, request, case: Case,
                                   now: datetime) -> None:
    """The party who asked is told the decision by text (when a mobile number is on file)."""
    party = session.get(Party, request.party_id) if request.party_id else None
    if party is None or not party.phone or not is_mobile_number(normalise_phone(party.phone)):
        return
    replacement = request.replacement.display_name if request.replacement else None
    texts.send_text(session, phone=party.phone,
                    body=texts.recusal_decision_text(case.case_no, request.mediator.display_name,
                                                     replacement, request.decision_note or ""),
                    key=f"recusal:{request.id}:decided", kind="recusal.decided", now=now,
                    case_id=case.id, institution_id=case.holder_institution_id)
