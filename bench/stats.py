"""The statistics page's queries against bare SQL GROUP BY statements computing the same numbers.

Seeds BENCH_CASES cases (default 100,000) of a two-year history (bench.seed.seed_history:
four towns and a village under one district, nine institutions over the three channels,
transfers, referrals of every status, returning parties) into a fresh database, and for the
scope a district committee reader sees (their region's subtree) times, in one process, on
one session, interleaved (the order alternates each repetition):

- real: mediation_app.stats.queries — statistics() ungrouped and grouped by channel,
  dispute_type, region and institution, and referral_statistics(), for the last full month
  and the last full calendar year; the trend chart's aggregate(group="month") over the
  twelve months to the last full month; and "month page": everything the statistics page
  and its four charts run for the month (statistics, referral_statistics, trend, and the
  dispute type, channel and region aggregates);
- bare: hand-written SQL (text()) computing the same figures — received, success, failure,
  withdrawn, transferred, parties, agreement_amount, overdue and durable_success — with one
  GROUP BY statement per table (totals are the sum of the groups; the twelve months of the
  trend are one statement joined to a VALUES list of months). Durable success (no new case
  of the same type with an overlapping party within DURABLE_MONTHS) is computed once per
  statement as a set: the period's successes with their parties, matched on ID number
  and on name + phone through their blind indexes (the values themselves are stored
  encrypted, never twice alike), UNION, NOT IN.
  Referrals: one GROUP BY, the accepted durations (the median: SQLite has no percentile;
  PostgreSQL uses percentile_cont), the return reasons.

Every pair is first checked to give identical figures (the run stops if not). A second
pair of columns, "without the recurrence check", times the same app calls with the app's
recurrence check switched off in this process (no_recurrence(): recurring_successes()
replaced by an empty set, or — the earlier form — the correlated recurrence() EXISTS by
FALSE), against the bare statements without the durable column (durable_success = success
on both sides): it separates the cost of durable success from the rest, and checks the
eight other figures even where the app's statement is too slow to finish.

An app call running longer than BENCH_STATS_TIMEOUT seconds (default 10) is interrupted
(sqlite3 interrupt() / psycopg cancel()) and reported as "> timeout"; the other shapes of
that period, whose first statement is the same, are then not run on the app side.
Environment: BENCH_CASES, BENCH_DATABASE_URL (as the other benchmarks), BENCH_STATS_REPS
(timed repetitions per side, default 7), BENCH_STATS_BUDGET (seconds per pair of a shape,
default 6: fewer repetitions for slow shapes), BENCH_STATS_TIMEOUT, BENCH_STATS_SHAPES
(comma-separated names or prefixes, e.g. "month", "year:totals,trend"), BENCH_ANALYZE
(default on for PostgreSQL), BENCH_PROFILE=1 (cProfile the app's month totals). Target: ≤ 1.5×.
Results: printed, and bench/results/stats.json.
"""

from __future__ import annotations

import cProfile
import gc
import io
import json
import os
import platform
import pstats
import re
import statistics as stats_module
import sys
import tempfile
import time
import warnings
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from sqlalchemy import DateTime, bindparam, event, false, select, text
from sqlalchemy.exc import DBAPIError

from mediation_app import create_app
from mediation_app.casefile.models import Handling
from mediation_app.db import db, utcnow
from mediation_app.directory.models import Region
from mediation_app.stats import queries as stats_queries
from mediation_app.stats.definitions import (
    CHINA,
    Figures,
    Period,
    month_period,
    shift_month,
)
from mediation_app.stats.queries import (
    ReferralFigures,
    Scope,
    aggregate,
    referral_statistics,
    statistics,
)

from .case_list import _analyze, _env_int, _reset_postgres
from .seed import seed_history

RESULTS = Path(__file__).resolve().parent / "results" / "stats.json"
TARGET = 1.5
GROUPS = ("channel", "dispute_type", "region", "institution")
TWO_PLACES = Decimal("0.01")


# --- the bare SQL ------------------------------------------------------------------------

def _later(dialect: str, column: str, months: int) -> str:
    if dialect == "sqlite":
        return f"datetime({column}, '+{int(months)} months')"
    return f"{column} + interval '{int(months)} months'"


