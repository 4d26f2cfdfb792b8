"""Pass 2 of an import: cases, handlings and audit events from the staging rows, in
batches. Case numbers are reserved from the counters a block at a time.

On PostgreSQL each batch reserves its case ids from the cases' sequence up front and writes
the four tables with COPY (ledger.bulk); elsewhere it inserts with executemany and reads the
new case ids back by number. Either way the writing is one transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import lru_cache
from types import SimpleNamespace

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.orm import Session

from ..audit.keys import audit_key, mac
from ..audit.models import GENESIS, AuditHead, CaseEvent
from ..casefile.models import Case, CaseCounter, Handling
from ..db import insert_if_absent
from ..domain.case_numbers import render_case_number
from ..workflow.calendar import CHINA, due_at
from ..workflow.definition import Deadline
from .bulk import copies, reserve_ids, write_rows
from .columns import PENDING
from .models import LedgerStagingRow
from .targets import Directory, Target

STAGING = LedgerStagingRow.__table__
CASES = Case.__table__
HANDLINGS = Handling.__table__
EVENTS = CaseEvent.__table__
HEADS = AuditHead.__table__
COUNTERS = CaseCounter.__table__
RECEIVED_HOUR = 9    # an imported case counts as received at 09:00 in China...
CONCLUDED_HOUR = 18  # ... and as concluded at 18:00


@lru_cache(maxsize=4096)
def china_time(day: date, hour: int) -> datetime:
    """`hour` o'clock in China on `day`, as the naive UTC the database stores."""
    local = datetime(day.year, day.month, day.day, hour, tzinfo=CHINA)
    return local.astimezone(UTC).replace(tzinfo=None)


@lru_cache(maxsize=4096)
def _due(start: datetime, deadline: Deadline) -> datetime:
    return due_at(start, deadline)


def create_cases(session: Session, key: str, directory: Directory, *, now: datetime,
                 filename: str, actor_id: int | None, progress: Callable, batch_size: int) -> int:
    """Create a case, its handling and its first audit event per staging row; return how many."""
    _raise_counters(session, key)
    total = session.scalar(select(func.count()).where(STAGING.c.import_key == key))
    writer = _Writer(session, directory, now=now, filename=filename, actor_id=actor_id,
                     following=_reserve_numbers(session, key))
    written, last_row = 0, 0
    while True:
        rows = session.execute(
            select(STAGING).where(STAGING.c.import_key == key, STAGING.c.row_number > last_row)
            .order_by(STAGING.c.row_number).limit(batch_size)
        ).all()
        if not rows:
            return written
        writer.write(rows)
        written += len(rows)
        last_row = rows[-1].row_number
        progress(written, total)


def _ensure_counter(session: Session, institution_id: int, year: int) -> None:
    insert_if_absent(session, CaseCounter, institution_id=institution_id, year=year, last_seq=0)


def _raise_counters(session: Session, key: str) -> None:
    """Move each counter past the numbers the file brings in the institution's own format."""
    highest = session.execute(
        select(STAGING.c.institution_id, STAGING.c.year, func.max(STAGING.c.seq))
        .where(STAGING.c.import_key == key, STAGING.c.seq.is_not(None))
        .group_by(STAGING.c.institution_id, STAGING.c.year)
    ).all()
    for institution_id, year, top in highest:
        _ensure_counter(session, institution_id, year)
        session.execute(
            update(COUNTERS)
            .where(COUNTERS.c.institution_id == institution_id, COUNTERS.c.year == year)
            .values(last_seq=case((COUNTERS.c.last_seq < top, top), else_=COUNTERS.c.last_seq))
        )


def _reserve_numbers(session: Session, key: str) -> dict[tuple[int, int], int]:
    """One block of sequence numbers per institution and year for the rows without a
    number, reserved once for the whole import: the first number of each block."""
    needed = session.execute(
        select(STAGING.c.institution_id, STAGING.c.year, func.count())
        .where(STAGING.c.import_key == key, STAGING.c.seq.is_(None))
        .group_by(STAGING.c.institution_id, STAGING.c.year)
        .order_by(STAGING.c.institution_id, STAGING.c.year)
    ).all()
    following = {}
    for institution_id, year, count in needed:
        _ensure_counter(session, institution_id, year)
        last = session.execute(
            update(COUNTERS)
            .where(COUNTERS.c.institution_id == institution_id, COUNTERS.c.year == year)
            .values(last_seq=COUNTERS.c.last_seq + count)
            .returning(COUNTERS.c.last_seq)
        ).scalar_one()
        following[(institution_id, year)] = last - count + 1
    return following


