"""Ledger import and export (DESIGN.md §6). Services flush; the command or job commits.

An import streams: pass 1 checks each row and writes it to the staging table in batches;
SQL then finds case numbers repeated in the file or already taken; only if every row is
good does pass 2 create the cases from the staging rows, batch by batch."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from uuid import uuid4

from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import Session

from ..auth.models import User
from ..casefile.models import Case
from ..labels import N_
from ..workflow.calendar import CHINA
from ..workflow.catalog import Catalog
from .bulk import write_rows
from .columns import canonical_row, is_blank, parse_row
from .exporting import (
    LedgerFilters,
    UnknownCode,
    export_ledger,
    ledger_filters,
    ledger_rows,
)
from .files import (
    count_rows,
    open_rows,
    open_writer,
    read_csv,
    read_xlsx,
    write_csv,
    write_xlsx,
)
from .models import LedgerStagingRow
from .numbers import parse_case_number
from .problems import MAX_PROBLEMS, ImportRefused, Problems, RowProblem
from .reasons import Reason
from .targets import Directory, Target
from .writing import create_cases

BATCH_SIZE = 1000  # rows per batch: memory grows with it (about 4 KB a row), not with the file
OUTSIDE_JURISDICTION = Reason(N_("institution outside your jurisdiction"))
REGION_OUTSIDE_JURISDICTION = Reason(N_("region outside your jurisdiction"))
STAGING = LedgerStagingRow.__table__

Progress = Callable[[int, int | None], None]

__all__ = [
    "BATCH_SIZE",
    "MAX_PROBLEMS",
    "ImportRefused",
    "ImportResult",
    "LedgerFilters",
    "RowProblem",
    "UnknownCode",
    "count_rows",
    "delete_staging",
    "export_ledger",
    "import_ledger",
    "ledger_filters",
    "ledger_rows",
    "open_rows",
    "open_writer",
    "read_csv",
    "read_xlsx",
    "write_csv",
    "write_xlsx",
]


@dataclass(frozen=True)
class ImportResult:
    checked: int
    imported: int
    dry_run: bool


def import_ledger(
    session: Session,
    rows_source: Iterable,
    *,
    dry_run: bool,
    catalog: Catalog,
    now: datetime,
    progress: Progress | None = None,
    on_phase: Callable[[str], None] | None = None,
    filename: str = "",
    actor: User | None = None,
    may_import: Callable[[Target], bool] | None = None,
    may_file_in: Callable[[str], bool] | None = None,
    total_rows: int | None = None,
    batch_size: int = BATCH_SIZE,
    import_key: str | None = None,
) -> ImportResult:
    """Check every row, then (unless `dry_run`) create one case per row; or create nothing
    and raise ImportRefused listing every bad row.

    `rows_source` yields (row number, {column: cell}) as read_csv/read_xlsx do, or bare
    dicts (numbered from 2). `progress(processed, total)` is called every batch: while
    checking (`on_phase("checking")`) with rows checked and `total_rows`; then while
    writing (`on_phase("writing")`) with cases created and the number of rows.

    Until writing starts only staging rows are written, so a caller may commit from
    `on_phase` and from `progress` while checking (the web job does, to show progress);
    the writing is one transaction. `may_import(target)` refuses rows of institutions
    outside the uploader's jurisdiction and `may_file_in(region_path)` rows whose dispute
    lies outside it (the filing rule); `actor` becomes the cases' filer."""
    key = import_key or uuid4().hex
    report = progress or (lambda _done, _total: None)
    phase = on_phase or (lambda _name: None)
    try:
        phase("checking")
        directory = Directory(session, catalog)
        problems = Problems()
        checker = _RowChecker(directory, problems, today=_china_today(now), may_import=may_import,
                              may_file_in=may_file_in)
        checked = _stage(session, key, rows_source, checker, report=report,
                         total_rows=total_rows, batch_size=batch_size)
        _check_numbers(session, key, problems)
        if problems:
            raise problems.refusal()
        if dry_run:
            delete_staging(session, key)
            return ImportResult(checked, 0, True)
        phase("writing")
        imported = create_cases(session, key, directory, now=now, filename=filename,
                                actor_id=actor.id if actor else None, progress=report,
                                batch_size=batch_size)
    except ImportRefused:
        delete_staging(session, key)
        raise
    delete_staging(session, key)
    return ImportResult(checked, imported, False)


def delete_staging(session: Session, import_key: str) -> None:
    session.execute(delete(STAGING).where(STAGING.c.import_key == import_key))


def _china_today(now: datetime) -> date:
    return now.replace(tzinfo=UTC).astimezone(CHINA).date()


def _numbered(rows_source: Iterable):
    """(row number, row by column name) from numbered rows or bare dicts."""
    for index, item in enumerate(rows_source, start=2):
        number, row = item if isinstance(item, tuple) else (index, item)
        yield number, canonical_row(row)


def _stage(session: Session, key: str, rows_source: Iterable, checker: _RowChecker, *,
           report: Progress, total_rows: int | None, batch_size: int) -> int:
    """Pass 1: check each row; write the good ones to the staging table in batches."""
    batch, checked = [], 0
    try:
        for number, row in _numbered(rows_source):
            if is_blank(row):
                continue
            checked += 1
            staged = checker.check(number, row)
            if staged is not None:
                staged.update(import_key=key, row_number=number)
                batch.append(staged)
            if checked % batch_size == 0:
                _write_batch(session, batch)
                batch = []
                report(checked, total_rows)
    except ImportRefused as refusal:  # the file itself became unreadable
        checker.problems.merge(refusal)
    _write_batch(session, batch)
    report(checked, total_rows)
    return checked


