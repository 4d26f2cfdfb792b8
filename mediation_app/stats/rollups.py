"""The figures of DESIGN.md §5 read from the rollups (stats.models): what the page, the
charts, the CLI, the exports and the monthly report show. stats.queries computes the same
figures from the cases themselves and stays the reference (tests compare the two).

Three statements for all the figure sets a page shows (the totals, every grouping of the
period, and the months of the trend), whatever the groupings:
- the additive figures summed over `stats_daily`: the period's rows read once, summed per
  combination of the keys wanted, then per grouping; the trend's from `stats_monthly`;
- `overdue`: the overdue stretches that contain the end of the period (of each month),
  read once and counted at every moment;
- `parties` of the few cases concluded more than once, counted once per case and group."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    DateTime,
    Integer,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from ..access.rules import region_subtree_clause
from ..casefile.models import Case
from ..directory.models import Institution, Region
from . import queries
from .definitions import Figures, Period, month_period, shift_month
from .maintenance import DAILY_SUMS, configured_months, sync
from .models import DailyFigures, HandlingFact, MonthlyFigures, OverdueStretch, RollupState
from .queries import Report, Scope

TOTAL_KEY = "#total"   # no group key (codes, months) looks like this

# The regions a region key joins: a rollup row's region and the child of the scope's region
# it lies in. Aliased once (making an alias costs about a millisecond, and every statistics
# page groups by region); _key joins the first pair, _dimensions maps through the second.
_PLACE, _CHILD = aliased(Region), aliased(Region)
_MAPPED_PLACE, _MAPPED_CHILD = aliased(Region), aliased(Region)


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
        place, child = _PLACE, _CHILD
        root_id = scope.region.id if scope.region else None
        joins = [(place, place.id == table.region_id),
                 (child, and_(child.parent_id == root_id,
                              place.path.startswith(child.path)), True)]
        fallback = scope.region.code if scope.region else place.code
        return func.coalesce(child.code, fallback), joins
    raise ValueError(f"cannot group by {group}")


def _dimensions(table, groups, scope: Scope) -> tuple[dict, dict]:
    """The group key of each grouping wanted (by its name), and the joins each needs. The
    region key comes from one small mapping of the scope's regions to the child of the
    scope's region they lie in (or the scope's region itself), joined by id."""
    keys, joins = {}, {}
    for group in groups:
        if group is None or group in keys:
            continue
        if group == "region":
            place, child = _MAPPED_PLACE, _MAPPED_CHILD
            root_id = scope.region.id if scope.region else None
            fallback = scope.region.code if scope.region else place.code
            mapping = select(place.id.label("region_id"),
                             func.coalesce(child.code, fallback).label("key")) \
                .select_from(place) \
                .join(child, and_(child.parent_id == root_id,
                                  place.path.startswith(child.path)), isouter=True)
            if scope.region is not None:
                mapping = mapping.where(place.path.startswith(scope.region.path))
            mapping = mapping.subquery("region_keys")
            keys[group] = mapping.c.key
            joins[group] = [(mapping, mapping.c.region_id == table.region_id)]
        elif group == "institution":
            keys[group] = Institution.code
            joins[group] = [(Institution, Institution.id == table.institution_id)]
        elif group in ("channel", "dispute_type"):
            keys[group] = getattr(table, group)
            joins[group] = []
        else:
            raise ValueError(f"cannot group by {group}")
    return keys, joins


def _parts(base, groups, value_columns) -> list:
    """One SELECT per grouping over a CTE of pre-grouped rows: (grouping, key, values)."""
    parts = []
    for group in groups:
        key = base.c[f"key_{group}"] if group is not None else literal(None)
        part = select(literal(group or TOTAL_KEY).label("grouping"), key.label("key"),
                      *value_columns(base)).select_from(base)
        parts.append(part.group_by(key) if group is not None else part)
    return parts


def _read_parts(session, parts) -> dict:
    """{grouping (None: totals): {key: row}} of UNION ALL-ed parts."""
    found: dict = {}
    rows = session.execute(union_all(*parts) if len(parts) > 1 else parts[0])
    for row in rows:
        grouping = None if row.grouping == TOTAL_KEY else row.grouping
        found.setdefault(grouping, {})[row.key] = row
    return found


def _daily_sums(columns) -> list:
    return [func.coalesce(func.sum(columns[name]), 0).label(name) for name in DAILY_SUMS]


def _daily(session, period: Period, scope: Scope, groups: list, months: Period | None,
           dialect: str) -> dict:
    """The additive figures of every grouping over the period, and (`months`, whole months)
    per month of that span, in one statement: the period's rows of `stats_daily` are read
    once and summed per combination of the keys wanted (a CTE), each grouping sums those;
    the months sum the rows of `stats_monthly` (one per month and combination of keys,
    where stats_daily has one per day)."""
    table = DailyFigures
    parts = []
    if groups:
        keys, joins = _dimensions(table, groups, scope)
        base = select(*[key.label(f"key_{name}") for name, key in keys.items()],
                      *_daily_sums(table.__table__.c)).select_from(table)
        for target, on in [join for each in joins.values() for join in each]:
            base = base.join(target, on)
        base = base.where(table.day >= period.start, table.day <= period.end,
                          *_filters(table, scope))
        if keys:
            base = base.group_by(*keys.values())
        base = base.cte("period_daily")
        parts += _parts(base, groups, lambda cte: _daily_sums(cte.c))
    if months is not None:
        monthly = MonthlyFigures
        month = _month(monthly.month, dialect)
        parts.append(select(literal("month").label("grouping"), month.label("key"),
                            *_daily_sums(monthly.__table__.c))
                     .where(monthly.month >= months.start, monthly.month <= months.end,
                            *_filters(monthly, scope))
                     .group_by(month))
    return _read_parts(session, parts)


def _judged_at(period: Period, now: datetime) -> datetime:
    return min(period.ends_at, now)


def _written(moment: datetime):
    """A moment written into the statement rather than passed as a parameter: psycopg
    prepares a statement run five times, and PostgreSQL's plan for any moment then reads
    every overdue stretch (159 ms against 6 for one institution's page on 1M cases)."""
    return bindparam(None, moment, type_=DateTime, literal_execute=True)


def _overdue(session, moment: datetime | None, scope: Scope, groups: list,
             months: dict[str, datetime]) -> dict:
    """The stretches containing `moment` per key of each grouping, and those containing
    each month's moment, in one statement: the stretches overlapping the earliest to the
    latest moment are read once and counted per moment (a CASE each) for every
    combination of the keys wanted."""
    table = OverdueStretch
    moments = sorted({*([moment] if groups else []), *months.values()})
    if not moments:
        return {}
    column = {at: f"at_{index}" for index, at in enumerate(moments)}
    keys, joins = _dimensions(table, groups, scope)
    base = select(*[key.label(f"key_{name}") for name, key in keys.items()],
                  *[func.coalesce(func.sum(case((and_(
                      table.overdue_from < _written(at),
                      (table.overdue_until.is_(None)) | (table.overdue_until >= _written(at))),
                      1), else_=0)), 0).label(name) for at, name in column.items()]) \
        .select_from(table)
    for target, on in [join for each in joins.values() for join in each]:
        base = base.join(target, on)
    base = base.where(table.overdue_from < _written(moments[-1]),
                      (table.overdue_until.is_(None))
                      | (table.overdue_until >= _written(moments[0])),
                      *_filters(table, scope))
    if keys:
        base = base.group_by(*keys.values())
    base = base.cte("overdue_counts")
    parts = []
    if groups:
        parts += _parts(base, groups, lambda cte: [
            func.coalesce(func.sum(cte.c[column[moment]]), 0).label("overdue")])
    for month, at in months.items():
        parts.append(select(literal("month").label("grouping"), literal(month).label("key"),
                            func.coalesce(func.sum(base.c[column[at]]), 0).label("overdue")))
    return {grouping: {key: int(row.overdue) for key, row in rows.items()}
            for grouping, rows in _read_parts(session, parts).items()}


def _repeat_parties(session, period: Period, scope: Scope, groups: list,
                    months: Period | None, dialect: str) -> dict:
    """People of cases concluded more than once: once per case and key of each grouping
    (and of each month of `months`), in one statement over the few repeat facts."""
    table = HandlingFact

    def in_span(span: Period) -> list:
        return [table.is_repeat, table.outcome.in_(("success", "failure")),
                table.concluded_day >= span.start, table.concluded_day <= span.end,
                *_filters(table, scope)]

    def once(group, key, joins, span):
        columns = [table.case_id, table.parties]
        if key is not None:
            columns.insert(0, key.label("key"))
        inner = select(*columns).select_from(table)
        for target, on in joins:
            inner = inner.join(target, on)
        each = inner.where(*in_span(span)).distinct().subquery()
        part = select(literal(group or TOTAL_KEY).label("grouping"),
                      (each.c.key if key is not None else literal(None)).label("key"),
                      func.coalesce(func.sum(each.c.parties), 0).label("parties"))
        return part.group_by(each.c.key) if key is not None else part

    parts = []
    keys, joins = _dimensions(table, groups, scope)
    for group in groups:
        parts.append(once(group, keys.get(group), joins.get(group, []), period))
    if months is not None:
        parts.append(once("month", _month(table.concluded_day, dialect), [], months))
    if not parts:
        return {}
    return {grouping: {key: int(row.parties) for key, row in rows.items()}
            for grouping, rows in _read_parts(session, parts).items()}


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
    if group == "month":
        return _figure_sets(session, period, scope, [], period.months(), now)[1]
    wanted = [None] if group is None else [None, group]
    by = _figure_sets(session, period, scope, wanted, None, now)[0]
    found = dict(by.get(group, {})) if group is not None else {}
    found[None] = by[None][None]
    return found


def _figure_sets(session: Session, period: Period, scope: Scope, groups: list,
                 months: list[str] | None, now: datetime, *, months_in_full: bool = True
                 ) -> tuple[dict[str | None, dict], dict[str, Figures]]:
    """The figures of the period per key of each grouping in `groups` (None: the totals,
    under the key None), and those of each of `months` (whole months), in three
    statements whatever the groupings: the additive figures, `overdue`, and the people of
    the cases concluded more than once. Without `months_in_full`, the months get the
    additive figures only (no `overdue`; `parties` without the repeat cases' correction)."""
    dialect = session.get_bind().dialect.name
    span, moments = None, {}
    if months:
        span = Period(month_period(months[0]).start, month_period(months[-1]).end)
        if months_in_full:
            moments = {month: _judged_at(month_period(month), now) for month in months}
    daily = _daily(session, period, scope, groups, span, dialect)
    overdue = _overdue(session, _judged_at(period, now), scope, groups, moments)
    parties = _repeat_parties(session, period, scope, groups,
                              span if months_in_full else None, dialect)
    by: dict[str | None, dict] = {}
    for group in groups:
        rows, late, people = (source.get(group, {}) for source in (daily, overdue, parties))
        keys = {None} if group is None else set(rows) | set(late) | set(people)
        by[group] = {key: _figures(rows.get(key), late.get(key, 0), people.get(key, 0))
                     for key in keys}
    trend = {}
    if months:
        rows, late, people = (source.get("month", {}) for source in (daily, overdue, parties))
        trend = {month: _figures(rows.get(month), late.get(month, 0), people.get(month, 0))
                 for month in months}
    return by, trend


@dataclass
class PageFigures:
    """Everything the statistics page, its charts and the monthly report show, computed
    once: the report (totals and the chosen grouping), the figures by each chart's
    grouping, and the months of the trend (oldest first; with only the additive figures
    when asked for without `trend_in_full`)."""

    report: Report
    by: dict[str, dict[str, Figures]]
    months: list[str]
    trend: dict[str, Figures]


CHART_GROUPS = ("channel", "dispute_type", "region")


def page_figures(session: Session, period: Period, scope: Scope, *, group: str | None = None,
                 groups: tuple[str, ...] = CHART_GROUPS, trend_months: int = 12,
                 now: datetime, durable_months: int = 6, first_sync: bool = True,
                 trend_in_full: bool = True) -> PageFigures:
    """One figure set per grouping (totals come with the chosen one) and one for the
    trend: the months to the period's last, in one GROUP BY month. The statistics page
    draws the trend's received, concluded and success rate only: without `trend_in_full`
    its months leave out `overdue` and the repeat cases' people (two readings of a year
    of rows fewer)."""
    options = {"now": now, "durable_months": durable_months, "first_sync": False}
    last = period.end.strftime("%Y-%m")
    months = [shift_month(last, offset) for offset in range(1 - trend_months, 1)]
    if not _served(session, durable_months, first_sync=first_sync) or group == "month":
        return _page_figures_apart(session, period, scope, group, groups, months, options)
    wanted = [None, *dict.fromkeys(each for each in (group, *groups) if each)]
    found, trend = _figure_sets(session, period, scope, wanted, months, now,
                                months_in_full=trend_in_full)
    report = Report(period=period, group=group, totals=found[None][None],
                    groups=_sorted_groups(found[group]) if group else [])
    by = {each: dict(_sorted_groups(found[each])) for each in groups}
    if group:
        by[group] = dict(report.groups)
    return PageFigures(report=report, by=by, months=months, trend=trend)


def _sorted_groups(found: dict) -> list[tuple[str, Figures]]:
    return sorted(((str(key), figures) for key, figures in found.items()
                   if key is not None and key != ""), key=lambda item: item[0])


def _page_figures_apart(session, period, scope, group, groups, months, options
                        ) -> PageFigures:
    """The page's figure sets one by one: while the rollups are rebuilt (from the
    reference queries), and for a report by month."""
    report = statistics(session, period, scope, group=group, **options)
    by = {group: dict(report.groups)} if group and group != "month" else {}
    for each in groups:
        if each not in by:
            by[each] = dict(_sorted_groups(aggregate(session, period, scope, group=each,
                                                     **options)))
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
    groups = _sorted_groups(found) if group else []
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


def _percentile(counted, tenths: int):
    """The percentile p = tenths/10 of the days of one group, as an aggregate over its rows
    (one row per distinct number of days: `days`, `upto` the handlings of the group that
    took that many days or fewer, `n` all of the group's), by linear interpolation between
    closest ranks (the method of PostgreSQL's percentile_cont, R's type 7, Python's
    statistics.quantiles(method="inclusive")).

    For the n durations of a group sorted ascending, x[1] <= ... <= x[n], the position is
    h = (n - 1) * p; with j = floor(h) and d = h - j (a multiple of 1/10, since p is in
    tenths), the percentile is x[j+1] * (1 - d) + x[j+2] * d, x[j+2] being needed only
    when d > 0 (then j + 2 <= n). The median is p = 0.5: the middle value, or the mean of
    the two middle values. x[r] is the fewest days whose `upto` reaches r. In integers:
    with k = (n - 1) * tenths, j = k // 10 and 10 * d = k % 10, the value is
    (x[j+1] * (10 - k % 10) + x[j+2] * (k % 10)) / 10, one division, so both databases and
    Python give the same float."""
    position = (counted.c.n - 1) * tenths
    below = func.min(case((counted.c.upto >= position // 10 + 1, counted.c.days)))
    above = func.min(case((counted.c.upto >= position // 10 + 2, counted.c.days)))
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
    handlings of the scope, never the cases, counted per number of days and dimensions
    (a CTE used more than once, which SQLite and PostgreSQL materialise); the groupings'
    counts per number of days are then ranked together, in one window partitioned by
    grouping and key, never the handlings one by one."""
    if first_sync:
        sync(session)
    dialect = session.get_bind().dialect.name
    table = HandlingFact
    wanted = [table.outcome.in_(("success", "failure")), table.accepted_day.is_not(None),
              table.concluded_day >= period.start, table.concluded_day <= period.end,
              *_filters(table, scope)]
    dimensions = [table.channel, table.dispute_type, table.institution_id,
                  *([table.region_id] if "region" in groups else [])]
    days = _days(dialect).label("days")
    facts = select(*dimensions, days, func.count().label("handlings")).where(*wanted) \
        .group_by(*dimensions, days).cte("duration_facts")
    per_day = []
    for group in (None, *groups):
        key, joins = _key(facts.c, group, scope, dialect)
        key = key if key is not None else literal(TOTAL_KEY)
        inner = select(literal(group or TOTAL_KEY).label("grouping"), key.label("key"),
                       facts.c.days, func.sum(facts.c.handlings).label("handlings")) \
            .select_from(facts)
        for target, on, *outer in joins:
            inner = inner.join(target, on, isouter=bool(outer))
        per_day.append(inner.group_by(key, facts.c.days))
    by_days = union_all(*per_day).subquery()
    within = {"partition_by": (by_days.c.grouping, by_days.c.key)}
    counted = select(
        by_days.c.grouping, by_days.c.key, by_days.c.days,
        cast(func.sum(by_days.c.handlings).over(order_by=by_days.c.days, **within),
             Integer).label("upto"),
        cast(func.sum(by_days.c.handlings).over(**within), Integer).label("n"),
    ).subquery()
    statement = select(counted.c.grouping, counted.c.key, func.max(counted.c.n).label("n"),
                       *[_percentile(counted, tenths).label(name)
                         for name, tenths in PERCENTILES.items()]) \
        .group_by(counted.c.grouping, counted.c.key)
    found: dict[str | None, dict[str | None, Durations]] = {None: {None: Durations()}}
    found.update({group: {} for group in groups})
    for row in session.execute(statement):
        grouping = None if row.grouping == TOTAL_KEY else row.grouping
        key = None if grouping is None else row.key
        found[grouping][key] = Durations(int(row.n), float(row.median), float(row.p90))
    return found
