"""The mixed load with locust (headless, bounded) on the history kept in BENCH_DATABASE_URL
(`python -m bench.seed_keep N`, then `flask --app wsgi stats rebuild`).

The app is served by gunicorn as in production (bench.server: WEB_WORKERS sync workers,
default one per core and one more; WEB_THREADS for gunicorn's threaded workers).
BENCH_MIXED_USERS locust users (default 20), each the committee mediator with no pause
between requests (or, with BENCH_MIXED_RATE=R, at most R requests a second each, locust's
constant_throughput: 20 users at 2.5 offer 50 requests a second, as people who read what
they asked for before asking again), do 40 % case list page 1, 40 % case detail (a case
the mediator may see, at random), 15 % filing (fresh people each time) and 5 % the
statistics page (this month), for BENCH_MIXED_SECONDS (default 60) per side:

- real: the app's pages, signed in;
- bare: the bare endpoints of bench.server with the same mix (the list's SELECT, the
  detail's four SELECTs, the filing's Core INSERTs, the statistics' figure calls, each
  with a minimal template), i.e. what this machine answers without the app around them.

The sides run one after the other against the same server (BENCH_MIXED_SIDES, default
"real,bare"; "real,bare,real,bare" alternates twice). Figures per side from locust's CSV:
requests/s, failures, median, p95 and p99, per task too. Target (real side): ≥ 50 req/s,
p95 ≤ 500 ms, 0 errors. Afterwards the bare side's cases are deleted; the real side's stay.

locust runs in its own environment: `pip install -e ".[bench]"` (setup.cfg's bench extra)
or any locust ≥ 2.20 on PATH; BENCH_LOCUST names its executable if it is elsewhere.
Results: printed, and bench/results/mixed_load.json."""

from __future__ import annotations

import csv
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from sqlalchemy import func, select

from mediation_app import create_app
from mediation_app.auth.models import User
from mediation_app.casefile.models import Case
from mediation_app.db import db
from mediation_app.webserver import web_threads, web_workers

from .case_list import _env_int, visible_to
from .seed import MEDIATOR_USERNAME, PASSWORD, _id_number
from .server import ROOT, config, delete_bare_filings, filing_form, served, signed_in

RESULTS = Path(__file__).resolve().parent / "results" / "mixed_load.json"
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
TARGET = {"requests_per_second": 50, "p95_ms": 500, "errors": 0}
TASKS = ("list", "detail", "filing", "stats")


def _setup(url: str, n_ids: int = 2000) -> dict:
    """What the locust users need: credentials, cases to open, the form."""
    app = create_app(config(url))
    with app.app_context():
        mediator = db.session.scalar(select(User).where(User.username == MEDIATOR_USERNAME))
        if mediator is None:
            raise SystemExit("no seeded history in BENCH_DATABASE_URL "
                             "(python -m bench.seed_keep N first)")
        ids = list(db.session.scalars(
            select(Case.id).where(visible_to(mediator, db.engine.dialect.name))
            .order_by(func.random()).limit(n_ids)))
        form = filing_form(db.session)
        cases = db.session.scalar(select(func.count(Case.id)))
        user_id = mediator.id
        db.session.remove()
        db.engine.dispose()
    return {"username": MEDIATOR_USERNAME, "password": PASSWORD, "user_id": user_id,
            "case_ids": ids, "form": form, "cases": cases}


def _people(n: int = 3000) -> list[dict]:
    """The ID numbers and phones of the two people of each filing: drawn afresh for every
    side run, so that no run files people another run filed (the real side's filings stay,
    and a filing that shares people with an earlier case is a repeat to the warnings and
    rolls that case up with it)."""
    rng = random.Random()
    return [{f"parties-{position}-{name}": value for position in (0, 1)
             for name, value in (("id_number", _id_number(rng)),
                                 ("phone", f"139{rng.randint(0, 99_999_999):08d}"))}
            for _ in range(n)]


def _locust() -> str:
    found = os.environ.get("BENCH_LOCUST") or shutil.which("locust")
    if not found:
        raise SystemExit("locust not found: pip install -e '.[bench]' or set BENCH_LOCUST")
    return found


def _run_side(locust: str, base: str, setup: dict, side: str, users: int, seconds: int,
              tmp: Path) -> dict:
    setup_file = tmp / f"setup-{side}.json"
    setup_file.write_text(json.dumps({**setup, "side": side, "people": _people()},
                                     ensure_ascii=False),
                          encoding="utf-8")
    prefix = tmp / f"locust-{side}-{time.monotonic_ns()}"
    command = [locust, "-f", str(LOCUSTFILE), "--headless", "--users", str(users),
               "--spawn-rate", str(users), "--run-time", f"{seconds}s", "--host", base,
               "--csv", str(prefix), "--only-summary", "--stop-timeout", "10",
               "--loglevel", "WARNING", "--exit-code-on-error", "0"]
    done = subprocess.run(command, cwd=ROOT, env={**os.environ, "MIXED_SETUP": str(setup_file)},
                          capture_output=True, text=True, timeout=seconds + 120)
    if done.returncode != 0:
        raise SystemExit(f"locust failed ({done.returncode}):\n{done.stderr[-3000:]}")
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stream:
        rows = {row["Name"]: row for row in csv.DictReader(stream)}
    with open(f"{prefix}_failures.csv", encoding="utf-8") as stream:
        failures = [{"name": row["Name"], "error": row["Error"][:200],
                     "occurrences": int(row["Occurrences"])} for row in csv.DictReader(stream)]
    return {"side": side, "seconds": seconds, "total": _figures(rows["Aggregated"]),
            "tasks": {name: _figures(rows[name]) for name in TASKS if name in rows},
            "failures": failures, "summary": done.stderr[-4000:] + done.stdout[-4000:]}


