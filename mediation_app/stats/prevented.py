"""What the mediations concluded in a period prevented (防止民转刑, 防止群体性上访, 防止群体性
械斗: cases and people), totalled over the reader's scope like the other figures.

`from_rollups` reads the handlings through `stats_handling_facts`, the dimensions the page's
figures use; `reference` reads them from the cases (stats.queries' rules). Tests compare
the two. A handling counts when it concluded (success or failure) in the period."""

from __future__ import annotations

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from ..casefile.models import Case, Handling
from ..handlings.models import PreventedEscalation
from ..handlings.prevention import Prevented
from . import queries, rollups
from .definitions import Period
from .models import HandlingFact
from .queries import Scope

FIELDS = tuple(Prevented.__dataclass_fields__)
CONCLUDED = ("success", "failure")


def _sums():
    return [func.coalesce(func.sum(getattr(PreventedEscalation, name)), 0).label(name)
            for name in FIELDS]


def _read(session: Session, query, key) -> dict[str | None, Prevented]:
    if key is not None:
        query = query.group_by(key)
    return {row.key: Prevented(**{name: int(getattr(row, name)) for name in FIELDS})
            for row in session.execute(query)}


def _joined(query, joins):
    for target, on, *outer in joins:
        query = query.join(target, on, isouter=bool(outer))
    return query


def reference(session: Session, period: Period, scope: Scope, *,
              group: str | None = None) -> dict[str | None, Prevented]:
    """Per group key (None: no grouping), from the handlings and their cases."""
    key, joins = queries._group_key(group, scope)
    query = _joined(
        select((key if key is not None else literal(None)).label("key"), *_sums())
        .select_from(PreventedEscalation)
        .join(Handling, Handling.id == PreventedEscalation.handling_id)
        .join(Case, Case.id == Handling.case_id), joins)
    query = query.where(*scope.clauses(), Handling.outcome.in_(CONCLUDED),
                        Handling.concluded_at >= period.starts_at,
                        Handling.concluded_at < period.ends_at)
    return _read(session, query, key)


def from_rollups(session: Session, period: Period, scope: Scope, *, group: str | None = None,
                 durable_months: int = 6, first_sync: bool = True
                 ) -> dict[str | None, Prevented]:
    """Per group key, through the rollups' facts (the reference while they are rebuilt)."""
    if not rollups._served(session, durable_months, first_sync=first_sync):
        return reference(session, period, scope, group=group)
    table = HandlingFact
    dialect = session.get_bind().dialect.name
    key, joins = rollups._key(table, group, scope, dialect, table.concluded_day)
    query = _joined(
        select((key if key is not None else literal(None)).label("key"), *_sums())
        .select_from(table)
        .join(PreventedEscalation, PreventedEscalation.handling_id == table.handling_id), joins)
    query = query.where(table.outcome.in_(CONCLUDED), table.concluded_day >= period.start,
                        table.concluded_day <= period.end, *rollups._filters(table, scope))
    return _read(session, query, key)


def total(found: dict[str | None, Prevented]) -> Prevented:
    """The totals of a grouped reading (or the one ungrouped row); zeros when none."""
    result = Prevented()
    for value in found.values():
        result = result + value
    return result
