"""The figures of DESIGN.md §5 read from the rollups (stats.models): what the page, the
charts, the CLI, the exports and the monthly report show. stats.queries computes the same
figures from the cases themselves and stays the reference (tests compare the two).

Three statements per figure set, whatever the grouping (months included):
- the additive figures summed over `stats_daily` (totals are the sum of the groups);
- `overdue`: the overdue stretches that contain the end of the period (of each month);
- `parties` of the few cases concluded more than once, counted once per case and group."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Integer, and_, case, cast, func, literal, select, union_all
from sqlalchemy.orm import Session, aliased

from ..access.rules import region_subtree_clause
from ..casefile.models import Case
from ..directory.models import Institution, Region
from . import queries
from .definitions import Figures, Period, month_period, shift_month
from .maintenance import DAILY_SUMS, configured_months, sync
from .models import DailyFigures, HandlingFact, OverdueStretch, RollupState
from .queries import Report, Scope

TOTAL_KEY = "#total"   # no group key (codes, months) looks like this


def _filters(table, scope: Scope) -> list:
    found = []
    if scope.region is not None:
        found.append(region_subtree_clause(scope.region, table.region_id))
    if scope.institution_id:
        found.append(table.institution_id == scope.institution_id)
    if scope.channel:
        found.append(table.channel == scope.channel)
    if scope.dispute_type:
        found.append(table.dispute_type == scope.dispute_type)
    return found


def _month(day_column, dialect: str):
    if dialect == "sqlite":
        return func.strftime("%Y-%m", day_column)
    return func.to_char(day_column, "YYYY-MM")


def _key(table, group: str | None, scope: Scope, dialect: str, day_column=None):
    """The group key of a rollup row, and the joins it needs."""
    if group is None:
        return None, []
    if group == "channel":
        return table.channel, []
    if group == "dispute_type":
        return table.dispute_type, []
    if group == "month":
        return _month(day_column, dialect), []
    if group == "institution":
        return Institution.code, [(Institution, Institution.id == table.institution_id)]
    if group == "region":
        place, child = aliased(Region), aliased(Region)
        root_id = scope.region.id if scope.region else None
        joins = [(place, place.id == table.region_id),
                 (child, and_(child.parent_id == root_id,
                              place.path.startswith(child.path)), True)]
        fallback = scope.region.code if scope.region else place.code
        return func.coalesce(child.code, fallback), joins
    raise ValueError(f"cannot group by {group}")


def _grouped(query, key, joins):
    for target, on, *outer in joins:
        query = query.join(target, on, isouter=bool(outer))
    return query.group_by(key) if key is not None else query


def _daily(session, span: Period, scope: Scope, group, dialect) -> dict:
    table = DailyFigures
    key, joins = _key(table, group, scope, dialect, table.day)
    columns = [func.coalesce(func.sum(getattr(table, name)), 0).label(name)
               for name in DAILY_SUMS]
    query = select(*([key.label("key")] if key is not None else [literal(None).label("key")]),
                   *columns).select_from(table) \
        .where(table.day >= span.start, table.day <= span.end, *_filters(table, scope))
    return {row.key: row for row in session.execute(_grouped(query, key, joins))}


def _judged_at(period: Period, now: datetime) -> datetime:
    return min(period.ends_at, now)


def _overdue(session, moments: dict, scope: Scope, group, dialect) -> dict:
    """Stretches containing each moment: {moment key: at} (one key when not by month).
    One SELECT per moment, glued with UNION ALL: each reads the few stretches still
    running then through the index on overdue_until."""
    table = OverdueStretch
    parts = []
    for name, moment in moments.items():
        if group == "month":
            key, joins = literal(name), []
        else:
            key, joins = _key(table, group, scope, dialect)
        query = select((key if key is not None else literal(None)).label("key"),
                       func.count().label("overdue")).select_from(table) \
            .where(table.overdue_from < moment,
                   (table.overdue_until.is_(None)) | (table.overdue_until >= moment),
                   *_filters(table, scope))
        parts.append(_grouped(query, key if group != "month" else None, joins))
    statement = union_all(*parts) if len(parts) > 1 else parts[0]
    return {row.key: int(row.overdue) for row in session.execute(statement)}


def _repeat_parties(session, span: Period, scope: Scope, group, dialect) -> dict:
    """People of cases concluded more than once: once per case and group (and total)."""
    table = HandlingFact
    key, joins = _key(table, group, scope, dialect, table.concluded_day)
    in_span = [table.is_repeat, table.outcome.in_(("success", "failure")),
               table.concluded_day >= span.start, table.concluded_day <= span.end,
               *_filters(table, scope)]

    def once(with_key):
        columns = [table.case_id, table.parties]
        if with_key is not None:
            columns.insert(0, with_key.label("key"))
        inner = select(*columns).select_from(table)
        for target, on, *outer in (joins if with_key is not None else []):
            inner = inner.join(target, on, isouter=bool(outer))
        return inner.where(*in_span).distinct().subquery()

    total = once(None)
    parts = [select(literal(TOTAL_KEY).label("key"),
                    func.coalesce(func.sum(total.c.parties), 0).label("parties"))]
    if key is not None:
        each = once(key)
        parts.append(select(each.c.key, func.sum(each.c.parties).label("parties"))
                     .group_by(each.c.key))
    rows = session.execute(union_all(*parts) if len(parts) > 1 else parts[0])
    found = {}
    for row in rows:
        found[None if row.key == TOTAL_KEY else row.key] = int(row.parties)
    return found


def _figures(row, overdue: int, parties: int) -> Figures:
    if row is None:
        return Figures(overdue=overdue, parties=parties)
    return Figures(received=int(row.received), success=int(row.success),
                   failure=int(row.failure), withdrawn=int(row.withdrawn),
                   transferred=int(row.transferred), parties=int(row.parties) + parties,
                   agreement_amount=Decimal(row.agreement_amount or 0).quantize(Decimal("0.01")),
                   overdue=overdue, durable_success=int(row.durable_success))


def _served(session: Session, durable_months: int, *, first_sync: bool = True) -> bool:
    """The rollups answer when they were computed for the durable months asked for."""
    if first_sync:
        sync(session)
    state = session.get(RollupState, 1)
    return state is not None and state.durable_months == durable_months \
        and durable_months == configured_months()


def aggregate(session: Session, period: Period, scope: Scope, *, group: str | None = None,
              now: datetime, durable_months: int = 6, first_sync: bool = True
              ) -> dict[str | None, Figures]:
    """Figures per group key, and the totals under None (months: whole months)."""
    if not _served(session, durable_months, first_sync=first_sync):
        found = queries.aggregate(session, period, scope, group=group, now=now,
                                  durable_months=durable_months)
        if group and group != "month":
            found[None] = queries.aggregate(session, period, scope, now=now,
                                            durable_months=durable_months).get(None, Figures())
        return found
    dialect = session.get_bind().dialect.name
    if group == "month":
        months = period.months()
        span = Period(month_period(months[0]).start, month_period(months[-1]).end)
        moments = {month: _judged_at(month_period(month), now) for month in months}
    else:
        span, moments = period, {"period": _judged_at(period, now)}
    daily = _daily(session, span, scope, group, dialect)
    overdue = _overdue(session, moments, scope, group, dialect)
    parties = _repeat_parties(session, span, scope, group, dialect)
    if group == "month":
        return {month: _figures(daily.get(month), overdue.get(month, 0), parties.get(month, 0))
                for month in months}
    keys = set(daily) | set(overdue) | {key for key in parties if key is not None}
    found = {key: _figures(daily.get(key), overdue.get(key, 0), parties.get(key, 0))
             for key in keys}
    if group is not None:
        totals = Figures()
        for figures in found.values():
            totals.add(figures)
        totals.parties += parties.get(None, 0) - sum(v for k, v in parties.items()
                                                     if k is not None)
        found[None] = totals
    return found


@dataclass
class PageFigures:
    """Everything the statistics page, its charts and the monthly report show, computed
    once: the report (totals and the chosen grouping), the figures by each chart's
    grouping, and the months of the trend (oldest first)."""

    report: Report
    by: dict[str, dict[str, Figures]]
    months: list[str]
    trend: dict[str, Figures]


CHART_GROUPS = ("channel", "dispute_type", "region")


def page_figures(session: Session, period: Period, scope: Scope, *, group: str | None = None,
                 groups: tuple[str, ...] = CHART_GROUPS, trend_months: int = 12,
                 now: datetime, durable_months: int = 6, first_sync: bool = True
                 ) -> PageFigures:
    """One figure set per grouping (totals come with the chosen one) and one for the
    trend: the months to the period's last, in one GROUP BY month."""
    if first_sync:
        sync(session)
    options = {"now": now, "durable_months": durable_months, "first_sync": False}
    report = statistics(session, period, scope, group=group, **options)
    by = {group: dict(report.groups)} if group and group != "month" else {}
    for each in groups:
        if each not in by:
            found = aggregate(session, period, scope, group=each, **options)
            by[each] = {key: figures for key, figures in sorted(
                ((str(k), v) for k, v in found.items() if k is not None and k != ""))}
    last = period.end.strftime("%Y-%m")
    months = [shift_month(last, offset) for offset in range(1 - trend_months, 1)]
    trend = aggregate(session, Period(month_period(months[0]).start,
                                      month_period(months[-1]).end),
                      scope, group="month", **options)
    return PageFigures(report=report, by=by, months=months, trend=trend)


