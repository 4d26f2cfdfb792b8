"""The monthly report end to end against bare SQL plus a bare WeasyPrint render of its HTML.

Seeds BENCH_MONTHLY_CASES cases (default 20,000) of a two-year history (bench.seed.
seed_history: a district with a committee reader at its justice bureau, so the scheduler
would report on it) into a fresh database, and for the district and the last full month
times, interleaved (the order rotates each repetition), in one process:

  (a) real:  mediation_app.monthly.services.generate_monthly_report — freeze (statistics,
             the 13-month trend, the four groupings, referrals, the overdue, escalation and
             group-dispute lists), the four SVG charts, Jinja + WeasyPrint (render_pdf),
             Storage.put and the MonthlyReport row (flushed) — inside a SAVEPOINT rolled
             back afterwards, its stored file deleted (untimed), so every run is version 1;
  (b) bare:  the same numbers with hand-written SQL (bench.stats.Bare: the 13 months in one
             statement, one statement per grouping — the totals are the report month's row —
             the referral counts, durations and return reasons, and the three lists), then
             weasyprint.HTML(string=html, base_url=reports/).write_pdf() of the HTML the app
             rendered for (a) (captured once), with a shared FontConfiguration;
  (c) real with the stats recurrence check switched off in this process
      (bench.stats.no_recurrence): what (a) costs without computing durable success.

Before timing, the bare numbers are checked against the figures (a) froze (the run stops if
they differ), and the PDFs' page counts are compared. Inside (a) the time spent in freeze,
report_charts, render_pdf and Storage.put is measured too. Environment:
BENCH_MONTHLY_CASES, BENCH_MONTHLY_REPS (default 5), BENCH_DATABASE_URL (as the other
benchmarks), BENCH_PROFILE=1 (cProfile one (a)). Results: bench/results/monthly_report.json.
"""

from __future__ import annotations

import cProfile
import gc
import io
import json
import logging
import os
import platform
import pstats
import statistics as stats_module
import sys
import tempfile
import time
import warnings
from pathlib import Path

import weasyprint
from sqlalchemy import DateTime, func, select
from weasyprint.text.fonts import FontConfiguration

from mediation_app import create_app
from mediation_app.db import db, utcnow
from mediation_app.directory.models import Region
from mediation_app.documents.rendering import REPORTS, html_to_pdf, render_html
from mediation_app.monthly import figures as monthly_figures
from mediation_app.monthly import printing, services
from mediation_app.monthly.figures import (
    CHANNELS,
    GROUPS,
    LIST_LIMIT,
    TREND_MONTHS,
    Settings,
    figures_dict,
)
from mediation_app.monthly.jobs import last_complete_month
from mediation_app.monthly.models import MonthlyReport
from mediation_app.monthly.services import generate_monthly_report, regions_with_readers
from mediation_app.stats.definitions import Figures, Period, month_period, shift_month
from mediation_app.storage import Storage

from .agreement_pdf import _Problems, pages
from .case_list import _analyze, _env_int, _reset_postgres
from .seed import seed_history
from .stats import Bare, _text, no_recurrence

RESULTS = Path(__file__).resolve().parent / "results" / "monthly_report.json"
SCENARIOS = ("real", "bare", "real_no_recurrence")
LABELS = {"real": "(a) generate_monthly_report end to end",
          "bare": "(b) bare SQL + bare WeasyPrint",
          "real_no_recurrence": "(c) (a) with the recurrence check off"}
WARMUP = 1

