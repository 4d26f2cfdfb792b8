"""Appending events to a case's chain and verifying every chain."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.models import User
from .models import GENESIS, AuditHead, CaseEvent


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
    _move_head(session, case, event)
    return event


def _move_head(session: Session, case, event: CaseEvent) -> None:
    head = session.get(AuditHead, case.id) or AuditHead(case_id=case.id)
    head.length, head.head_hash = event.seq, event.hash
    head.state, head.holder_institution_id = case.state, case.holder_institution_id
    head.seal()
    session.add(head)


def head_values(case_id: int, event: dict, *, state: str, holder_institution_id: int | None) -> dict:
    """A sealed head row for bulk inserts (the ledger import), as record_event makes it."""
    head = AuditHead(case_id=case_id, length=event["seq"], head_hash=event["hash"], state=state,
                     holder_institution_id=holder_institution_id)
    head.seal()
    return {column: getattr(head, column) for column in
            ("case_id", "length", "head_hash", "state", "holder_institution_id", "mac")}


def changes(before: dict, after: dict) -> dict:
    """The fields that differ, as {field: [old, new]}."""
    return {key: [before.get(key), after[key]] for key in after if before.get(key) != after[key]}


def verify_chains(session: Session, *, checkpoint: dict | None = None):
    """Every break in every chain (see audit.verification)."""
    from .verification import verify

    return verify(session, checkpoint=checkpoint)