def _recurring_ctes(dialect: str, months: int) -> str:
    """The period's successes that recur: a later case of the same type, filed within
    `months` of the conclusion, shares a party (same ID number, or same name and phone).
    ID numbers and phones are stored encrypted (a fresh nonce each time): equal values are
    found by their blind indexes (id_number_index, phone_index), as the app finds them.
    SQLite keeps the join order written with CROSS JOIN (its planner, without ANALYZE,
    would otherwise start from every later case of the same type)."""
    cross = "CROSS JOIN" if dialect == "sqlite" else "JOIN"
    later_case = ("l.id <> ours.case_id AND l.dispute_type = ours.dispute_type "
                  "AND l.filed_at > ours.concluded_at AND l.filed_at <= ours.until_at")
    return f"""ours AS MATERIALIZED (
  SELECT h.id AS handling_id, c.id AS case_id, c.dispute_type, h.concluded_at,
         {_later(dialect, 'h.concluded_at', months)} AS until_at,
         o.id_number_index, o.name, o.phone_index
  FROM handlings h
  JOIN cases c ON c.id = h.case_id
  JOIN regions p ON p.id = c.region_id
  JOIN parties o ON o.case_id = c.id
  WHERE h.is_mediation AND p.path LIKE :root_like AND h.outcome = 'success'
    AND h.concluded_at >= :span_start AND h.concluded_at < :span_end
),
recurring AS (
  SELECT ours.handling_id
  FROM ours {cross} parties t ON t.id_number_index = ours.id_number_index
  {cross} cases l ON l.id = t.case_id
  WHERE {later_case}
  UNION
  SELECT ours.handling_id
  FROM ours {cross} parties t ON t.name = ours.name AND t.phone_index = ours.phone_index
  {cross} cases l ON l.id = t.case_id
  WHERE {later_case}
)"""


def figures_sql(dialect: str, *, group: str | None, durable: bool, months: int,
                trend: int = 0) -> str:
    """One GROUP BY statement over handlings for the figures of a period (or, with
    trend=n, of the n months listed in a VALUES table m)."""
    if trend:
        start, end, judged = "m.starts_at", "m.ends_at", "m.judged_at"
    else:
        start, end, judged = ":start", ":end", ":judged"
    concluded_in = f"h.concluded_at >= {start} AND h.concluded_at < {end}"
    received = f"h.accepted_at >= {start} AND h.accepted_at < {end}"
    overdue = (f"h.started_at < {judged} AND h.deadline_at < {judged} "
               f"AND (h.concluded_at IS NULL OR h.concluded_at >= {judged})")
    ctes = []
    if durable:
        ctes.append(_recurring_ctes(dialect, months))
    if trend:
        rows = ", ".join(f"(:m{i}, :s{i}, :e{i}, :j{i})" for i in range(trend))
        ctes.append(f"m(month, starts_at, ends_at, judged_at) AS (VALUES {rows})")
    joins, key = "", None
    if trend:
        key = "m.month"
    elif group == "channel":
        key = "h.channel"
    elif group == "dispute_type":
        key = "c.dispute_type"
    elif group == "institution":
        joins, key = "JOIN institutions i ON i.id = h.institution_id", "i.code"
    elif group == "region":
        joins = "LEFT JOIN regions top ON top.parent_id = :root_id AND p.path LIKE top.path || '%'"
        key = "COALESCE(top.code, :root_code)"
    durable_when = (f"h.outcome = 'success' AND {concluded_in}"
                    + (" AND h.id NOT IN (SELECT handling_id FROM recurring)" if durable else ""))
    outcome_columns = ",\n  ".join(
        f"SUM(CASE WHEN h.outcome = '{name}' AND {concluded_in} THEN 1 ELSE 0 END) AS {name}"
        for name in ("success", "failure", "withdrawn", "transferred"))
    return f"""{'WITH ' + ', '.join(ctes) if ctes else ''}
SELECT {key + ' AS key,' if key else ''}
  SUM(CASE WHEN {received} THEN 1 ELSE 0 END) AS received,
  {outcome_columns},
  SUM(CASE WHEN h.outcome IN ('success', 'failure') AND {concluded_in}
      THEN c.party_count ELSE 0 END) AS parties,
  SUM(CASE WHEN h.outcome = 'success' AND {concluded_in}
      THEN h.agreement_amount ELSE 0 END) AS agreement_amount,
  SUM(CASE WHEN {overdue} THEN 1 ELSE 0 END) AS overdue,
  SUM(CASE WHEN {durable_when} THEN 1 ELSE 0 END) AS durable
FROM {'m CROSS JOIN handlings h' if trend else 'handlings h'}
JOIN cases c ON c.id = h.case_id
JOIN regions p ON p.id = c.region_id
{joins}
WHERE h.is_mediation AND p.path LIKE :root_like
  AND (({received}) OR ({concluded_in}) OR ({overdue}))
{'GROUP BY 1' if key else ''}"""


REFERRAL_FROM = """FROM referrals r
JOIN institutions s ON s.id = r.from_institution_id
JOIN institutions t ON t.id = r.to_institution_id
JOIN cases c ON c.id = r.case_id
JOIN regions g ON g.id = c.region_id"""
DECIDED_IN = "r.decided_at >= :start AND r.decided_at < :end"