LIST_SQL = {
    "overdue_cases": ("""SELECT c.case_no, i.name, h.deadline_at
FROM handlings h
JOIN cases c ON c.id = h.case_id
JOIN regions p ON p.id = c.region_id
JOIN institutions i ON i.id = h.institution_id
WHERE h.is_mediation AND p.path LIKE :root_like
  AND h.started_at < :judged AND h.deadline_at < :judged
  AND (h.concluded_at IS NULL OR h.concluded_at >= :judged)
ORDER BY h.deadline_at, c.case_no
LIMIT :limit""", {"deadline_at": DateTime()}),
    "escalations": ("""SELECT c.case_no, hi.name AS institution, ri.name AS to_institution,
       e.deadline_at, e.escalated_at
FROM escalations e
JOIN cases c ON c.id = e.case_id
JOIN regions p ON p.id = c.region_id
JOIN handlings h ON h.id = e.handling_id
JOIN institutions hi ON hi.id = h.institution_id
LEFT JOIN institutions ri ON ri.id = e.to_institution_id
WHERE p.path LIKE :root_like AND e.escalated_at >= :start AND e.escalated_at < :end
ORDER BY e.escalated_at, c.case_no
LIMIT :limit""", {"deadline_at": DateTime(), "escalated_at": DateTime()}),
    "major_risk": ("""SELECT c.case_no, c.party_count, c.dispute_type, c.summary, i.name,
       c.filed_at, c.closed_at
FROM cases c
JOIN regions p ON p.id = c.region_id
JOIN institutions i ON i.id = c.holder_institution_id
WHERE p.path LIKE :root_like AND c.party_count >= :group_parties
  AND c.filed_at < :end AND (c.closed_at IS NULL OR c.closed_at >= :start)
ORDER BY c.party_count DESC, c.case_no
LIMIT :limit""", {"filed_at": DateTime(), "closed_at": DateTime()}),
}


class BareMonthly:
    """Every number of the report with hand-written SQL: one trend statement (whose last
    month is the report month), one per grouping, the referrals, the three lists."""

    def __init__(self, bare: Bare, settings: Settings):
        self.bare = bare
        self.settings = settings
        self.lists = {name: _text(sql, **types) for name, (sql, types) in LIST_SQL.items()}

    def numbers(self, session, month: str) -> dict:
        period = month_period(month)
        span = Period(month_period(shift_month(month, -TREND_MONTHS)).start, period.end)
        trend = self.bare.trend(session, span)
        groups = {group: self.bare.grouped(session, period, group) for group in GROUPS}
        params = {**self.bare._params(period), "limit": LIST_LIMIT + 1,
                  "group_parties": self.settings.group_parties}
        lists = {name: session.execute(statement, params).all()
                 for name, statement in self.lists.items()}
        return {"trend": trend, "totals": trend[month], "groups": groups,
                "referrals": self.bare.referrals(session, period), "lists": lists}


def _minutes(value) -> str | None:
    return value.isoformat(timespec="minutes") if value is not None else None


def compare(frozen: dict, numbers: dict, month: str, settings: Settings) -> list[str]:
    """Where the bare numbers differ from what the report froze (empty: identical)."""
    problems = []

    def same(name, app_value, bare_value):
        if app_value != bare_value:
            problems.append(f"{name}: app {json.dumps(app_value, default=str)[:300]} vs "
                            f"bare {json.dumps(bare_value, default=str)[:300]}")

    plain = lambda figures: json.loads(json.dumps(figures_dict(figures)))  # noqa: E731
    same("totals", frozen["totals"], plain(numbers["totals"]))
    same("previous", frozen["previous"], plain(numbers["trend"][shift_month(month, -1)]))
    same("last_year", frozen["last_year"], plain(numbers["trend"][shift_month(month, -12)]))
    labels = [shift_month(month, offset) for offset in range(1 - TREND_MONTHS, 1)]
    trend = numbers["trend"]
    same("trend", frozen["trend"], json.loads(json.dumps({
        "months": labels, "received": [trend[m].received for m in labels],
        "concluded": [trend[m].concluded for m in labels],
        "success_rate": [monthly_figures._plain(trend[m].success_rate) for m in labels]})))
    for group in GROUPS:
        app_rows = {row["key"]: {k: v for k, v in row.items() if k not in ("key", "name")}
                    for row in frozen["groups"][group]}
        grouped = numbers["groups"][group]
        keys = sorted(str(key) for key in grouped if key is not None)
        if group == "channel":
            keys = list(CHANNELS) + [key for key in keys if key not in CHANNELS]
        same(f"groups.{group}", app_rows,
             {key: plain(grouped.get(key, Figures())) for key in keys})
    same("referrals", frozen["referrals"]["pairs"], [
        {"kind": r.kind, "from_kind": r.from_kind, "to_kind": r.to_kind,
         **{name: getattr(r, name) for name in monthly_figures.REFERRAL_COUNTS},
         "median_hours_to_accept": r.median_hours_to_accept} for r in numbers["referrals"]])
    lists = numbers["lists"]
    same("overdue_cases", frozen["overdue_cases"]["items"],
         [{"case_no": no, "institution": name, "deadline_at": _minutes(deadline)}
          for no, name, deadline in lists["overdue_cases"][:LIST_LIMIT]])
    if frozen.get("escalations") is not None:
        same("escalations", frozen["escalations"]["items"],
             [{"case_no": no, "institution": name, "to_institution": to or "",
               "deadline_at": _minutes(deadline), "escalated_at": _minutes(escalated)}
              for no, name, to, deadline, escalated in lists["escalations"][:LIST_LIMIT]])
    end = month_period(month).ends_at
    same("major_risk", frozen["major_risk"]["items"],
         [{"case_no": no, "parties": parties, "dispute_type": kind, "summary": summary,
           "institution": name, "filed_at": _minutes(filed),
           "closed_in_month": bool(closed and closed < end),
           "major": parties >= settings.major_group_parties}
          for no, parties, kind, summary, name, filed, closed in lists["major_risk"][:LIST_LIMIT]])
    for name in ("overdue_cases", "escalations", "major_risk"):
        if frozen.get(name) is not None:
            same(f"{name}.truncated", frozen[name]["truncated"], len(lists[name]) > LIST_LIMIT)
    return problems