def _write_batch(session: Session, batch: list[dict]) -> None:
    write_rows(session, STAGING, batch)  # COPY on PostgreSQL


class _RowChecker:
    """Pass 1 for one row: its cells, then what the database knows of its codes."""

    def __init__(self, directory: Directory, problems: Problems, *, today: date,
                 may_import: Callable[[Target], bool] | None,
                 may_file_in: Callable[[str], bool] | None = None):
        self.directory = directory
        self.problems = problems
        self.today = today
        self.may_import = may_import
        self.may_file_in = may_file_in

    def check(self, number: int, row: dict) -> dict | None:
        values, row_problems = parse_row(row, today=self.today)
        target, found = self._target(values, row_problems)
        region_id = None
        if values["region_code"]:
            region_id = self.directory.region_id(values["region_code"])
            if region_id is None:
                found.append(("region_code", Reason(N_("unknown region %(code)s"),
                                                    code=values["region_code"])))
            elif self.may_file_in and not self.may_file_in(
                    self.directory.region_path(values["region_code"])):
                found.append(("region_code", REGION_OUTSIDE_JURISDICTION))
        for column, reason in row_problems + found:
            self.problems.add(number, column, reason)
        if row_problems or found:
            return None
        return _staging_values(values, target, region_id)

    def _target(self, values: dict, row_problems: list) -> tuple[Target | None, list]:
        code = values["institution_code"]
        if not code:
            return None, []
        target = self.directory.institution(code)
        if target is None:
            return None, [("institution_code", Reason(N_("unknown institution %(code)s"),
                                                      code=code))]
        if target.problem:
            return None, [("institution_code", target.problem)]
        if self.may_import and not self.may_import(target):
            return None, [("institution_code", OUTSIDE_JURISDICTION)]
        found = []
        if values["channel"] and values["channel"] != target.channel:
            found.append(("channel", Reason(
                N_("institution %(code)s mediates under the channel %(channel)s, not %(given)s"),
                code=code, channel=target.channel, given=values["channel"],
                coded={"channel": "channel", "given": "channel"})))
        outcome = values["outcome"]
        if outcome and outcome != "pending" and outcome not in target.closing:
            found.append(("outcome", Reason(N_("the %(workflow)s workflow has no outcome "
                                               "%(outcome)s"), workflow=target.workflow,
                                            outcome=outcome, coded={"outcome": "outcome"})))
        return target, found


def _staging_values(values: dict, target: Target, region_id: int) -> dict:
    number = None
    if values["case_no"]:
        number = parse_case_number(target.number_format, short=target.short_name,
                                   case_no=values["case_no"])
    year = (number[0] if number and number[0] else None) or values["received_on"].year
    return {
        "case_no": values["case_no"],
        "institution_id": target.id,
        "channel": values["channel"],
        "source": values["source"],
        "dispute_type": values["dispute_type"],
        "region_id": region_id,
        "received_on": values["received_on"],
        "outcome": values["outcome"],
        "concluded_on": values["concluded_on"],
        "parties": values["parties"],
        "amount": values["amount"],
        "agreement_amount": values["agreement_amount"],
        "summary": values["summary"],
        "year": year,
        "seq": number[1] if number else None,
    }


def _check_numbers(session: Session, key: str, problems: Problems) -> None:
    """Case numbers repeated within the file, or already used by the institution."""
    staged = STAGING.alias("staged")
    cases = Case.__table__
    first = (
        select(staged.c.institution_id, staged.c.case_no,
               func.min(staged.c.row_number).label("first_row"))
        .where(staged.c.import_key == key, staged.c.case_no.is_not(None))
        .group_by(staged.c.institution_id, staged.c.case_no)
        .having(func.count() > 1)
        .subquery()
    )
    repeated = (
        select(STAGING.c.row_number, STAGING.c.case_no, first.c.first_row)
        .join(first, and_(STAGING.c.institution_id == first.c.institution_id,
                          STAGING.c.case_no == first.c.case_no))
        .where(STAGING.c.import_key == key, STAGING.c.row_number > first.c.first_row)
    )
    for row_number, case_no, first_row in _stream(session, repeated):
        problems.add(row_number, "case_no", Reason(N_("%(case_no)s is already on row %(row)s"),
                                                   case_no=case_no, row=first_row))
    taken = (
        select(STAGING.c.row_number, STAGING.c.case_no)
        .join(cases, and_(cases.c.numbering_institution_id == STAGING.c.institution_id,
                          cases.c.case_no == STAGING.c.case_no))
        .where(STAGING.c.import_key == key)
    )
    for row_number, case_no in _stream(session, taken):
        problems.add(row_number, "case_no",
                     Reason(N_("%(case_no)s already exists for this institution (imported "
                               "before?)"), case_no=case_no))
    same_seq = (
        select(STAGING.c.row_number, STAGING.c.case_no, cases.c.case_no)
        .join(cases, and_(cases.c.numbering_institution_id == STAGING.c.institution_id,
                          cases.c.year == STAGING.c.year, cases.c.seq == STAGING.c.seq))
        .where(STAGING.c.import_key == key, cases.c.case_no != STAGING.c.case_no)
    )
    for row_number, case_no, other in _stream(session, same_seq):
        problems.add(row_number, "case_no", Reason(N_("%(case_no)s has the same number as case "
                                                      "%(other)s"), case_no=case_no, other=other))


def _stream(session: Session, query):
    query = query.order_by(query.selected_columns[0])
    return session.execute(query.execution_options(yield_per=BATCH_SIZE))