def referral_sql(dialect: str) -> dict[str, str]:
    median = ""
    if dialect == "postgresql":
        median = (",\n  percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM "
                  "r.decided_at - r.created_at) / 3600) FILTER (WHERE r.status = 'accepted' "
                  f"AND {DECIDED_IN}) AS median_hours")
    decided = ",\n  ".join(
        f"SUM(CASE WHEN r.status = '{status}' AND {DECIDED_IN} THEN 1 ELSE 0 END) AS {status}"
        for status in ("accepted", "returned", "withdrawn", "expired"))
    found = {
        "counts": f"""SELECT r.kind AS kind, s.kind AS from_kind, t.kind AS to_kind,
  SUM(CASE WHEN r.created_at >= :start AND r.created_at < :end THEN 1 ELSE 0 END) AS sent,
  {decided},
  SUM(CASE WHEN r.created_at < :judged AND (r.decided_at IS NULL OR r.decided_at >= :judged)
      THEN 1 ELSE 0 END) AS pending{median}
{REFERRAL_FROM}
WHERE g.path LIKE :root_like
GROUP BY r.kind, s.kind, t.kind
ORDER BY r.kind, s.kind, t.kind""",
        "reasons": f"""SELECT r.kind, s.kind, t.kind, r.return_reason, COUNT(*)
{REFERRAL_FROM}
WHERE g.path LIKE :root_like AND r.status = 'returned' AND {DECIDED_IN}
GROUP BY r.kind, s.kind, t.kind, r.return_reason""",
    }
    if dialect != "postgresql":
        found["durations"] = f"""SELECT r.kind, s.kind, t.kind, r.created_at, r.decided_at
{REFERRAL_FROM}
WHERE g.path LIKE :root_like AND r.status = 'accepted' AND {DECIDED_IN}"""
    return found


_DATETIMES = ("start", "end", "judged", "span_start", "span_end")


def _text(sql: str, **column_types):
    """text() with its datetime parameters typed as the app's columns are, so they are
    bound in the same format (SQLite compares stored text)."""
    names = set(re.findall(r"(?<!:):(\w+)", sql))
    typed = [bindparam(name, type_=DateTime()) for name in names
             if name in _DATETIMES or re.fullmatch(r"[sej]\d+", name)]
    statement = text(sql).bindparams(*typed)
    return statement.columns(**column_types) if column_types else statement


def _figures(row) -> Figures:
    amount = row.agreement_amount or 0
    amount = Decimal(f"{amount:.2f}") if isinstance(amount, float) else Decimal(amount)
    return Figures(received=int(row.received or 0), success=int(row.success or 0),
                   failure=int(row.failure or 0), withdrawn=int(row.withdrawn or 0),
                   transferred=int(row.transferred or 0), parties=int(row.parties or 0),
                   agreement_amount=amount.quantize(TWO_PLACES), overdue=int(row.overdue or 0),
                   durable_success=int(row.durable or 0))