def statistics(session: Session, period: Period, scope: Scope, *, group: str | None = None,
               now: datetime, durable_months: int = 6, first_sync: bool = True) -> Report:
    """Totals and (when grouped) the figures of each group, sorted by key."""
    found = aggregate(session, period, scope, group=group, now=now,
                      durable_months=durable_months, first_sync=first_sync)
    if group == "month":
        totals = aggregate(session, period, scope, now=now, durable_months=durable_months,
                           first_sync=False).get(None, Figures())
    else:
        totals = found.get(None, Figures())
    groups = []
    if group:
        groups = sorted(((str(key), figures) for key, figures in found.items()
                         if key is not None and key != ""), key=lambda item: item[0])
    return Report(period=period, group=group, totals=totals, groups=groups)


def overdue_cases(session: Session, period: Period, scope: Scope, *, now: datetime,
                  limit: int) -> list[tuple]:
    """(case number, institution name, deadline) of the handlings overdue at the end of the
    period, earliest deadline first (the rollups are synced by the figures read before)."""
    table = OverdueStretch
    judged_at = _judged_at(period, now)
    return session.execute(
        select(Case.case_no, Institution.name, table.deadline_at)
        .join(Case, Case.id == table.case_id)
        .join(Institution, Institution.id == table.institution_id)
        .where(table.overdue_from < judged_at,
               (table.overdue_until.is_(None)) | (table.overdue_until >= judged_at),
               *_filters(table, scope))
        .order_by(table.deadline_at, Case.case_no).limit(limit)).all()


