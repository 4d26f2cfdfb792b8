"""The statistics as the pages read them (the rollups: stats.rollups) against the bare
GROUP BY statements over the raw tables (bench.stats.Bare), in one run, on a history seeded
once and kept (`python -m bench.seed_keep N`, then `flask --app wsgi stats rebuild`).

Shapes, each timed interleaved with its baseline (medians of the checking run and
BENCH_ROLLUP_REPS more, default 5):
- month page: everything the statistics page shows for the last full month (totals, the
  channel / dispute type / region figures of its three bar charts, the 12-month trend,
  referrals) — the bare side runs the same figures as hand-written GROUP BYs;
- year by channel: the last calendar year grouped by channel (groups and totals);
- trend: the twelve months to the last full month;
- monthly report: the figures a monthly report freezes (monthly.figures.freeze), against
  the same figures computed as before (the reference queries over the raw tables, one per
  figure set: statistics, the trend, four groupings, the overdue list), timed once each,
  with the peak of Python memory (tracemalloc) on each side.
The first run of each pair checks that both sides give the same figures.
Environment: BENCH_DATABASE_URL (required, PostgreSQL), BENCH_ROLLUP_REPS,
BENCH_ROLLUP_OLD=0 to skip the monthly report's old path (slow at 1M).
Results: printed, and bench/results/rollups.json."""

from __future__ import annotations

import json
import os
import statistics as stats_module
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime
from pathlib import Path

from mediation_app import create_app
from mediation_app.db import db, utcnow
from mediation_app.directory.models import Region
from mediation_app.monthly.figures import Settings, freeze
from mediation_app.stats import queries, rollups
from mediation_app.stats.definitions import Period, shift_month
from mediation_app.stats.maintenance import sync
from mediation_app.stats.queries import Scope

from .seed_keep import history_file
from .stats import Bare, SqlClock, _china_today, _last_full_month, call

RESULTS = Path(__file__).resolve().parent / "results" / "rollups.json"


def _plain(found) -> object:
    """Figures and reports as comparable plain data (contract fields and durable)."""
    if hasattr(found, "contract"):
        return {**found.contract(), "durable_success": found.durable_success}
    if isinstance(found, dict):
        return {str(key): _plain(value) for key, value in found.items()
                if key is not None and key != ""}
    if isinstance(found, (list, tuple)):
        return [_plain(item) for item in found]
    return found


def shapes(session, scope: Scope, bare: Bare, now: datetime, months: int) -> list[dict]:
    month = _last_full_month(now)
    year_number = _china_today(now).year - 1
    year = Period(date(year_number, 1, 1), date(year_number, 12, 31))
    last = month.end.strftime("%Y-%m")
    span = Period(datetime.strptime(shift_month(last, -11), "%Y-%m").date(), month.end)
    options = {"now": now, "durable_months": months}

    def page():
        found = rollups.page_figures(session, month, scope, **options)
        return {"totals": found.report.totals, **found.by, "trend": found.trend,
                "referrals": queries.referral_statistics(session, month, scope, now=now)}

    def bare_page():
        totals, _groups = bare.figures(session, month, None)
        found = {"totals": totals, "trend": bare.trend(session, span),
                 "referrals": bare.referrals(session, month)}
        for group in ("channel", "dispute_type", "region"):
            found[group] = bare.grouped(session, month, group)
        return found

    def year_by_channel():
        report = rollups.statistics(session, year, scope, group="channel", **options)
        return {"totals": report.totals, "groups": report.groups}

    def bare_year_by_channel():
        totals, groups = bare.figures(session, year, "channel")
        return {"totals": totals, "groups": groups}

    def trend():
        return rollups.aggregate(session, span, scope, group="month", **options)

    def bare_trend():
        return bare.trend(session, span)

    return [
        {"name": "month page", "real": page, "bare": bare_page},
        {"name": "year by channel", "real": year_by_channel, "bare": bare_year_by_channel},
        {"name": "trend (12 months)", "real": trend, "bare": bare_trend},
    ]