class Bare:
    """The hand-written statements for one database, scope and durable-months setting."""

    def __init__(self, dialect: str, region: Region, months: int, now: datetime):
        self.dialect = dialect
        self.months = months
        self.now = now
        self.scope = {"root_like": region.path + "%", "root_id": region.id,
                      "root_code": region.code}
        self.sql = {}
        for durable in (True, False):
            for group in (None, *GROUPS):
                self.sql[(group, durable)] = _text(figures_sql(dialect, group=group,
                                                               durable=durable, months=months))
        self.referral_sql = {name: _text(sql, **({"created_at": DateTime(),
                                                  "decided_at": DateTime()}
                                                 if name == "durations" else {}))
                             for name, sql in referral_sql(dialect).items()}

    def _params(self, period: Period) -> dict:
        return {**self.scope, "start": period.starts_at, "end": period.ends_at,
                "judged": min(period.ends_at, self.now), "span_start": period.starts_at,
                "span_end": period.ends_at}

    def figures(self, session, period: Period, group: str | None, *, durable: bool = True
                ) -> tuple[Figures, list[tuple[str, Figures]]]:
        """(totals, sorted groups) as statistics() reports them, from one statement."""
        rows = session.execute(self.sql[(group, durable)], self._params(period)).all()
        if group is None:
            return (_figures(rows[0]) if rows else Figures()), []
        totals, groups = Figures(), []
        for row in rows:
            figures = _figures(row)
            totals.add(figures)
            if row.key is not None:
                groups.append((str(row.key), figures))
        return totals, sorted(groups, key=lambda item: item[0])

    def grouped(self, session, period: Period, group: str, *, durable: bool = True
                ) -> dict[str | None, Figures]:
        """What aggregate(group=...) returns (a chart's figures)."""
        rows = session.execute(self.sql[(group, durable)], self._params(period)).all()
        return {row.key: _figures(row) for row in rows}

    def trend(self, session, span: Period, *, durable: bool = True) -> dict[str, Figures]:
        """Every month of the span from one statement over a VALUES list of months."""
        n = len(span.months())
        if ("trend", n, durable) not in self.sql:
            self.sql[("trend", n, durable)] = _text(figures_sql(
                self.dialect, group=None, durable=durable, months=self.months, trend=n))
        params = {**self._params(span)}
        for index, month in enumerate(span.months()):
            period = month_period(month)
            params.update({f"m{index}": month, f"s{index}": period.starts_at,
                           f"e{index}": period.ends_at,
                           f"j{index}": min(period.ends_at, self.now)})
        rows = session.execute(self.sql[("trend", n, durable)], params).all()
        found = {row.key: _figures(row) for row in rows}
        return {month: found.get(month, Figures()) for month in span.months()}

    def referrals(self, session, period: Period) -> list[ReferralFigures]:
        params = self._params(period)
        results = []
        for row in session.execute(self.referral_sql["counts"], params):
            figures = ReferralFigures(kind=row.kind, from_kind=row.from_kind,
                                      to_kind=row.to_kind, sent=int(row.sent),
                                      accepted=int(row.accepted), returned=int(row.returned),
                                      withdrawn=int(row.withdrawn), expired=int(row.expired),
                                      pending=int(row.pending))
            if self.dialect == "postgresql" and row.median_hours is not None:
                figures.median_hours_to_accept = round(float(row.median_hours), 1)
            if any((figures.sent, figures.accepted, figures.returned, figures.withdrawn,
                    figures.expired, figures.pending)):
                results.append(figures)
        by_key = {(f.kind, f.from_kind, f.to_kind): f for f in results}
        if "durations" in self.referral_sql:
            hours = defaultdict(list)
            for kind, from_kind, to_kind, created, decided in session.execute(
                    self.referral_sql["durations"], params):
                hours[(kind, from_kind, to_kind)].append(
                    (decided - created).total_seconds() / 3600)
            for key, values in hours.items():
                if key in by_key:
                    by_key[key].median_hours_to_accept = round(stats_module.median(values), 1)
        for kind, from_kind, to_kind, reason, count in session.execute(
                self.referral_sql["reasons"], params):
            figures = by_key.get((kind, from_kind, to_kind))
            if figures is not None:
                figures.returned_by_reason = {**(figures.returned_by_reason or {}),
                                              reason: count}
        return results


# --- shapes ------------------------------------------------------------------------------

@contextmanager
def no_recurrence():
    """The app's aggregate with its recurring-successes set replaced by an empty one (this
    process only): durable success then equals success. (An app still on the correlated
    recurrence() EXISTS gets it replaced by FALSE instead.)"""
    saved = {}
    if hasattr(stats_queries, "recurring_successes"):
        saved["recurring_successes"] = stats_queries.recurring_successes
        stats_queries.recurring_successes = \
            lambda *_args, **_kwargs: select(Handling.id).where(false())
    if hasattr(stats_queries, "recurrence"):
        saved["recurrence"] = stats_queries.recurrence
        stats_queries.recurrence = lambda *_args, **_kwargs: false()
    if not saved:
        raise SystemExit("mediation_app.stats.queries has neither recurring_successes nor "
                         "recurrence: update no_recurrence() in bench/stats.py")
    try:
        yield
    finally:
        for name, original in saved.items():
            setattr(stats_queries, name, original)


def _comparable(value):
    """Reports, dicts of Figures and referral lists as plain data for comparing."""
    if isinstance(value, stats_queries.Report):
        return {"totals": asdict(value.totals),
                "groups": [(key, asdict(figures)) for key, figures in value.groups]}
    if isinstance(value, dict):
        return {key: asdict(figures) for key, figures in value.items()}
    if isinstance(value, list):
        return [asdict(item) for item in value]
    if isinstance(value, tuple):
        totals, groups = value
        return {"totals": asdict(totals),
                "groups": [(key, asdict(figures)) for key, figures in groups]}
    return value


def _first_difference(real, bare) -> str:
    real, bare = _comparable(real), _comparable(bare)
    text_real = json.dumps(real, default=str, sort_keys=True, indent=1).splitlines()
    text_bare = json.dumps(bare, default=str, sort_keys=True, indent=1).splitlines()
    for index, (a, b) in enumerate(zip(text_real, text_bare)):
        if a != b:
            return f"line {index}: app {a.strip()} vs bare {b.strip()}"
    return f"lengths differ: app {len(text_real)} lines, bare {len(text_bare)}"


