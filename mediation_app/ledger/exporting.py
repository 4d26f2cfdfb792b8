"""Ledger export: one row per case, from its latest mediation handling, streamed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, or_, select, true
from sqlalchemy.orm import Session, aliased

from ..access import policy
from ..access.masking import masked_in_text
from ..casefile.models import Case, Handling, Party
from ..directory.models import Institution, Region
from ..domain.codes import Outcome
from ..workflow.calendar import CHINA
from .columns import PENDING

YIELD_PER = 2000


class UnknownCode(ValueError):
    """A filter names an institution or region that does not exist."""


@dataclass(frozen=True)
class LedgerFilters:
    received_from: date | None = None
    received_to: date | None = None
    institution_id: int | None = None  # the handling institution (the row's institution_code)
    region_path: str | None = None     # the dispute's region lies in this subtree


def ledger_filters(session: Session, *, received_from: date | None = None,
                   received_to: date | None = None, institution: str | None = None,
                   region: str | None = None) -> LedgerFilters:
    """Filters from codes, as the command line gives them; UnknownCode if one is unknown."""
    institution_id = region_path = None
    if institution:
        institution_id = session.scalar(select(Institution.id).where(Institution.code == institution))
        if institution_id is None:
            raise UnknownCode(f"no institution with code {institution}")
    if region:
        region_path = session.scalar(select(Region.path).where(Region.code == region))
        if region_path is None:
            raise UnknownCode(f"no region with code {region}")
    return LedgerFilters(received_from, received_to, institution_id, region_path)


def _query(filters: LedgerFilters, reader, dialect: str):
    earlier = aliased(Handling)
    latest = (select(earlier.id).where(earlier.case_id == Case.id, earlier.is_mediation.is_(True))
              .order_by(earlier.id.desc()).limit(1).scalar_subquery())
    names = (select(func.aggregate_strings(Party.name, "、")).where(Party.case_id == Case.id)
             .scalar_subquery())
    whole = true() if reader is None else policy.whole_cases_clause(reader, dialect)
    query = (
        select(Case.case_no, Institution.code, Handling.channel, Case.source, Case.dispute_type,
               Region.code, Case.received_on, Handling.outcome, Handling.concluded_at,
               Case.party_count, Case.amount, Handling.agreement_amount, Case.summary, names,
               whole)
        .select_from(Case)
        .join(Handling, Handling.id == latest)
        .join(Institution, Institution.id == Handling.institution_id)
        .join(Region, Region.id == Case.region_id)
        # a case whose last mediation ended in a transfer sits with a non-mediating body now
        .where(or_(Handling.outcome.is_(None), Handling.outcome != Outcome.TRANSFERRED.value))
        .order_by(Case.id)
    )
    if filters.received_from:
        query = query.where(Case.received_on >= filters.received_from)
    if filters.received_to:
        query = query.where(Case.received_on <= filters.received_to)
    if filters.institution_id:
        query = query.where(Handling.institution_id == filters.institution_id)
    if filters.region_path:
        query = query.where(Region.path.startswith(filters.region_path))
    if reader is not None:
        query = query.where(policy.visible_cases_clause(reader, dialect))
    return query


def _china_date(moment: datetime | None) -> date | None:
    return moment.replace(tzinfo=UTC).astimezone(CHINA).date() if moment else None


def ledger_rows(session: Session, filters: LedgerFilters = LedgerFilters(), *,
                reader=None) -> Iterator[tuple]:
    """Each case as a ledger row, in the columns' order, read in chunks. Exported for a reader
    (a signed-in user), only the cases the access policy lets them see, with ID numbers and
    phones written in the summary masked where the policy shows them the case masked; the
    command line (reader None) exports everything whole."""
    query = _query(filters, reader, session.get_bind().dialect.name)
    with closing(session.execute(query.execution_options(yield_per=YIELD_PER))) as result:
        for (case_no, institution, channel, source, dispute_type, region, received_on, outcome,
             concluded_at, parties, amount, agreement_amount, summary, names, whole) in result:
            if summary and not whole:
                summary = masked_in_text(summary)
            yield (case_no, institution, channel, source, dispute_type, region, received_on,
                   outcome or PENDING, _china_date(concluded_at) if outcome else None, parties,
                   amount, agreement_amount if outcome == "success" else None, summary, names)


def export_ledger(session: Session, write_row: Callable[[tuple], None], *,
                  filters: LedgerFilters = LedgerFilters()) -> int:
    """Write every case the filters select; return how many."""
    count = 0
    for row in ledger_rows(session, filters):
        write_row(row)
        count += 1
    return count