def old_freeze(session, region: Region, month: str, *, now: datetime, months: int) -> dict:
    """The monthly report's figures as they were computed before the rollups: the reference
    queries, once per figure set (statistics, trend, each grouping, the overdue list)."""
    from mediation_app.monthly.figures import GROUPS, TREND_MONTHS
    from mediation_app.stats.definitions import month_period

    period, scope = month_period(month), Scope(region=region)
    found = {"totals": queries.statistics(session, period, scope, now=now,
                                          durable_months=months).totals}
    found["trend"] = queries.aggregate(
        session, Period(month_period(shift_month(month, -TREND_MONTHS)).start, period.end),
        scope, group="month", now=now, durable_months=months)
    for group in GROUPS:
        found[group] = queries.aggregate(session, period, scope, group=group, now=now,
                                         durable_months=months)
    found["referrals"] = queries.referral_statistics(session, period, scope, now=now)
    return found


def _timed_once(function):
    tracemalloc.start()
    started = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak, result


def _sync_queued(session) -> dict:
    """Roll up what other benchmarks filed since the last sync (the scheduler's job in
    production), committed: each measured call rolls back, and would otherwise roll the
    same queue up again every time."""
    started = time.perf_counter()
    cases = sync(session)
    session.commit()
    found = {"cases": cases, "seconds": round(time.perf_counter() - started, 2)}
    if cases:
        print(f"  first rolled up the {cases:,} cases queued since the last sync "
              f"({found['seconds']:.1f} s)")
    return found


def run() -> dict:
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        raise SystemExit("BENCH_DATABASE_URL must name the PostgreSQL database seeded by "
                         "bench.seed_keep")
    reps = int(os.environ.get("BENCH_ROLLUP_REPS", "5"))
    seeded = json.loads(history_file(url).read_text())
    app = create_app({"TESTING": True, "SECRET_KEY": "bench-secret",
                      "SQLALCHEMY_DATABASE_URI": url,
                      "MEDIATION_STORAGE": tempfile.mkdtemp(prefix="bench-storage-")})
    results = {"cases": seeded["cases"], "handlings": seeded["handlings"],
               "seed_seconds": seeded["seconds"], "shapes": {}}
    with app.app_context():
        session = db.session
        region = session.get(Region, seeded["district_id"])
        session.expunge(region)
        scope = Scope(region=region)
        now = utcnow()
        months = app.config["DURABLE_MONTHS"]
        bare = Bare("postgresql", region, months, now)
        clock = SqlClock(db.engine)
        print(f"{seeded['cases']:,} cases, {seeded['handlings']:,} handlings "
              f"(seeded in {seeded['seconds']:.0f} s); {reps} interleaved repetitions")
        results["synced_first"] = _sync_queued(session)
        for shape in shapes(session, scope, bare, now, months):
            with clock.measure():
                real_first, real_result = call(shape["real"], None)
            statements = len(clock.statements)
            bare_first, bare_result = call(shape["bare"], None)
            same = _plain(real_result) == _plain(bare_result)
            samples = {"real": [real_first], "bare": [bare_first]}
            for rep in range(reps):
                order = [("real", shape["real"]), ("bare", shape["bare"])]
                for side, function in (order if rep % 2 == 0 else order[::-1]):
                    samples[side].append(call(function, None)[0])
            real_ms = stats_module.median(samples["real"]) * 1000
            bare_ms = stats_module.median(samples["bare"]) * 1000
            found = {"rollups_ms": round(real_ms, 2), "bare_ms": round(bare_ms, 2),
                     "ratio": round(real_ms / bare_ms, 4), "statements": statements,
                     "same_figures": same}
            results["shapes"][shape["name"]] = found
            print(f"  {shape['name']:<20} rollups {real_ms:9.1f} ms  bare GROUP BY "
                  f"{bare_ms:9.1f} ms  ratio {real_ms / bare_ms:.3f}  ({statements} statements"
                  f", same figures: {same})", flush=True)
        month = _last_full_month(now).start.strftime("%Y-%m")
        session.rollback()
        seconds, peak, _ = _timed_once(lambda: freeze(session, region, month, now=now,
                                                      settings=Settings()))
        report = {"rollups_s": round(seconds, 3), "rollups_peak_mb": round(peak / 2**20, 1)}
        if os.environ.get("BENCH_ROLLUP_OLD", "1") == "1":
            session.rollback()
            old_seconds, old_peak, _ = _timed_once(
                lambda: old_freeze(session, region, month, now=now, months=months))
            report.update(before_s=round(old_seconds, 3),
                          before_peak_mb=round(old_peak / 2**20, 1),
                          ratio=round(seconds / old_seconds, 4))
        results["monthly_report"] = report
        print(f"  monthly report figures {month}: {report}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    return results


def main() -> int:
    run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