def build_shapes(periods: dict[str, Period], scope: Scope, bare: Bare, *, now: datetime,
                 months: int) -> list[dict]:
    """Each shape: name, label, the app call, the bare call, and how to compare them
    (both return values are turned into plain data)."""
    session = db.session
    shapes = []
    for period_name, period in periods.items():
        for group in (None, *GROUPS):
            def real(period=period, group=group):
                return statistics(session, period, scope, group=group, now=now,
                                  durable_months=months)

            def base(durable=True, period=period, group=group):
                return bare.figures(session, period, group, durable=durable)

            shapes.append({"name": f"{period_name}:{group or 'totals'}", "period": period_name,
                           "label": f"{period_name} {'totals' if group is None else 'by ' + group}",
                           "real": real, "bare": base,
                           "real_statements": 1 if group is None else 2,
                           "bare_statements": 1})

        def referrals(period=period):
            return referral_statistics(session, period, scope, now=now)

        def bare_referrals(durable=True, period=period):
            return bare.referrals(session, period)

        shapes.append({"name": f"{period_name}:referrals", "period": period_name,
                       "label": f"{period_name} referrals", "real": referrals,
                       "bare": bare_referrals, "real_statements": None,
                       "bare_statements": len(bare.referral_sql), "no_durable": False})

    month = periods["month"]
    last = month.end.strftime("%Y-%m")
    first = datetime.strptime(shift_month(last, -11), "%Y-%m").date()
    span = Period(first, month.end)

    def trend():
        return aggregate(session, span, scope, group="month", now=now, durable_months=months)

    def bare_trend(durable=True):
        return bare.trend(session, span, durable=durable)

    shapes.append({"name": "trend", "period": "month", "label": "trend chart (12 months)",
                   "real": trend, "bare": bare_trend, "real_statements": 12,
                   "bare_statements": 1})

    def page():
        report = statistics(session, month, scope, now=now, durable_months=months)
        found = {"totals": report.totals,
                 "referrals": referral_statistics(session, month, scope, now=now),
                 "trend": trend()}
        for group in ("dispute_type", "channel", "region"):
            found[group] = aggregate(session, month, scope, group=group, now=now,
                                     durable_months=months)
        return found

    def bare_page(durable=True):
        totals, _groups = bare.figures(session, month, None, durable=durable)
        found = {"totals": totals, "referrals": bare.referrals(session, month),
                 "trend": bare.trend(session, span, durable=durable)}
        for group in ("dispute_type", "channel", "region"):
            found[group] = bare.grouped(session, month, group, durable=durable)
        return found

    shapes.append({"name": "page", "period": "month",
                   "label": "month page (table, referrals, 4 charts)", "real": page,
                   "bare": bare_page, "real_statements": None, "bare_statements": None,
                   "compare": _page_plain})
    return shapes


def _page_plain(found: dict) -> dict:
    return {key: (asdict(value) if isinstance(value, Figures) else _comparable(value))
            for key, value in found.items()}


# --- timing ------------------------------------------------------------------------------

class Interrupted(Exception):
    pass


class SqlClock:
    """Statements run and seconds spent in cursor.execute, while enabled."""

    def __init__(self, engine):
        self.enabled = False
        self.statements: list[str] = []
        self.seconds = 0.0
        self._started: list[float] = []
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, _conn, _cursor, statement, parameters, _context, _many):
        if self.enabled and not statement.lstrip().upper().startswith(("BEGIN", "SET ")):
            self.statements.append((statement, parameters))
            self._started.append(time.perf_counter())

    def _after(self, _conn, _cursor, statement, *_args):
        if self.enabled and self._started \
                and not statement.lstrip().upper().startswith(("BEGIN", "SET ")):
            self.seconds += time.perf_counter() - self._started.pop()

    @contextmanager
    def measure(self):
        self.statements, self.seconds, self._started = [], 0.0, []
        self.enabled = True
        try:
            yield self
        finally:
            self.enabled = False


def call(function, timeout: float | None):
    """Run function in a fresh transaction; its SQL is aborted once `timeout` seconds have
    passed (SQLite: a progress handler; PostgreSQL: SET LOCAL statement_timeout, per
    statement). Returns (seconds, result); raises Interrupted."""
    session = db.session
    session.rollback()
    connection = session.connection()
    raw = connection.connection.dbapi_connection
    sqlite = connection.dialect.name == "sqlite"
    if timeout:
        if sqlite:
            deadline = time.perf_counter() + timeout
            raw.set_progress_handler(lambda: int(time.perf_counter() > deadline), 100_000)
        else:
            connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(timeout * 1000)}")
    started = time.perf_counter()
    try:
        result = function()
        elapsed = time.perf_counter() - started
    except DBAPIError as problem:
        session.rollback()
        message = str(problem.orig).lower()
        if "interrupt" in message or "cancel" in message:
            raise Interrupted() from None
        raise
    finally:
        if timeout and sqlite:
            raw.set_progress_handler(None, 0)
    return elapsed, result


