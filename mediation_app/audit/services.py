"""Appending events to a case's chain and verifying every chain."""

from __future__ import annotations

import json
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.models import User
from .models import GENESIS, CaseEvent


def _json_safe(data: dict) -> dict:
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


def record_event(
    session: Session, case, action: str, *, actor: User | None, now: datetime, **data
) -> CaseEvent:
    """Append an event to the case's chain; the case must have been flushed."""
    last = session.execute(
        select(CaseEvent.seq, CaseEvent.hash)
        .where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.seq.desc())
        .limit(1)
    ).first()
    event = CaseEvent(
        case_id=case.id,
        seq=(last.seq + 1) if last else 1,
        actor_id=actor.id if actor else None,
        at=now,
        action=action,
        data=_json_safe(data),
        prev_hash=last.hash if last else GENESIS,
    )
    event.hash = event.compute_hash()
    session.add(event)
    return event


def changes(before: dict, after: dict) -> dict:
    """The fields that differ, as {field: [old, new]}."""
    return {key: [before.get(key), after[key]] for key in after if before.get(key) != after[key]}


@dataclass(frozen=True)
class BrokenLink:
    event_id: int
    case_id: int
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"event {self.event_id} (case {self.case_id}, seq {self.seq}): {self.reason}"


def verify_chains(session: Session) -> tuple[int, BrokenLink | None]:
    """Walk every case's chain in order; return events checked and the first broken one."""
    query = select(CaseEvent).order_by(CaseEvent.case_id, CaseEvent.seq)
    with closing(session.scalars(query.execution_options(yield_per=1000))) as events:
        return _first_broken(events)


def _first_broken(events) -> tuple[int, BrokenLink | None]:
    checked = 0
    previous: CaseEvent | None = None
    for event in events:
        same_case = previous is not None and previous.case_id == event.case_id
        expected_seq = previous.seq + 1 if same_case else 1
        expected_prev = previous.hash if same_case else GENESIS
        reason = None
        if event.seq != expected_seq:
            reason = f"sequence jumps from {expected_seq - 1} to {event.seq} (an event is missing)"
        elif event.prev_hash != expected_prev:
            reason = "does not carry the previous event's hash"
        elif event.compute_hash() != event.hash:
            reason = "content does not match its hash (altered)"
        if reason:
            return checked, BrokenLink(event.id, event.case_id, event.seq, reason)
        checked += 1
        previous = event
    return checked, None
