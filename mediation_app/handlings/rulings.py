"""司法确认: the court's 民事裁定书 (民事诉讼法 art. 206), recorded with its number and date;
recording it ends the review as confirmed (确认有效) or rejected (驳回)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from ..agreements.queries import signed_agreement_for_case
from ..auth.models import User
from ..casefile.models import Case
from ..documents.models import Document
from ..documents.services import Issuer, issue
from .services import fire_transition


@dataclass(frozen=True)
class Ruling:
    confirmed: bool
    number: str  # e.g. （2026）苏0812民特123号
    dated_on: date
    judge: str
    clerk: str
    reasoning: str = ""  # why the application is rejected


def record_ruling(session: Session, issuer: Issuer, case: Case, ruling: Ruling, *, actor: User,
                  now: datetime) -> Document:
    handling = case.current_handling
    agreement = signed_agreement_for_case(session, case.id)
    mediated_by = agreement.handling.institution.name if agreement else ""
    document = issue(
        session, issuer, case=case, handling=handling, kind="ruling",
        context={"confirmed": ruling.confirmed, "reasoning": ruling.reasoning,
                 "number": ruling.number, "dated_on": ruling.dated_on, "agreement": agreement,
                 "mediated_by": mediated_by,
                 "details": {"judge": ruling.judge, "clerk": ruling.clerk}},
        actor=actor, now=now, number=ruling.number, dated_on=ruling.dated_on)
    if ruling.confirmed:
        fire_transition(session, case, "confirm", actor=actor, now=now, note=ruling.number)
    else:
        fire_transition(session, case, "reject", actor=actor, now=now, reason="ruled_invalid",
                        note=ruling.reasoning)
    return document
