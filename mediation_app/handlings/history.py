"""The deadline history: every deadline a handling is given, kept for `overdue`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, insert, literal, select
from sqlalchemy.orm import Session

from .models import DeadlineChange


def deadline_given(session: Session, handling, deadline_at: datetime | None, *,
                   now: datetime) -> None:
    """Record that the handling's deadline became `deadline_at` at `now`. A handling made
    before the history was kept (or imported) first gets its earlier deadline recorded as
    given when it started."""
    if handling.deadline_at is not None:
        earlier = select(literal(handling.id), literal(handling.started_at),
                         literal(handling.deadline_at, DeadlineChange.deadline_at.type)) \
            .where(~exists().where(DeadlineChange.handling_id == handling.id))
        session.execute(insert(DeadlineChange).from_select(
            ["handling_id", "set_at", "deadline_at"], earlier))
    session.add(DeadlineChange(handling_id=handling.id, set_at=now, deadline_at=deadline_at))


def deadline_started(session: Session, handling) -> None:
    """A new handling's first deadline (none recorded when its first state has none)."""
    if handling.deadline_at is not None:
        session.add(DeadlineChange(handling=handling, set_at=handling.started_at,
                                   deadline_at=handling.deadline_at))