class _Writer:
    def __init__(self, session: Session, directory: Directory, *, now: datetime, filename: str,
                 actor_id: int | None, following: dict[tuple[int, int], int]):
        self.session = session
        self.following = following
        self.directory = directory
        self.now = now
        self.filename = filename
        self.actor_id = actor_id
        self.copying = copies(session)
        self.key = audit_key()

    def write(self, rows) -> None:
        seqs = self._reserve(rows)
        targets = [self.directory.by_id[row.institution_id] for row in rows]
        for target in {target.id: target for target in targets}.values():
            self.directory.workflow_version_id(target)  # stored now, not while COPY runs
        if self.copying:
            self._copy(rows, seqs, targets)
        else:
            self._insert(rows, seqs, targets)

    def _copy(self, rows, seqs, targets) -> None:
        """The case ids reserved first; each case, its handling, its first event and its
        head are built while COPY sends the cases, so that Python builds them while the
        database writes the cases (the slowest of the four tables to write)."""
        ids = reserve_ids(self.session, CASES, len(rows))
        handlings, events, heads = [], [], []
        write_rows(self.session, CASES,
                   self._built_cases(rows, seqs, targets, ids, handlings, events, heads))
        write_rows(self.session, HANDLINGS, handlings)
        write_rows(self.session, EVENTS, events)
        write_rows(self.session, HEADS, heads)

    def _insert(self, rows, seqs, targets) -> None:
        """Cases inserted first, then their handlings, events and heads with the ids read
        back."""
        cases, handlings = [], []
        for row, seq, target in zip(rows, seqs, targets):
            handling = self._handling(row, target)
            cases.append(self._case(row, target, seq, handling))
            handlings.append(handling)
        ids = self._insert_cases(cases)
        for case_id, handling in zip(ids, handlings):
            handling["case_id"] = case_id
        write_rows(self.session, HANDLINGS, handlings)
        sealed = [self._sealed(case_id, row, values)
                  for row, case_id, values in zip(rows, ids, cases)]
        write_rows(self.session, EVENTS, [event for event, _head in sealed])
        write_rows(self.session, HEADS, [head for _event, head in sealed])

    def _built_cases(self, rows, seqs, targets, ids, handlings: list, events: list,
                     heads: list):
        """Each row's case with its reserved id, as it is built; its handling kept in
        `handlings`, its first audit event in `events` and its sealed head in `heads`."""
        for row, seq, target, case_id in zip(rows, seqs, targets, ids):
            handling = self._handling(row, target)
            handling["case_id"] = case_id
            values = self._case(row, target, seq, handling)
            values["id"] = case_id
            handlings.append(handling)
            event, head = self._sealed(case_id, row, values)
            events.append(event)
            heads.append(head)
            yield values

    def _sealed(self, case_id: int, row, values: dict) -> tuple[dict, dict]:
        """The case's first audit event, hashed, and its head sealed after it."""
        event = self._event(case_id, row, values["case_no"])
        return event, self._head(event, values)

    def _insert_cases(self, cases: list[dict]) -> list[int]:
        """Insert the batch (executemany), then read the new ids back by number."""
        self.session.execute(insert(CASES), cases)
        institutions = {values["numbering_institution_id"] for values in cases}
        numbers = [values["case_no"] for values in cases]
        found = self.session.execute(
            select(CASES.c.id, CASES.c.numbering_institution_id, CASES.c.case_no)
            .where(CASES.c.numbering_institution_id.in_(institutions), CASES.c.case_no.in_(numbers))
        )
        ids = {(institution_id, case_no): case_id for case_id, institution_id, case_no in found}
        return [ids[(values["numbering_institution_id"], values["case_no"])] for values in cases]

    def _reserve(self, rows) -> list[int]:
        """The rows' sequence numbers: their own, or the next of their institution's block."""
        seqs = []
        for row in rows:
            if row.seq is not None:
                seqs.append(row.seq)
                continue
            group = (row.institution_id, row.year)
            seqs.append(self.following[group])
            self.following[group] += 1
        return seqs

    def _handling(self, row, target: Target) -> dict:
        accepted_at = china_time(row.received_on, RECEIVED_HOUR)
        concluded = row.outcome != PENDING
        state = target.closing[row.outcome] if concluded else target.open_state
        deadline = target.open_state.deadline
        return {
            "institution_id": target.id,
            "workflow_version_id": self.directory.workflow_version_id(target),
            "channel": row.channel,
            "is_mediation": True,
            "arrived_by": None,
            "state": state.name,
            "outcome": row.outcome if concluded else None,
            "started_at": accepted_at,
            "accepted_at": accepted_at,
            "concluded_at": china_time(row.concluded_on, CONCLUDED_HOUR) if concluded else None,
            "deadline_at": _due(accepted_at, deadline) if deadline else None,
            "agreement_amount": row.agreement_amount if row.outcome == "success" else None,
        }

    def _case(self, row, target: Target, seq: int, handling: dict) -> dict:
        number = row.case_no or render_case_number(
            target.number_format, year=row.year, short=target.short_name, seq=seq)
        return {
            "case_no": number,
            "numbering_institution_id": target.id,
            "year": row.year,
            "seq": seq,
            "dispute_type": row.dispute_type,
            "source": row.source,
            "region_id": row.region_id,
            "summary": row.summary,
            "description": "",
            "amount": row.amount,
            "party_count": row.parties,
            "received_on": row.received_on,
            "filed_at": handling["accepted_at"],
            "filed_by_id": self.actor_id,
            "updated_at": self.now,
            "assigned_mediator_id": None,
            "holder_institution_id": target.id,
            "channel": handling["channel"],
            "state": handling["state"],
            "deadline_at": None if handling["outcome"] else handling["deadline_at"],
            "closed_at": handling["concluded_at"],
        }

    def _head(self, event: dict, values: dict) -> dict:
        """The case's sealed audit head after its first event, as head_values seals it."""
        head = SimpleNamespace(case_id=event["case_id"], length=event["seq"],
                               head_hash=event["hash"], state=values["state"],
                               holder_institution_id=values["holder_institution_id"])
        return {**vars(head), "mac": mac(AuditHead.payload(head), self.key)}

    def _event(self, case_id: int, row, case_no: str) -> dict:
        """The first link of the case's chain, hashed exactly as CaseEvent does."""
        event = {
            "case_id": case_id,
            "seq": 1,
            "actor_id": self.actor_id,
            "at": self.now,
            "action": "case.imported",
            "data": {"source": "ledger", "file": self.filename, "row": row.row_number,
                     "case_no": case_no},
            "prev_hash": GENESIS,
        }
        event["hash"] = CaseEvent.compute_hash(SimpleNamespace(**event), self.key)
        return event
