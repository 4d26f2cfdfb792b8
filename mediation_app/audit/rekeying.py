"""Putting chains under the current audit key: chains hashed before the chain was keyed
(plain SHA-256) or under an old key are checked with the old scheme first; only intact
chains are re-hashed, so rekeying never launders an earlier tampering."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..casefile.models import Case
from .keys import audit_key, mac
from .models import GENESIS, AccountEvent, AuditHead, CaseEvent

EVENTS = CaseEvent.__table__


@dataclass
class RekeyResult:
    chains: int = 0
    events: int = 0
    refused: list[int] = field(default_factory=list)  # case ids whose chains are broken
    accounts: int = 0                                  # password events sealed again
    refused_accounts: list[int] = field(default_factory=list)  # ids sealed under neither key


def _intact(events, digest: Callable[[str], str]) -> bool:
    previous = GENESIS
    for seq, event in enumerate(events, start=1):
        if (event.seq != seq or event.prev_hash != previous
                or not hmac.compare_digest(digest(CaseEvent.payload(event)), event.hash)):
            return False
        previous = event.hash
    return True


def rekey(session: Session, *, old: Callable[[str], str], key: bytes | None = None) -> RekeyResult:
    """Re-hash every intact chain under `key` (the current audit key by default) and seal
    its head; chains intact under neither scheme are left alone and listed."""
    key = key or audit_key()
    result = RekeyResult()
    cases = session.execute(select(Case.id, Case.state, Case.holder_institution_id)
                            .order_by(Case.id)).all()
    for case_id, state, holder in cases:
        events = session.execute(select(EVENTS).where(EVENTS.c.case_id == case_id)
                                 .order_by(EVENTS.c.seq)).all()
        if not events:
            continue
        current = _intact(events, lambda payload: mac(payload, key))
        if not current and not _intact(events, old):
            result.refused.append(case_id)
            continue
        previous = events[-1].hash
        if not current:
            previous = _rehash(session, events, key)
            result.events += len(events)
        head = session.get(AuditHead, case_id) or AuditHead(case_id=case_id)
        head.length, head.head_hash = len(events), previous
        head.state, head.holder_institution_id = state, holder
        head.seal(key)
        session.add(head)
        result.chains += 1
    _reseal_account_events(session, old, key, result)
    session.flush()
    return result


def _reseal_account_events(session: Session, old: Callable[[str], str], key: bytes,
                           result: RekeyResult) -> None:
    """Password events sealed under the old scheme are sealed again; one sealed under
    neither was changed outside the application and keeps its seal, listed."""
    for event in session.scalars(select(AccountEvent).order_by(AccountEvent.id)):
        if event.is_sealed(key):
            continue
        if not hmac.compare_digest(old(event.payload()), event.mac):
            result.refused_accounts.append(event.id)
            continue
        event.seal(key)
        result.accounts += 1


def _rehash(session: Session, events, key: bytes) -> str:
    previous = GENESIS
    for event in events:
        values = {**event._mapping, "prev_hash": previous}
        fresh = mac(CaseEvent.payload(_Row(values)), key)
        session.execute(update(EVENTS).where(EVENTS.c.id == event.id)
                        .values(prev_hash=previous, hash=fresh))
        previous = fresh
    return previous


class _Row:
    def __init__(self, values: dict):
        self.__dict__.update(values)