def measure_pair(shape: dict, real, bare, *, timeout: float, reps: int, budget: float,
                 clock: SqlClock, compare, run_real: bool = True) -> dict:
    """Verify once (instrumented), then time interleaved repetitions."""
    found: dict = {"real_ms": None, "bare_ms": None, "ratio": None, "samples": 0}
    with clock.measure():
        bare_seconds, bare_result = call(bare, None)
    found["bare_statements"] = len(clock.statements)
    found["bare_sql_ms"] = round(clock.seconds * 1000, 2)
    bare_first = bare_seconds
    if not run_real:
        found["real_status"] = "not run"
        found["bare_ms"] = round(bare_first * 1000, 2)
        return found
    try:
        with clock.measure():
            real_seconds, real_result = call(real, timeout)
    except Interrupted:
        found["real_status"] = f"> {timeout:g} s (interrupted)"
        found["bare_ms"] = round(bare_first * 1000, 2)
        found["ratio_at_least"] = round(timeout / bare_first, 1)
        return found
    found["real_statements"] = len(clock.statements)
    found["real_sql_ms"] = round(clock.seconds * 1000, 2)
    if compare(real_result) != compare(bare_result):
        raise SystemExit(f"{shape['label']}: the bare SQL does not give the app's figures — "
                         f"{_first_difference(real_result, bare_result)}")
    found["verified"] = True
    n = min(reps, int(budget / max(real_seconds + bare_seconds, 1e-6)))
    samples = {"real": [], "bare": []}
    if n < 1:          # too slow for repetitions: the verification run is the sample
        samples = {"real": [real_seconds], "bare": [bare_seconds]}
    else:
        gc.collect()
        for rep in range(n):
            order = [("real", real), ("bare", bare)]
            if rep % 2:
                order.reverse()
            for side, function in order:
                try:
                    seconds, _ = call(function, timeout if side == "real" else None)
                except Interrupted:
                    seconds = timeout
                samples[side].append(seconds)
    found["samples"] = len(samples["real"])
    found["real_ms"] = round(stats_module.median(samples["real"]) * 1000, 2)
    found["bare_ms"] = round(stats_module.median(samples["bare"]) * 1000, 2)
    found["ratio"] = round(found["real_ms"] / found["bare_ms"], 2)
    found["real_status"] = "ok"
    return found


# --- plans and profiles ------------------------------------------------------------------

def explain(statement: str, parameters, dialect: str, *, analyze: bool = False) -> list[str]:
    connection = db.session.connection()
    if dialect == "sqlite":
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        by_id, lines = {}, []
        for node, parent, _unused, detail in rows:
            depth = by_id.get(parent, -1) + 1
            by_id[node] = depth
            lines.append("  " * depth + detail)
        return lines
    prefix = "EXPLAIN (ANALYZE, TIMING OFF) " if analyze else "EXPLAIN "
    rows = connection.exec_driver_sql(prefix + statement, parameters).all()
    return [row[0] for row in rows]


def _profile(function, times: int) -> str:
    profiler = cProfile.Profile()
    for _ in range(times):
        db.session.rollback()
        profiler.enable()
        function()
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(25)
    root = str(Path(__file__).resolve().parent.parent) + "/"
    return re.sub(r"\S*/(?:site-packages|lib/python3\.\d+)/", "",
                  out.getvalue().replace(root, ""))


# --- the benchmark -----------------------------------------------------------------------

def _china_today(now: datetime) -> date:
    return now.replace(tzinfo=timezone.utc).astimezone(CHINA).date()


def _last_full_month(now: datetime) -> Period:
    first = _china_today(now).replace(day=1)
    return month_period((first - timedelta(days=1)).strftime("%Y-%m"))


def _wanted(name: str, patterns: list[str]) -> bool:
    return not patterns or any(name == p or name.startswith(p + ":") or name.startswith(p)
                               for p in patterns)