# --- durations from 受理 to 办结 -------------------------------------------------------

DURATION_GROUPS = ("channel", "institution", "dispute_type")
PERCENTILES = {"median": 5, "p90": 9}       # in tenths: the 50th and the 90th percentile


@dataclass(frozen=True)
class Durations:
    """Days from 受理 to 办结 of the handlings concluded in the period: how many, the median
    and the 90th percentile (None when there are none)."""

    count: int = 0
    median: float | None = None
    p90: float | None = None


def _days(dialect: str):
    """Whole days on the China calendar from the day accepted to the day concluded."""
    table = HandlingFact
    if dialect == "sqlite":
        return cast(func.julianday(table.concluded_day) - func.julianday(table.accepted_day),
                    Integer)
    return cast(table.concluded_day - table.accepted_day, Integer)


def _percentile(ranked, tenths: int):
    """The percentile p = tenths/10 of the ranked days of one group, as an aggregate over
    its rows, by linear interpolation between closest ranks (the method of PostgreSQL's
    percentile_cont, R's type 7, Python's statistics.quantiles(method="inclusive")).

    For the n durations of a group sorted ascending, x[1] <= ... <= x[n], the position is
    h = (n - 1) * p; with j = floor(h) and d = h - j (a multiple of 1/10, since p is in
    tenths), the percentile is x[j+1] * (1 - d) + x[j+2] * d, x[j+2] being needed only
    when d > 0 (then j + 2 <= n). The median is p = 0.5: the middle value, or the mean of
    the two middle values. In integers: with k = (n - 1) * tenths, j = k // 10 and
    10 * d = k % 10, the value is (x[j+1] * (10 - k % 10) + x[j+2] * (k % 10)) / 10, one
    division, so both databases and Python give the same float."""
    position = (ranked.c.n - 1) * tenths
    below = func.max(case((ranked.c.rank == position // 10 + 1, ranked.c.days)))
    above = func.max(case((ranked.c.rank == position // 10 + 2, ranked.c.days)))
    weight = func.max(position % 10)
    return (below * (10 - weight) + func.coalesce(above, below) * weight) / literal(10.0)


def durations(session: Session, period: Period, scope: Scope,
              groups: tuple[str, ...] = DURATION_GROUPS, *, first_sync: bool = True
              ) -> dict[str | None, dict[str | None, Durations]]:
    """{grouping: {key: Durations}}, and the totals under {None: {None: ...}}, in one
    statement. Counts the mediation handlings concluded (success or failure, DESIGN.md §5
    `concluded`) in the period and scope that were accepted; the duration is the
    concluded day minus the accepted day, both on the China calendar (a handling accepted
    and concluded on the same day took 0 days).

    Reads `stats_handling_facts` (synced first, unless the figures read before did) once,
    through its index on (concluded_day, region_id): only the period's concluded
    handlings of the scope, never the cases; every grouping ranks that one set (a CTE
    used more than once, which SQLite and PostgreSQL materialise)."""
    if first_sync:
        sync(session)
    dialect = session.get_bind().dialect.name
    table = HandlingFact
    wanted = [table.outcome.in_(("success", "failure")), table.accepted_day.is_not(None),
              table.concluded_day >= period.start, table.concluded_day <= period.end,
              *_filters(table, scope)]
    facts = select(table.channel, table.dispute_type, table.institution_id, table.region_id,
                   _days(dialect).label("days")).where(*wanted).cte("duration_facts")
    parts = []
    for group in (None, *groups):
        key, joins = _key(facts.c, group, scope, dialect)
        within = {"partition_by": key} if key is not None else {}
        key = key if key is not None else literal(TOTAL_KEY)
        days = facts.c.days
        inner = select(key.label("key"), days.label("days"),
                       func.row_number().over(order_by=days, **within).label("rank"),
                       func.count().over(**within).label("n")).select_from(facts)
        for target, on, *outer in joins:
            inner = inner.join(target, on, isouter=bool(outer))
        ranked = inner.subquery()
        parts.append(select(literal(group or TOTAL_KEY).label("grouping"),
                            ranked.c.key, func.max(ranked.c.n).label("n"),
                            *[_percentile(ranked, tenths).label(name)
                              for name, tenths in PERCENTILES.items()])
                     .group_by(ranked.c.key))
    found: dict[str | None, dict[str | None, Durations]] = {None: {None: Durations()}}
    found.update({group: {} for group in groups})
    for row in session.execute(union_all(*parts)):
        grouping = None if row.grouping == TOTAL_KEY else row.grouping
        key = None if grouping is None else row.key
        found[grouping][key] = Durations(int(row.n), float(row.median), float(row.p90))
    return found