def run(tmp: str) -> dict:
    n_cases = _env_int("BENCH_MONTHLY_CASES", 20_000)
    reps = _env_int("BENCH_MONTHLY_REPS", 5)
    profile = os.environ.get("BENCH_PROFILE", "") == "1"
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'bench.db'}"
    dialect = "postgresql" if url.startswith("postgresql") else url.split(":", 1)[0]
    analyze = os.environ.get("BENCH_ANALYZE", "1" if dialect == "postgresql" else "0") == "1"
    if dialect == "postgresql":
        print(f"resetting schema public of {url.rsplit('/', 1)[-1]} (BENCH_DATABASE_URL)")
        _reset_postgres(url)
    storage_root = Path(tmp) / "storage"
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "bench-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "MEDIATION_STORAGE": str(storage_root),
    })
    storage = Storage(storage_root)
    problems_log = _Problems()
    logging.getLogger("weasyprint").addHandler(problems_log)

    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        print(f"seeding {n_cases:,} cases of history ({dialect}) ...", flush=True)
        seeded = seed_history(n_cases)
        if analyze:
            _analyze(db.engine)
        print(f"seeded in {seeded.seconds:.1f} s", flush=True)
        session = db.session
        region = session.get(Region, seeded.district_id)
        region_label = f"{region.code} {region.name}"
        reporting = [r.code for r in regions_with_readers(session)]
        if region.code not in reporting:
            raise SystemExit(f"the district is not among the regions with readers {reporting}")
        now = utcnow()
        month = last_complete_month(now)
        settings = Settings.from_config(app.config)
        bare_numbers = BareMonthly(Bare(session.get_bind().dialect.name, region,
                                        settings.durable_months, now), settings)
        base_url = REPORTS.as_uri() + "/"
        shared_fonts = FontConfiguration()
        made: dict = {}
        inside: dict[str, float] = {}

        def timed(module, name):
            original = getattr(module, name)

            def wrapper(*args, **kwargs):
                started = time.perf_counter()
                try:
                    return original(*args, **kwargs)
                finally:
                    inside[name] = inside.get(name, 0.0) + time.perf_counter() - started
            return original, wrapper

        def real() -> float:
            inside.clear()
            savepoint = session.begin_nested()
            try:
                started = time.perf_counter()
                report = generate_monthly_report(session, region=region, month=month,
                                                 issuer_storage=storage, now=now,
                                                 settings=settings)
                elapsed = time.perf_counter() - started
                made.update(key=report.storage_key, figures=report.figures,
                            version=report.version, size=report.size)
                made["pdf"] = storage.read(report.storage_key)
            finally:
                savepoint.rollback()
                if "key" in made:
                    storage.delete(made.pop("key"))
            return elapsed

        def real_no_recurrence() -> float:
            with no_recurrence():
                return real()

        html_holder: dict = {}

        def bare() -> float:
            started = time.perf_counter()
            numbers = bare_numbers.numbers(session, month)
            queried = time.perf_counter()
            pdf = weasyprint.HTML(string=html_holder["html"], base_url=base_url).write_pdf(
                font_config=shared_fonts)
            elapsed = time.perf_counter() - started
            made.update(bare_numbers=numbers, bare_pdf=pdf, bare_sql=queried - started)
            return elapsed

        # Capture the HTML the service renders (same context), once, untimed.
        original_render = printing.render_pdf

        def capturing(template, **context):
            html_holder["html"] = render_html(template, **context)
            html_holder["template"] = template
            return html_to_pdf(html_holder["html"])

        printing.render_pdf = capturing
        try:
            started = time.perf_counter()
            real()
            first_real = time.perf_counter() - started
        finally:
            printing.render_pdf = original_render
        app_pdf, frozen = made["pdf"], made["figures"]
        started = time.perf_counter()
        bare()
        first_bare = time.perf_counter() - started
        differences = compare(frozen, made["bare_numbers"], month, settings)
        if differences:
            raise SystemExit("the bare SQL does not give the report's figures:\n  "
                             + "\n  ".join(differences[:10]))
        page_counts = {"real": pages(app_pdf), "bare": pages(made["bare_pdf"])}
        if page_counts["real"] != page_counts["bare"]:
            raise SystemExit(f"page counts differ: {page_counts}")
        if problems_log.messages:
            raise SystemExit(f"WeasyPrint could not load everything: {problems_log.messages[:3]}")
        sql_statements = _count_statements(real, bare)

        calls = {"real": real, "bare": bare, "real_no_recurrence": real_no_recurrence}
        for _ in range(WARMUP):
            for name in SCENARIOS:
                calls[name]()
        samples = {name: [] for name in SCENARIOS}
        split = {name: [] for name in ("freeze", "report_charts", "render_pdf", "put", "rest")}
        bare_split = {"sql": [], "weasyprint": []}
        originals = {}
        for module, name in ((services, "freeze"), (printing, "report_charts"),
                             (printing, "render_pdf")):
            originals[(module, name)], wrapper = timed(module, name)
            setattr(module, name, wrapper)
        put_original = Storage.put

        def put(self, folder, content):
            started = time.perf_counter()
            try:
                return put_original(self, folder, content)
            finally:
                inside["put"] = inside.get("put", 0.0) + time.perf_counter() - started

        Storage.put = put
        gc.collect()
        started_all = time.perf_counter()
        try:
            for rep in range(reps):
                order = SCENARIOS[rep % 3:] + SCENARIOS[:rep % 3]
                for name in order:
                    samples[name].append(calls[name]())
                    if name == "real":
                        for part in ("freeze", "report_charts", "render_pdf", "put"):
                            split[part].append(inside.get(part, 0.0))
                        split["rest"].append(samples[name][-1] - sum(
                            inside.get(p, 0.0) for p in ("freeze", "render_pdf", "put")))
                    if name == "bare":
                        bare_split["sql"].append(made["bare_sql"])
                        bare_split["weasyprint"].append(samples[name][-1] - made["bare_sql"])
        finally:
            for (module, name), original in originals.items():
                setattr(module, name, original)
            Storage.put = put_original
        timed_seconds = time.perf_counter() - started_all

        profile_text = None
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            real()
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative") \
                .print_stats(30)
            profile_text = out.getvalue()
        reports_left = session.scalar(select(func.count()).select_from(MonthlyReport))
        stored_left = sum(1 for p in storage_root.rglob("*") if p.is_file()) \
            if storage_root.exists() else 0
        session.rollback()
        db.session.remove()
        db.engine.dispose()
    logging.getLogger("weasyprint").removeHandler(problems_log)

    medians = {name: stats_module.median(values) for name, values in samples.items()}
    return {
        "benchmark": "monthly_report",
        "database": dialect,
        "sqlite": __import__("sqlite3").sqlite_version if dialect == "sqlite" else None,
        "python": platform.python_version(),
        "weasyprint": weasyprint.__version__,
        "cases": n_cases,
        "handlings": seeded.handlings,
        "escalations": seeded.escalations,
        "seed_seconds": round(seeded.seconds, 1),
        "region": region_label,
        "month": month,
        "html_chars": len(html_holder["html"]),
        "pages": page_counts["real"],
        "pdf_bytes": {"real": len(app_pdf), "bare": len(made["bare_pdf"])},
        "list_lengths": {name: len(frozen[name]["items"]) for name in
                         ("overdue_cases", "escalations", "major_risk") if frozen.get(name)},
        "first_ms": {"real": round(first_real * 1000, 1), "bare": round(first_bare * 1000, 1)},
        "repetitions": reps,
        "timed_seconds": round(timed_seconds, 1),
        "median_ms": {name: round(value * 1000, 1) for name, value in medians.items()},
        "min_ms": {name: round(min(values) * 1000, 1) for name, values in samples.items()},
        "ratio": round(medians["real"] / medians["bare"], 2),
        "ratio_no_recurrence": round(medians["real_no_recurrence"] / medians["bare"], 2),
        "real_split_median_ms": {k: round(stats_module.median(v) * 1000, 1)
                                 for k, v in split.items()},
        "bare_split_median_ms": {k: round(stats_module.median(v) * 1000, 1)
                                 for k, v in bare_split.items()},
        "sql_statements": sql_statements,
        "pages_per_second": {name: round(page_counts["real"] / value, 2)
                             for name, value in medians.items()},
        "left_behind": {"monthly_reports": reports_left, "stored_files": stored_left},
        "profile": profile_text,
    }