def _figures(row: dict) -> dict:
    return {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
            "requests_per_second": round(float(row["Requests/s"]), 1),
            "median_ms": float(row["Median Response Time"]),
            "p95_ms": float(row["95%"]), "p99_ms": float(row["99%"]),
            "max_ms": round(float(row["Max Response Time"]), 1)}


def _warm_up(base: str, setup: dict, rounds: int = 8) -> None:
    """Every page and bare endpoint a few times, untimed, so that each worker has loaded
    its templates, translations and statements before either side is measured."""
    client = signed_in(base, MEDIATOR_USERNAME, PASSWORD)
    ids = setup["case_ids"]
    for index in range(rounds):
        for path in ("/cases/", f"/cases/{ids[index]}", "/stats/", "/cases/new",
                     f"/bench-baseline?user={setup['user_id']}",
                     f"/bench-detail-baseline/{ids[index]}", "/bench-stats-baseline"):
            client.get(base + path, timeout=600)


def run(tmp: Path) -> dict:
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        raise SystemExit("BENCH_DATABASE_URL must name the kept history (PostgreSQL)")
    users = _env_int("BENCH_MIXED_USERS", 20)
    rate = float(os.environ.get("BENCH_MIXED_RATE", "0"))
    seconds = _env_int("BENCH_MIXED_SECONDS", 60)
    sides = [side.strip() for side in os.environ.get("BENCH_MIXED_SIDES", "real,bare").split(",")
             if side.strip()]
    locust = _locust()
    setup = {**_setup(url), "rate": rate}
    runs = []
    with served(url) as base:
        _warm_up(base, setup)
        for side in sides:
            print(f"  {side}: {users} users for {seconds} s ...", flush=True)
            found = _run_side(locust, base, setup, side, users, seconds, tmp)
            total = found["total"]
            print(f"  {side}: {total['requests_per_second']:.1f} req/s, p95 "
                  f"{total['p95_ms']:.0f} ms, p99 {total['p99_ms']:.0f} ms, failures "
                  f"{total['failures']}", flush=True)
            runs.append(found)
    app = create_app(config(url))
    with app.app_context():
        removed = delete_bare_filings(db.session)
        db.session.remove()
        db.engine.dispose()
    return {"benchmark": "mixed_load", "database": url.rsplit("/", 1)[-1],
            "cases_before": setup["cases"], "python": platform.python_version(),
            "users": users, "rate_per_user": rate, "seconds_per_side": seconds,
            "web_workers": web_workers(), "threads": web_threads(),
            "locust": subprocess.run([locust, "--version"], capture_output=True,
                                     text=True).stdout.strip(),
            "target": TARGET, "runs": runs, "bare_cases_deleted": removed}


def _pace(r: dict) -> str:
    rate = r.get("rate_per_user") or 0
    if not rate:
        return "no pause"
    return (f"each at most {rate:g} req/s (offered ≤ {rate * r['users']:g} req/s in all)")


def _side_line(found: dict) -> str:
    total = found["total"]
    tasks = ", ".join(f"{name} p95 {figures['p95_ms']:.0f} ms"
                      for name, figures in found["tasks"].items())
    return (f"  {found['side']:<5} {total['requests_per_second']:6.1f} req/s  "
            f"{total['requests']:,} requests, {total['failures']} failures; median "
            f"{total['median_ms']:.0f} ms, p95 {total['p95_ms']:.0f} ms, p99 "
            f"{total['p99_ms']:.0f} ms ({tasks})")


def report(r: dict) -> str:
    lines = [
        (f"mixed load — PostgreSQL {r['database']} ({r['cases_before']:,} cases), Python "
         f"{r['python']}, {r['locust']}"),
        (f"  gunicorn {r['web_workers']} workers × {r['threads']} threads; {r['users']} users, "
         f"{_pace(r)}, {r['seconds_per_side']} s per side (40 % list, 40 % detail, 15 % filing, "
         "5 % statistics)"),
    ]
    lines += [_side_line(found) for found in r["runs"]]
    real = [found["total"] for found in r["runs"] if found["side"] == "real"]
    bare = [found["total"] for found in r["runs"] if found["side"] == "bare"]
    if real and bare:
        ratio = (sum(f["requests_per_second"] for f in real)
                 / sum(f["requests_per_second"] for f in bare))
        lines.append(f"  real / bare throughput = {ratio:.2f}×")
    for found in real:
        target = r["target"]
        missed = [f"{found['requests_per_second']:.1f} req/s < {target['requests_per_second']}"
                  if found["requests_per_second"] < target["requests_per_second"] else "",
                  f"p95 {found['p95_ms']:.0f} ms > {target['p95_ms']}"
                  if found["p95_ms"] > target["p95_ms"] else "",
                  f"{found['failures']} errors" if found["failures"] else ""]
        missed = [item for item in missed if item]
        lines.append("  target ≥ 50 req/s, p95 ≤ 500 ms, 0 errors: "
                     + ("met" if not missed else "NOT met (" + "; ".join(missed) + ")"))
    for found in r["runs"]:
        for failure in found["failures"]:
            lines.append(f"  {found['side']} failure: {failure['name']} × "
                         f"{failure['occurrences']}: {failure['error']}")
    lines.append(f"  bare filings deleted afterwards: {r['bare_cases_deleted']}")
    return "\n".join(lines)


def main() -> int:
    warnings.filterwarnings("ignore", message=".*in-memory storage.*")
    with tempfile.TemporaryDirectory(prefix="mediation-bench-") as tmp:
        results = run(Path(tmp))
    print()
    print(report(results))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"  results written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
