"""Failures and withdrawals counted by the typed reason their workflow declares."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..casefile.models import Handling


def outcomes_by_reason(session: Session, start: datetime, end: datetime, *,
                       outcome: str = "failure") -> dict[str, int]:
    """How many handlings ended with `outcome` in [start, end), per reason code."""
    rows = session.execute(
        select(Handling.outcome_reason, func.count())
        .where(Handling.outcome == outcome, Handling.concluded_at >= start,
               Handling.concluded_at < end)
        .group_by(Handling.outcome_reason))
    return {reason or "unrecorded": count for reason, count in rows}