def _count_statements(real, bare) -> dict:
    counted = {}
    for name, function in (("real", real), ("bare", bare)):
        statements = []

        def seen(_conn, _cursor, statement, *_args, statements=statements):
            if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE",
                                                          "ROLLBACK")):
                statements.append(statement)

        from sqlalchemy import event
        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            function()
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
        counted[name] = len(statements)
    return counted


def report(r: dict) -> str:
    ms = r["median_ms"]
    split, bare_split = r["real_split_median_ms"], r["bare_split_median_ms"]
    lines = [
        (f"monthly report benchmark — {r['database']}"
         + (f" {r['sqlite']}" if r["sqlite"] else "")
         + f", WeasyPrint {r['weasyprint']}, Python {r['python']}"),
        (f"  {r['cases']:,} cases ({r['handlings']:,} handlings, {r['escalations']:,} "
         f"escalations) seeded in {r['seed_seconds']:.1f} s; region {r['region']}, month "
         f"{r['month']}"),
        (f"  report: {r['pages']} page(s), {r['html_chars']:,} characters of HTML, PDF "
         f"{r['pdf_bytes']['real']:,} bytes (bare {r['pdf_bytes']['bare']:,}); lists "
         + ", ".join(f"{k} {v}" for k, v in r["list_lengths"].items())),
        (f"  first calls: real {r['first_ms']['real']:.0f} ms, bare {r['first_ms']['bare']:.0f} "
         f"ms; then medians of {r['repetitions']} interleaved repetitions "
         f"({r['timed_seconds']:.0f} s):"),
    ]
    for name in SCENARIOS:
        lines.append(f"  {LABELS[name]:<44} {ms[name]:9.1f} ms  (min {r['min_ms'][name]:.1f}; "
                     f"{r['pages_per_second'][name]:.2f} pages/s)")
    lines += [
        (f"  (a)/(b) = {r['ratio']:.2f}×; (c)/(b) = {r['ratio_no_recurrence']:.2f}×; SQL "
         f"statements: real {r['sql_statements']['real']}, bare {r['sql_statements']['bare']}"),
        (f"  inside (a): freeze (queries) {split['freeze']:.1f} ms, charts "
         f"{split['report_charts']:.1f} ms, render_pdf (Jinja + WeasyPrint) "
         f"{split['render_pdf']:.1f} ms, store {split['put']:.1f} ms, rest {split['rest']:.1f} "
         "ms (charts are part of rest: they run before render_pdf)"),
        (f"  inside (b): SQL {bare_split['sql']:.1f} ms, WeasyPrint "
         f"{bare_split['weasyprint']:.1f} ms"),
        (f"  left behind: {r['left_behind']['monthly_reports']} reports, "
         f"{r['left_behind']['stored_files']} files"),
    ]
    return "\n".join(lines)


def main() -> int:
    warnings.filterwarnings("ignore", message=".*in-memory storage.*")
    with tempfile.TemporaryDirectory(prefix="mediation-bench-") as tmp:
        results = run(tmp)
    print()
    print(report(results))
    if results["profile"]:
        print("\n  cProfile of one (a):")
        print(results["profile"])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    shown = RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS
    print(f"  results written to {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
