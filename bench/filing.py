"""Filing a case with 4 clients at once: POST /cases/new against a bare INSERT endpoint, on
the history kept in BENCH_DATABASE_URL (`python -m bench.seed_keep N`).

The app is served by gunicorn as in production (bench.server: WEB_WORKERS sync workers,
default one per core and one more); BENCH_FILING_CLIENTS threads (default 4), each signed
in as the kept history's committee mediator, post the same filing form (a neighbour
dispute, two people with new ID numbers and phones each time) as fast as answers come, in
windows of BENCH_FILING_SECONDS (default 10) alternating between the two sides,
BENCH_FILING_WINDOWS per side (default 3), after a short warm-up of each:

- real: POST /cases/new — login, the CaseForm and its dropdowns, validation, file_case
  (counter, case, parties, handling, audit event with its hash chain), signals, COMMIT,
  flash and the redirect to the case;
- bare: POST /bench-filing-baseline with the same form: counter UPDATE … RETURNING, the case,
  its handling and its parties with Core INSERTs, COMMIT, a redirect (bench.server).

Figure of merit: filings/s of the real side over the bare side's (target ≥ 0.5×); an answer
other than the redirect to a case counts as an error. The statements of one filing of each
side are counted in-process first. Afterwards the bare side's cases are deleted; the real
side's stay (cases filed today by the mediator, through the app, with their audit trail).
Results: printed, and bench/results/filing.json."""

from __future__ import annotations

import json
import os
import platform
import random
import re
import statistics
import sys
import threading
import time
import warnings
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from mediation_app.casefile.models import Case
from mediation_app.db import db, utcnow
from mediation_app.webserver import web_threads, web_workers

from .case_list import StatementCounter, _env_int, _ms
from .seed import MEDIATOR_USERNAME, PASSWORD
from .server import (
    BARE_MARK,
    create,
    delete_bare_filings,
    filing_form,
    new_people,
    served,
    signed_in,
)

RESULTS = Path(__file__).resolve().parent / "results" / "filing.json"
TARGET = 0.5
PATHS = {"real": "/cases/new", "bare": "/bench-filing-baseline"}
FILED = re.compile(r"/cases/\d+$")


def _window(base: str, clients: list, path: str, form: dict, seconds: float) -> dict:
    """Every client posts the form until the window closes; answers and latencies."""
    latencies: list[float] = []
    answers: Counter = Counter()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def post(client) -> None:
        rng = random.Random()
        signed = client.cookies.copy()
        while time.perf_counter() < deadline:
            data = new_people(form, rng)
            started = time.perf_counter()
            response = client.post(base + path, data=data, allow_redirects=False)
            elapsed = time.perf_counter() - started
            # a browser shows the flash ("… filed") on the page it is sent to: the next
            # filing carries the session as signed in, not every earlier filing's flash
            client.cookies = signed.copy()
            good = response.status_code == 302 and FILED.search(
                response.headers.get("Location", ""))
            with lock:
                latencies.append(elapsed)
                answers["filed" if good else f"error {response.status_code}"] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"seconds": time.perf_counter() - started, "latencies": latencies,
            "answers": answers}


def _statements(url: str, form: dict) -> dict:
    """The SQL statements of one filing of each side, counted in-process (test client), each
    with new people (with the same people every run, a later run's filing would be a repeat
    dispute of an earlier one's and raise a warning)."""
    os.environ["BENCH_DATABASE_URL"] = url
    app = create()
    with app.app_context():
        counter = StatementCounter(db.engine)
    client = app.test_client()
    client.post("/login", data={"username": MEDIATOR_USERNAME, "password": PASSWORD})
    found = {}
    for side, path in PATHS.items():
        with counter.capture():
            response = client.post(path, data=new_people(form, random.Random()))
        if response.status_code != 302:
            raise SystemExit(f"{side} filing answered {response.status_code}: "
                             f"{response.get_data(as_text=True)[:500]}")
        found[side] = list(counter.statements)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return found


