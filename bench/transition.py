"""Firing a workflow transition through the view against a bare UPDATE of the same row.

Creates a committee mediator and 2 × (BENCH_TRANSITIONS + warm-up) cases at 'registered'
through the services (tests/factories.py, so every case has parties and a filed event), in a
fresh database, signs in as the mediator and times, interleaved in the same run, each case
used exactly once:

- real: POST /cases/<id>/transitions/accept — login, visibility check, the TransitionForm,
  the workflow engine and its guard facts, the conditional UPDATE of the handling, the case
  mirror, the audit event with its hash chain, COMMIT, flash and the redirect;
- baseline: POST /bench-transition-baseline/<id> on the same app (no login, no form): two
  driver-level UPDATEs (handlings WHERE id AND state='registered', then cases) and COMMIT
  through db.session, answered with a redirect.

Both write for real, on different cases. The ratio real/baseline is the figure of merit
(no target yet). Results are printed and written to bench/results/transition.json.
Environment: BENCH_TRANSITIONS (timed requests per side, default 300), BENCH_DATABASE_URL
(default: a fresh SQLite file; a PostgreSQL URL must name a scratch database, its public
schema is recreated), BENCH_PROFILE=1 (cProfile an extra batch of real requests).
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
import statistics
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path

from flask import redirect
from sqlalchemy import func, select, text

from mediation_app import create_app
from mediation_app.audit.models import CaseEvent
from mediation_app.casefile.models import Case, Handling
from mediation_app.db import db

from .case_list import StatementCounter, _env_int, _ms, _reset_postgres

RESULTS = Path(__file__).resolve().parent / "results" / "transition.json"
TRANSITION = "accept"
FROM_STATE, TO_STATE = "registered", "accepted"
WARMUP = 10


def baseline_view(case_id: int):
    """The bare endpoint: the same row moved by two UPDATEs and a COMMIT. No login, no form,
    no ORM objects, no engine, no audit event."""
    moved = db.session.execute(
        text("UPDATE handlings SET state = :to WHERE id = :id AND state = :from_"),
        {"id": case_id, "to": TO_STATE, "from_": FROM_STATE}).rowcount
    db.session.execute(text("UPDATE cases SET state = :to WHERE id = :id"),
                       {"id": case_id, "to": TO_STATE})
    db.session.commit()
    if moved != 1:
        return "not moved", 409
    return redirect(f"/cases/{case_id}")


def _post(client, url: str) -> float:
    started = time.perf_counter()
    response = client.post(url, data={"note": ""})
    elapsed = time.perf_counter() - started
    if response.status_code != 302:
        raise SystemExit(f"POST {url} answered {response.status_code}")
    return elapsed


def _drop_flashes(client) -> None:
    """The redirect is not followed, so each real request's flash would pile up in the
    session cookie (and every later request would carry it): drop it, untimed."""
    with client.session_transaction() as session:
        session.pop("_flashes", None)


def _kinds(statements: list[str]) -> dict:
    return dict(Counter(statement.split(None, 1)[0].upper() for statement in statements))


def _seed(n_cases: int):
    """A committee, its mediator and n_cases filed cases at the initial state, via services."""
    from tests import factories

    make = factories.Factories(db.session)
    mediator = make.user(role="mediator", username="bench_transition_mediator")
    case_ids = []
    for index in range(n_cases):
        case_ids.append(make.case(by=mediator).id)
        if index % 100 == 99:
            db.session.commit()
    db.session.commit()
    return mediator.username, factories.PASSWORD, case_ids


def _profile(app_client, ids: list[int]) -> str:
    profiler = cProfile.Profile()
    for case_id in ids:
        profiler.enable()
        _post(app_client, f"/cases/{case_id}/transitions/{TRANSITION}")
        profiler.disable()
        _drop_flashes(app_client)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    out.write("  the app's own functions, cumulative:\n")
    stats.print_stats(r"mediation_app/", 25)
    out.write("  everything, by own time:\n")
    stats.sort_stats("tottime").print_stats(20)
    root = str(Path(__file__).resolve().parent.parent) + "/"
    return re.sub(r"\S*/(?:site-packages|lib/python3\.\d+)/", "",
                  out.getvalue().replace(root, ""))


def run(tmp: str) -> dict:
    n = _env_int("BENCH_TRANSITIONS", 300)
    profile = os.environ.get("BENCH_PROFILE", "") == "1"
    n_profile = 50 if profile else 0
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'bench.db'}"
    dialect = "postgresql" if url.startswith("postgresql") else url.split(":", 1)[0]
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
    app.add_url_rule("/bench-transition-baseline/<int:case_id>", "bench_transition_baseline",
                     baseline_view, methods=["POST"])

    from flask_migrate import upgrade

    # per side: warm-up, one counted request, the timed ones (+ a profiled batch, real only)
    per_side = WARMUP + 1 + n
    total = 2 * per_side + n_profile
    with app.app_context():
        upgrade()
        print(f"filing {total:,} cases through the services ({dialect}) ...", flush=True)
        started = time.perf_counter()
        username, password, ids = _seed(total)
        seed_seconds = time.perf_counter() - started
        states = set(db.session.scalars(select(Handling.state).where(Handling.case_id.in_(ids))))
        if states != {FROM_STATE}:
            raise SystemExit(f"seeded handlings are at {states}, not {FROM_STATE!r}")
        events_before = db.session.scalar(select(func.count()).select_from(CaseEvent))
        db.session.remove()
        counter = StatementCounter(db.engine)
    print(f"filed in {seed_seconds:.1f} s", flush=True)

    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": password})
    if response.status_code != 302:
        raise SystemExit(f"sign-in failed: {response.status_code}")

    # Interleave ids so both sides touch rows spread the same way over the tables.
    real_ids, base_ids = ids[0:2 * per_side:2], ids[1:2 * per_side:2]
    profile_ids = ids[2 * per_side:]

    def real(case_id: int) -> float:
        elapsed = _post(client, f"/cases/{case_id}/transitions/{TRANSITION}")
        _drop_flashes(client)
        return elapsed

    def base(case_id: int) -> float:
        return _post(client, f"/bench-transition-baseline/{case_id}")

    for index in range(WARMUP):
        real(real_ids[index])
        base(base_ids[index])

    statements = {}
    for name, side, case_id in (("real", real, real_ids[WARMUP]),
                                ("baseline", base, base_ids[WARMUP])):
        with counter.capture():
            side(case_id)
        statements[name] = list(counter.statements)

    samples = {"real": [], "baseline": []}
    gc.collect()
    timed_real, timed_base = real_ids[WARMUP + 1:], base_ids[WARMUP + 1:]
    for index in range(n):
        pair = [("real", real, timed_real[index]), ("baseline", base, timed_base[index])]
        if index % 2:
            pair.reverse()
        for side, call, case_id in pair:
            samples[side].append(call(case_id))

    profile_text = _profile(client, profile_ids) if profile else None

    # Both sides must have moved every one of their cases; the real side audits each move.
    with app.app_context():
        moved = {}
        for side, side_ids in (("real", real_ids + profile_ids), ("baseline", base_ids)):
            moved[side] = {
                "handlings": db.session.scalar(select(func.count()).select_from(Handling).where(
                    Handling.case_id.in_(side_ids), Handling.state == TO_STATE)),
                "cases": db.session.scalar(select(func.count()).select_from(Case).where(
                    Case.id.in_(side_ids), Case.state == TO_STATE)),
                "expected": len(side_ids),
            }
        transition_events = db.session.scalar(select(func.count()).select_from(CaseEvent).where(
            CaseEvent.case_id.in_(real_ids + profile_ids),
            CaseEvent.action == "handling.transition"))
        events_after = db.session.scalar(select(func.count()).select_from(CaseEvent))
        db.session.remove()
        db.engine.dispose()
    for side, found in moved.items():
        if found["handlings"] != found["expected"] or found["cases"] != found["expected"]:
            raise SystemExit(f"{side}: moved {found}, not every case")
    if transition_events != len(real_ids) + len(profile_ids):
        raise SystemExit(f"{transition_events} transition events for {len(real_ids)} moves")

    real_ms = _ms(statistics.median(samples["real"]))
    base_ms = _ms(statistics.median(samples["baseline"]))
    return {
        "benchmark": "transition",
        "database": dialect,
        "sqlite": __import__("sqlite3").sqlite_version if dialect == "sqlite" else None,
        "python": platform.python_version(),
        "transition": f"{TRANSITION}: {FROM_STATE} → {TO_STATE}",
        "cases_filed": total,
        "seed_seconds": round(seed_seconds, 2),
        "timed_requests_per_side": n,
        "warmup_per_side": WARMUP,
        "real_median_ms": real_ms,
        "baseline_median_ms": base_ms,
        "ratio": round(real_ms / base_ms, 2),
        "paired_ratio": round(statistics.median(
            r / b for r, b in zip(samples["real"], samples["baseline"])), 2),
        "real_p90_ms": _ms(statistics.quantiles(samples["real"], n=10)[-1]),
        "baseline_p90_ms": _ms(statistics.quantiles(samples["baseline"], n=10)[-1]),
        "real_mean_ms": _ms(statistics.fmean(samples["real"])),
        "baseline_mean_ms": _ms(statistics.fmean(samples["baseline"])),
        "sql_statements": {name: len(found) for name, found in statements.items()},
        "sql_kinds": {name: _kinds(found) for name, found in statements.items()},
        "real_request_sql": statements["real"],
        "baseline_request_sql": statements["baseline"],
        "moved": moved,
        "audit_events_added": events_after - events_before,
        "profile": profile_text,
    }


def report(r: dict) -> str:
    engine = r["database"] + (f" {r['sqlite']}" if r["sqlite"] else "")
    kinds = {name: ", ".join(f"{count} {kind}" for kind, count in sorted(found.items()))
             for name, found in r["sql_kinds"].items()}
    lines = [
        f"transition benchmark — {engine}, Python {r['python']}",
        (f"  {r['cases_filed']:,} cases filed through the services in {r['seed_seconds']:.1f} s; "
         f"transition {r['transition']}, each case moved once"),
        (f"  medians of {r['timed_requests_per_side']} interleaved POSTs each "
         "(Flask test client, signed in as the committee mediator):"),
        (f"  POST /cases/<id>/transitions/accept: {r['real_median_ms']:.2f} ms "
         f"vs bare 2×UPDATE+COMMIT {r['baseline_median_ms']:.2f} ms → {r['ratio']:.2f}×   "
         f"(p90 {r['real_p90_ms']:.2f} / {r['baseline_p90_ms']:.2f} ms; median of per-pair "
         f"ratios {r['paired_ratio']:.2f}×)"),
        (f"  SQL statements per request: view {r['sql_statements']['real']} "
         f"({kinds['real']}) vs bare {r['sql_statements']['baseline']} ({kinds['baseline']})"),
        (f"  moved: view {r['moved']['real']['handlings']}/{r['moved']['real']['expected']}, "
         f"bare {r['moved']['baseline']['handlings']}/{r['moved']['baseline']['expected']}; "
         f"audit events added {r['audit_events_added']}"),
    ]
    return "\n".join(lines)


def _short_sql(statement: str) -> str:
    statement = re.sub(r"^SELECT (?!EXISTS).*? FROM", "SELECT … FROM", statement, count=1)
    return statement if len(statement) < 150 else statement[:147] + "…"


def main() -> int:
    warnings.filterwarnings("ignore", message=".*in-memory storage.*")
    with tempfile.TemporaryDirectory(prefix="mediation-bench-") as tmp:
        results = run(tmp)
    print()
    print(report(results))
    print("  the view's statements, in order:")
    for statement in results["real_request_sql"]:
        print(f"    {_short_sql(statement)}")
    if results["profile"]:
        print("\n  cProfile of 50 more real requests (cumulative):")
        print(results["profile"])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    shown = RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS
    print(f"  results written to {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
