"""The referral loop's answers to events of other packages (blinker signals)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..handlings.signals import handling_ended
from .outcomes import report_outcome


@handling_ended.connect
def report_back_to_sender(session: Session, *, handling, now: datetime) -> None:
    """A handling a referral opened has ended: 办理结果反馈 to the sending institution."""
    report_outcome(session, handling, now=now)