def run() -> dict:
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        raise SystemExit("BENCH_DATABASE_URL must name the kept history (PostgreSQL)")
    n_clients = _env_int("BENCH_FILING_CLIENTS", 4)
    seconds = _env_int("BENCH_FILING_SECONDS", 10)
    windows = _env_int("BENCH_FILING_WINDOWS", 3)
    from mediation_app import create_app

    from .server import config

    app = create_app(config(url))
    with app.app_context():
        form = filing_form(db.session)
        cases_before = db.session.scalar(select(func.count(Case.id)))
        db.session.remove()
    started_at = utcnow()
    statements = _statements(url, form)
    samples = {side: [] for side in PATHS}
    with served(url) as base:
        clients = [signed_in(base, MEDIATOR_USERNAME, PASSWORD) for _ in range(n_clients)]
        for path in PATHS.values():                # warm up both sides
            _window(base, clients, path, form, 2)
        for window in range(windows):
            order = list(PATHS) if window % 2 == 0 else list(PATHS)[::-1]
            for side in order:
                found = _window(base, clients, PATHS[side], form, seconds)
                samples[side].append(found)
                print(f"  {side}: {found['answers']['filed'] / found['seconds']:.1f} filings/s "
                      f"({dict(found['answers'])})", flush=True)
    with app.app_context():
        filed = {
            "real": db.session.scalar(select(func.count(Case.id)).where(
                Case.filed_at >= started_at, Case.description != BARE_MARK)),
            "bare": db.session.scalar(select(func.count(Case.id)).where(
                Case.filed_at >= started_at, Case.description == BARE_MARK)),
        }
        removed = delete_bare_filings(db.session)
        db.session.remove()
        db.engine.dispose()
    results = {"benchmark": "filing", "database": url.rsplit("/", 1)[-1],
               "python": platform.python_version(), "cases_before": cases_before,
               "clients": n_clients, "web_workers": web_workers(), "threads": web_threads(),
               "window_seconds": seconds, "windows_per_side": windows, "target_ratio": TARGET,
               "filed_in_database": filed, "bare_cases_deleted": removed,
               "sql_statements": {side: len(found) for side, found in statements.items()},
               "real_request_sql": statements["real"], "sides": {}}
    for side, found in samples.items():
        latencies = [value for window in found for value in window["latencies"]]
        answers = sum((window["answers"] for window in found), Counter())
        total = sum(window["seconds"] for window in found)
        results["sides"][side] = {
            "per_second": round(answers["filed"] / total, 1),
            "per_window": [round(w["answers"]["filed"] / w["seconds"], 1) for w in found],
            "answers": dict(answers), "errors": sum(answers.values()) - answers["filed"],
            "median_ms": _ms(statistics.median(latencies)),
            "p95_ms": _ms(statistics.quantiles(latencies, n=20)[-1]),
        }
    sides = results["sides"]
    results["ratio"] = round(sides["real"]["per_second"] / sides["bare"]["per_second"], 3)
    return results


def report(r: dict) -> str:
    real, bare = r["sides"]["real"], r["sides"]["bare"]
    verdict = "met" if r["ratio"] >= r["target_ratio"] else "NOT met"
    return "\n".join([
        (f"filing benchmark — PostgreSQL {r['database']} ({r['cases_before']:,} cases before), "
         f"Python {r['python']}"),
        (f"  gunicorn {r['web_workers']} workers × {r['threads']} threads; {r['clients']} clients "
         f"signed in as the committee mediator; {r['windows_per_side']} windows of "
         f"{r['window_seconds']} s per side, alternating"),
        (f"  POST /cases/new: {real['per_second']:.1f} filings/s (windows {real['per_window']}), "
         f"median {real['median_ms']:.1f} ms, p95 {real['p95_ms']:.1f} ms, "
         f"errors {real['errors']}"),
        (f"  bare INSERTs:    {bare['per_second']:.1f} filings/s (windows {bare['per_window']}), "
         f"median {bare['median_ms']:.1f} ms, p95 {bare['p95_ms']:.1f} ms, "
         f"errors {bare['errors']}"),
        (f"  SQL statements per filing: view {r['sql_statements']['real']}, "
         f"bare {r['sql_statements']['bare']}"),
        (f"  cases written: view {r['filed_in_database']['real']}, bare "
         f"{r['filed_in_database']['bare']} (deleted again: {r['bare_cases_deleted']})"),
        f"  real / bare = {r['ratio']:.2f}× — target ≥ {r['target_ratio']:g}×: {verdict}",
    ])


def main() -> int:
    warnings.filterwarnings("ignore", message=".*in-memory storage.*")
    results = run()
    print()
    print(report(results))
    print("  the view's statements, in order:")
    for statement in results["real_request_sql"]:
        print(f"    {statement[:150]}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"  results written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
