"""Checking the audit trail, reporting every break rather than the first.

A chain is broken when an event is missing from its sequence, does not carry the previous
event's hash, or does not match its keyed hash; when its head record (length, last hash,
the case's state and holder, sealed with the audit key) is missing, forged or disagrees
with the events or with the case row; or when a signed checkpoint written outside the
database knew events that are gone."""

from __future__ import annotations

import hmac
from contextlib import closing
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..casefile.models import Case
from .keys import audit_key, mac
from .models import GENESIS, AuditHead, CaseEvent

EVENTS = CaseEvent.__table__


@dataclass(frozen=True)
class Break:
    case_id: int
    reason: str
    event_id: int | None = None
    seq: int | None = None

    def __str__(self) -> str:
        if self.event_id is None:
            return f"case {self.case_id}: {self.reason}"
        return f"event {self.event_id} (case {self.case_id}, seq {self.seq}): {self.reason}"


@dataclass
class Report:
    checked: int = 0
    cases: int = 0
    breaks: list[Break] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.breaks


@dataclass
class _Chain:
    length: int = 0
    last_hash: str = GENESIS
    hashes_wanted: dict[int, str] = field(default_factory=dict)


def verify(session: Session, *, checkpoint: dict | None = None,
           key: bytes | None = None) -> Report:
    key = key or audit_key()
    report = Report()
    wanted = {int(case_id): length for case_id, (length, _hash)
              in (checkpoint or {}).get("chains", {}).items()}
    chains = _walk_events(session, key, report, wanted)
    _check_heads_and_cases(session, key, chains, report)
    if checkpoint:
        _check_checkpoint(checkpoint, chains, report)
    return report


def _walk_events(session: Session, key: bytes, report: Report,
                 wanted: dict[int, int]) -> dict[int, _Chain]:
    chains: dict[int, _Chain] = {}
    query = select(EVENTS).order_by(EVENTS.c.case_id, EVENTS.c.seq)
    with closing(session.execute(query.execution_options(yield_per=2000))) as rows:
        for event in rows:
            chain = chains.setdefault(event.case_id, _Chain())
            _check_event(event, chain, key, report)
            if wanted.get(event.case_id) == event.seq:
                chain.hashes_wanted[event.seq] = event.hash
            chain.length, chain.last_hash = event.seq, event.hash
            report.checked += 1
    return chains


def _check_event(event, chain: _Chain, key: bytes, report: Report) -> None:
    def broken(reason: str) -> None:
        report.breaks.append(Break(event.case_id, reason, event.id, event.seq))

    if event.seq != chain.length + 1:
        broken(f"events {chain.length + 1} to {event.seq - 1} are missing"
               if event.seq > chain.length + 1 else "sequence number repeats or goes back")
    elif event.prev_hash != chain.last_hash:
        broken("does not carry the previous event's hash")
    if not hmac.compare_digest(mac(CaseEvent.payload(event), key), event.hash):
        broken("content does not match its keyed hash (altered, or not keyed: run audit rekey)")


def _check_heads_and_cases(session: Session, key: bytes, chains: dict[int, _Chain],
                           report: Report) -> None:
    heads = {head.case_id: head for head in session.scalars(select(AuditHead))}
    cases = session.execute(select(Case.id, Case.state, Case.holder_institution_id)
                            .order_by(Case.id))
    for case_id, state, holder in cases:
        report.cases += 1
        chain, head = chains.get(case_id), heads.pop(case_id, None)
        if head is None:
            report.breaks.append(Break(case_id, "has no audit events (its chain was deleted)"
                                       if chain is None else "its chain head record is missing"))
            continue
        _check_head(head, chain, key, report)
        if (head.state, head.holder_institution_id) != (state, holder):
            report.breaks.append(Break(case_id, f"the case row (state {state}, holder {holder}) "
                                       f"differs from its last event (state {head.state}, "
                                       f"holder {head.holder_institution_id})"))
    for case_id in heads:
        report.breaks.append(Break(case_id, "has a chain head but no case row"))


def _check_head(head: AuditHead, chain: _Chain | None, key: bytes, report: Report) -> None:
    case_id = head.case_id
    if not head.is_sealed(key):
        report.breaks.append(Break(case_id, "its chain head record was altered"))
    elif chain is None:
        report.breaks.append(Break(case_id, f"all {head.length} events were deleted"))
    elif chain.length < head.length:
        report.breaks.append(Break(case_id, f"events {chain.length + 1} to {head.length} "
                                   f"were deleted (the chain ends early)"))
    elif (chain.length, chain.last_hash) != (head.length, head.head_hash):
        report.breaks.append(Break(case_id, "the last event is not the one its head records"))


def _check_checkpoint(checkpoint: dict, chains: dict[int, _Chain], report: Report) -> None:
    taken = checkpoint.get("at", "?")
    for case_id, (length, head_hash) in checkpoint["chains"].items():
        chain = chains.get(int(case_id))
        if chain is None:
            reason = f"its chain ({length} events at the checkpoint of {taken}) was deleted"
        elif chain.length < length:
            reason = (f"had {length} events at the checkpoint of {taken}, "
                      f"now {chain.length}")
        elif chain.hashes_wanted.get(length) != head_hash:
            reason = f"its events were rewritten since the checkpoint of {taken}"
        else:
            continue
        report.breaks.append(Break(int(case_id), reason))
