"""Appending events to a case's chain and verifying every chain."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from ..auth.models import User
from .models import GENESIS, AuditHead, CaseEvent


def _json_safe(data: dict) -> dict:
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


def record_event(
    session: Session, case, action: str, *, actor: User | None, now: datetime,
    new_chain: bool = False, **data
) -> CaseEvent:
    """Append an event to the case's chain; the case must have been flushed. `new_chain`:
    the case was filed in this transaction, so its chain is empty (nothing to look up)."""
    written = _heads_written(object_session(case) or session)
    head = None if new_chain else written.get(case.id)
    seq, prev_hash = _chain_end(session, case.id, head, new_chain)
    event = CaseEvent(
        case_id=case.id,
        seq=seq + 1,
        actor_id=actor.id if actor else None,
        at=now,
        action=action,
        data=_json_safe(data),
        prev_hash=prev_hash,
    )
    event.hash = event.compute_hash()
    session.add(event)
    if head is None:
        head = AuditHead(case_id=case.id) if new_chain else (
            session.get(AuditHead, case.id) or AuditHead(case_id=case.id))
    _move_head(session, head, case, event)
    written[case.id] = head
    return event


def _chain_end(session: Session, case_id: int, head: AuditHead | None,
               new_chain: bool) -> tuple[int, str]:
    """The last event's sequence number and hash: from the head this transaction moved, or
    from the chain itself."""
    if new_chain:
        return 0, GENESIS
    if head is not None:
        return head.length, head.head_hash
    last = session.execute(
        select(CaseEvent.seq, CaseEvent.hash)
        .where(CaseEvent.case_id == case_id)
        .order_by(CaseEvent.seq.desc())
        .limit(1)
    ).first()
    return (last.seq, last.hash) if last else (0, GENESIS)


def _heads_written(session: Session) -> dict:
    """The heads moved by the session's current transaction, by case id. Their length and
    hash are the end of the chain as this transaction leaves it (the row is written, hence
    locked, by it); a head a rolled-back savepoint threw out of the session is forgotten."""
    transaction = session.get_transaction()
    kept = session.info.get("audit_heads_written")
    if kept is None or kept[0] is not transaction:
        kept = session.info["audit_heads_written"] = (transaction, {})
    heads = kept[1]
    for case_id in [case_id for case_id, head in heads.items() if head not in session]:
        del heads[case_id]
    return heads


def _move_head(session: Session, head: AuditHead, case, event: CaseEvent) -> None:
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