def run(tmp: str) -> dict:
    n_cases = _env_int("BENCH_CASES", 100_000)
    reps = _env_int("BENCH_STATS_REPS", 7)
    budget = float(os.environ.get("BENCH_STATS_BUDGET", "6"))
    timeout = float(os.environ.get("BENCH_STATS_TIMEOUT", "10"))
    patterns = [p.strip() for p in os.environ.get("BENCH_STATS_SHAPES", "").split(",")
                if p.strip()]
    profile = os.environ.get("BENCH_PROFILE", "") == "1"
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'bench.db'}"
    dialect = "postgresql" if url.startswith("postgresql") else url.split(":", 1)[0]
    analyze = os.environ.get("BENCH_ANALYZE", "1" if dialect == "postgresql" else "0") == "1"
    if dialect == "postgresql":
        print(f"resetting schema public of {url.rsplit('/', 1)[-1]} (BENCH_DATABASE_URL)")
        _reset_postgres(url)
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "bench-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "MEDIATION_STORAGE": str(Path(tmp) / "storage"),
    })

    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        print(f"seeding {n_cases:,} cases of history ({dialect}) ...", flush=True)
        seeded = seed_history(n_cases)
        started = time.perf_counter()
        if analyze:
            _analyze(db.engine)
        analyze_seconds = time.perf_counter() - started
        print(f"seeded in {seeded.seconds:.1f} s: {seeded.handlings:,} handlings, "
              f"{seeded.parties:,} parties, referrals {seeded.referrals}"
              + (f" (+ ANALYZE {analyze_seconds:.1f} s)" if analyze else ""), flush=True)
        session = db.session
        region = session.get(Region, seeded.district_id)
        session.expunge(region)          # keeps its loaded attributes across rollbacks
        scope = Scope(region=region)     # what a committee reader of the district sees
        now = utcnow()
        months = app.config["DURABLE_MONTHS"]
        month = _last_full_month(now)
        year_number = _china_today(now).year - 1
        year = Period(date(year_number, 1, 1), date(year_number, 12, 31))
        periods = {"month": month, "year": year}
        bare = Bare(session.get_bind().dialect.name, region, months, now)
        clock = SqlClock(db.engine)
        shapes = [s for s in build_shapes(periods, scope, bare, now=now, months=months)
                  if _wanted(s["name"], patterns)]

        results = {}
        too_slow: set[str] = set()
        started_all = time.perf_counter()
        for shape in shapes:
            compare = shape.get("compare", _comparable)
            run_real = shape["period"] not in too_slow or shape["name"].endswith("referrals")
            print(f"  {shape['label']} ...", end="", flush=True)
            started = time.perf_counter()
            found = measure_pair(shape, shape["real"], shape["bare"], timeout=timeout,
                                 reps=reps, budget=budget, clock=clock, compare=compare,
                                 run_real=run_real)
            if found["real_status"].startswith(">") and not shape["name"].endswith("referrals"):
                too_slow.add(shape["period"])
            if shape.get("no_durable", True):
                def real_plain(function=shape["real"]):
                    with no_recurrence():
                        return function()

                found["without_recurrence"] = measure_pair(
                    shape, real_plain, lambda f=shape["bare"]: f(durable=False),
                    timeout=timeout, reps=reps, budget=budget, clock=clock, compare=compare)
            results[shape["name"]] = {"label": shape["label"], **found}
            print(f" {time.perf_counter() - started:.1f} s", flush=True)
        timed_seconds = time.perf_counter() - started_all

        plans = _plans(results, shapes, dialect, clock)
        profile_text = None
        if profile:
            real = next(s["real"] for s in shapes if s["name"] == "month:totals")

            def plain():
                with no_recurrence():
                    return real()
            profile_text = ("app month totals WITHOUT the recurrence check, 20 calls:\n"
                            + _profile(plain, 20))
        session.rollback()
        db.session.remove()
        db.engine.dispose()

    return {
        "benchmark": "stats",
        "database": dialect,
        "sqlite": __import__("sqlite3").sqlite_version if dialect == "sqlite" else None,
        "python": platform.python_version(),
        "analyzed": analyze,
        "cases": n_cases,
        "handlings": seeded.handlings,
        "parties": seeded.parties,
        "referrals": seeded.referrals,
        "seed_seconds": round(seeded.seconds, 1),
        "scope": f"region {region.code} {region.name} (subtree)",
        "periods": {name: [p.start.isoformat(), p.end.isoformat()]
                    for name, p in periods.items()},
        "durable_months": months,
        "timeout_seconds": timeout,
        "repetitions": reps,
        "budget_seconds": budget,
        "timed_seconds": round(timed_seconds, 1),
        "target_ratio": TARGET,
        "shapes": results,
        "plans": plans,
        "profile": profile_text,
    }


def _plans(results, shapes, dialect, clock) -> dict:
    """Where the time goes: the plans of the app's month totals statement (as it is, and
    without the recurrence check) and of the bare one, and of the referral counts, when
    the month totals are over the target (or interrupted)."""
    found = results.get("month:totals")
    if not found or (found.get("ratio") or 1e9) <= TARGET:
        return {}
    by_name = {shape["name"]: shape for shape in shapes}
    plans = {}

    def first_statement(function, marker: str):
        with clock.measure():
            try:
                call(function, 0.05)      # only to capture the statement: stopped early
            except Interrupted:
                pass
        db.session.rollback()
        return next((s for s in clock.statements if marker in s[0]), None)

    def plain_totals():
        with no_recurrence():
            return by_name["month:totals"]["real"]()

    wanted = [("app month totals", by_name["month:totals"]["real"], "handlings"),
              ("app month totals without the recurrence check", plain_totals, "handlings"),
              ("bare month totals", by_name["month:totals"]["bare"], "handlings")]
    if "month:referrals" in by_name:
        wanted += [("app month referral counts", by_name["month:referrals"]["real"], "sum("),
                   ("bare month referral counts", by_name["month:referrals"]["bare"], "SUM(")]
    for label, function, marker in wanted:
        captured = first_statement(function, marker)
        if captured is not None:
            plans[label] = explain(*captured, dialect)
            db.session.rollback()
    return plans


def report(r: dict) -> str:
    engine = r["database"] + (f" {r['sqlite']}" if r["sqlite"] else "")
    lines = [
        (f"statistics benchmark — {engine}, Python {r['python']}, "
         f"{'ANALYZEd' if r['analyzed'] else 'no ANALYZE'}"),
        (f"  {r['cases']:,} cases, {r['handlings']:,} handlings, {r['parties']:,} parties, "
         f"referrals {', '.join(f'{k} {v:,}' for k, v in sorted(r['referrals'].items()))}; "
         f"seeded in {r['seed_seconds']:.1f} s"),
        (f"  scope {r['scope']}; month {r['periods']['month'][0]}…{r['periods']['month'][1]}, "
         f"year {r['periods']['year'][0]}…{r['periods']['year'][1]}; durable = "
         f"{r['durable_months']} months; app calls interrupted after {r['timeout_seconds']:g} s"),
        (f"  medians (ms) of up to {r['repetitions']} interleaved calls per side "
         f"(n = calls; budget {r['budget_seconds']:g} s a pair); statements app/bare:"),
        (f"  {'shape':<40} {'app':>10} {'bare':>9} {'ratio':>8} {'n':>3} {'stmts':>6}   "
         f"| without recurrence check: {'app':>8} {'bare':>8} {'ratio':>6} {'n':>3}"),
    ]
    worst = 0.0
    for s in r["shapes"].values():
        if s["real_status"] == "ok":
            app, ratio = f"{s['real_ms']:.1f}", f"{s['ratio']:.2f}×"
            worst = max(worst, s["ratio"])
        elif s["real_status"] == "not run":
            app, ratio = "not run", "—"
            worst = float("inf")
        else:
            app, ratio = f">{r['timeout_seconds'] * 1000:.0f}", f">{s['ratio_at_least']:g}×"
            worst = float("inf")
        statements = f"{s.get('real_statements', '?')}/{s.get('bare_statements', '?')}"
        plain = s.get("without_recurrence")
        tail = ""
        if plain:
            tail = (f"| {'':26} {plain['real_ms'] or 0:8.1f} {plain['bare_ms']:8.1f} "
                    f"{(plain['ratio'] or 0):5.2f}× {plain['samples']:3d}")
        lines.append(f"  {s['label']:<40} {app:>10} {s['bare_ms']:9.1f} {ratio:>8} "
                     f"{s['samples']:3d} {statements:>6}   {tail}")
    plain_worst = max((s["without_recurrence"]["ratio"] or 0) for s in r["shapes"].values()
                      if s.get("without_recurrence"))
    lines.append(f"  target ≤ {r['target_ratio']:g}×: "
                 + ("met" if worst <= r["target_ratio"] else
                    f"NOT met (worst {'∞ — interrupted' if worst == float('inf') else f'{worst:.2f}×'})")
                 + f"; without the recurrence check the worst ratio is {plain_worst:.2f}×")
    if any(s["real_status"] == "not run" for s in r["shapes"].values()):
        lines.append("  not run: an earlier app call of the same period (its totals, or the trend "
                     "for the month page) was interrupted, and these run the same statements")
    verified = [name for name, s in r["shapes"].items() if s.get("verified")]
    plain_verified = [name for name, s in r["shapes"].items()
                      if (s.get("without_recurrence") or {}).get("verified")]
    lines.append(f"  identical figures checked: all nine on {len(verified)} shape(s); "
                 f"with durable = success (recurrence off) on {len(plain_verified)} shape(s)")
    split = []
    for name in ("month:totals", "year:totals", "month:referrals"):
        s = r["shapes"].get(name)
        if not s:
            continue
        parts = []
        for label, found in (("as is", s), ("without recurrence",
                                            s.get("without_recurrence"))):
            if found and found.get("real_sql_ms") is not None:
                parts.append(f"{label}: app {found['real_sql_ms']:.0f} ms in SQL execute, bare "
                             f"{found['bare_sql_ms']:.0f} ms")
        if parts:
            split.append(f"{name} " + "; ".join(parts))
    if split:
        lines.append("  SQL execute time in the first (verification) call:")
        lines += [f"    {line}" for line in split]
    for label, plan in r["plans"].items():
        lines.append(f"  plan, {label}:")
        lines += [f"    {line}" for line in plan]
    return "\n".join(lines)


def main() -> int:
    warnings.filterwarnings("ignore", message=".*in-memory storage.*")
    with tempfile.TemporaryDirectory(prefix="mediation-bench-") as tmp:
        results = run(tmp)
    print()
    print(report(results))
    if results["profile"]:
        print("\n  cProfile, " + results["profile"])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n")
    shown = RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS
    print(f"  results written to {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
