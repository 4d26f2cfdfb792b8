"""The case list page against a minimal Flask endpoint running the same SELECT.

Seeds BENCH_CASES cases (default 100,000) into a fresh database — or, with BENCH_REUSE=1,
reads the history kept in BENCH_DATABASE_URL by `python -m bench.seed_keep N` untouched —
signs in and times, interleaved in the same run:

- GET /cases/?dispute_type=neighbour (page 1) and a deep keyset page of the same filter, as
  the committee's mediator; with BENCH_REUSE=1 also page 1 unfiltered, as that mediator
  (人民调解委员会) and as the committee reader of the district's justice bureau;
- GET /bench-baseline with the same parameters: one driver-level SELECT with the same WHERE
  (visibility [+ dispute type] [+ keyset tuple]), ORDER BY filed_at DESC, id DESC, LIMIT 26,
  rendered by a minimal template (a table of the 25 rows: number, summary, state, date).

The ratio real/baseline is the figure of merit (target ≤ 2×). BENCH_PROFILE=1 adds a
cProfile of 20 more page-1 requests. Results are printed and written to
bench/results/case_list.json.
"""

from __future__ import annotations

import cProfile
import gc
import html
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
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from flask import current_app, request
from sqlalchemy import DateTime, bindparam, create_engine, event, func, select, text, tuple_

from mediation_app import create_app
from mediation_app.auth.models import User
from mediation_app.casefile.models import Case
from mediation_app.cases.queries import (
    CaseFilters,
    count_cases,
    decode_cursor,
    list_cases,
    visible_to,
)
from mediation_app.db import db

from .seed import MEDIATOR_USERNAME, PASSWORD, seed

RESULTS = Path(__file__).resolve().parent / "results" / "case_list.json"
DISPUTE_TYPE = "neighbour"
TARGET = 2.0

READER_USERNAME = "bench_committee_reader"    # seed_history's committee reader
BASELINE: dict = {}
BASELINE_TEMPLATE = """<!doctype html><title>cases</title><table><tbody>
{% for row in rows %}<tr><td><a href="/cases/{{ row.id }}">{{ row.case_no }}</a></td>
<td>{{ row.summary }}</td><td>{{ row.state }}</td><td>{{ (row.filed_at|string)[:10] }}</td>
</tr>{% endfor %}</tbody></table>"""


def configure_baseline(user: User, dialect) -> None:
    """The bare statements: the app's own visibility clause (queries.visible_to) for this
    user and database, with and without the dispute type filter, compiled once to driver SQL."""
    order = (Case.filed_at.desc(), Case.id.desc())
    after = tuple_(Case.filed_at, Case.id) < tuple_(bindparam("filed_at", type_=DateTime()),
                                                     bindparam("case_id"))
    for filtered in (True, False):
        base = select(*Case.__table__.c).where(visible_to(user, dialect.name))
        if filtered:
            base = base.where(Case.dispute_type == bindparam("dispute_type"))
        BASELINE[(user.id, filtered)] = {
            "first": base.order_by(*order).limit(26).compile(dialect=dialect),
            "after": base.where(after).order_by(*order).limit(26).compile(dialect=dialect),
        }


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip().replace("_", "").replace(",", "")
    return int(value) if value else default


def baseline_view():
    """The bare endpoint: one SELECT run on the driver, its rows through a minimal template.
    No login, no form, no ORM, no translations."""
    dispute_type = request.args.get("dispute_type")
    values = {"dispute_type": dispute_type} if dispute_type else {}
    statements = BASELINE[(request.args.get("user", type=int), bool(dispute_type))]
    compiled = statements["first"]
    cursor = request.args.get("cursor")
    if cursor:
        filed_at, case_id, _backwards = decode_cursor(cursor)
        values.update(filed_at=filed_at, case_id=case_id)
        compiled = statements["after"]
    params = compiled.construct_params(values)
    if compiled.positiontup:
        params = tuple(params[name] for name in compiled.positiontup)
    rows = db.session.connection().exec_driver_sql(compiled.string, params).all()
    template = current_app.config.setdefault(
        "BENCH_BASELINE_TEMPLATE", current_app.jinja_env.from_string(BASELINE_TEMPLATE))
    return template.render(rows=rows[:25])


# --- helpers -----------------------------------------------------------------------------

class StatementCounter:
    """Counts SQL statements (BEGIN excluded) and keeps the last request's texts."""

    def __init__(self, engine):
        self.statements: list[str] = []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, _params, _context, _many):
        if not statement.lstrip().upper().startswith("BEGIN"):
            self.statements.append(" ".join(statement.split()))

    @contextmanager
    def capture(self):
        self.statements = []
        yield self


_MARKERS = re.compile(r"\?|%\(\w+\)s|\$\d+|:\w+")
_CASTS = re.compile(r"::(?:TIMESTAMP WITHOUT TIME ZONE|[A-Z]+)")  # psycopg's typed markers


def _where_and_order(statement: str) -> str | None:
    """The outer WHERE … ORDER BY of a case-list SELECT (after the subqueries among its
    columns: the capped count, the badges), parameter markers normalised."""
    if " FROM cases WHERE " not in statement or " LIMIT " not in statement:
        return None
    outer = statement.rsplit(" FROM cases WHERE ", 1)[1].rsplit(" LIMIT ", 1)[0]
    return _MARKERS.sub("?", _CASTS.sub("", outer))


def _list_select(statements: list[str]) -> str | None:
    return next((s for s in statements if s.startswith("SELECT cases.id")
                 and " ORDER BY " in s), None)


def _pager_next(body: str) -> str | None:
    nav = re.search(r'<nav class="pager">(.*?)</nav>', body, re.DOTALL)
    if not nav:
        return None
    for href, label in re.findall(r'<a href="([^"]+)">([^<]*)</a>', nav.group(1)):
        if "cursor=" in href and "→" in label:
            return html.unescape(href)
    return None


def _listed_ids(body: str) -> list[int]:
    table = body.split("<tbody>", 1)[-1].split("</tbody>", 1)[0]
    return [int(case_id) for case_id in re.findall(r'href="/cases/(\d+)"', table)]


def _get(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    return response


def _time(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    return elapsed


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _analyze(engine) -> None:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("ANALYZE")
        else:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
        connection.commit()


def profile_text(call, times: int) -> str:
    """cProfile of `call()` run `times` times: the app's functions by cumulative time, then
    everything by own time; paths shortened."""
    profiler = cProfile.Profile()
    for _ in range(times):
        profiler.enable()
        call()
        profiler.disable()
    out = io.StringIO()
    found = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    out.write("  the app's own functions, cumulative:\n")
    found.print_stats(r"mediation_app/", 25)
    out.write("  everything, by own time:\n")
    found.sort_stats("tottime").print_stats(20)
    root = str(Path(__file__).resolve().parent.parent) + "/"
    return re.sub(r"\S*/(?:site-packages|lib/python3\.\d+)/", "",
                  out.getvalue().replace(root, ""))


def _median_ms(samples: list[float]) -> float:
    return _ms(statistics.median(samples))


# --- the benchmark -----------------------------------------------------------------------

def _signed_in(app, username: str, password: str):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": password})
    if response.status_code != 302:
        raise SystemExit(f"sign-in of {username} failed: {response.status_code}")
    return client


def _prepare(url: str, dialect: str, *, reuse: bool, n_cases: int, analyze: bool,
             setup_sql: list[str]) -> dict:
    """Inside the app context: seed a fresh database, or find the kept history's users."""
    if reuse:
        from .seed_keep import history_file

        kept = history_file(url)
        found = json.loads(kept.read_text()) if kept.exists() else {}
        ids = dict(db.session.execute(select(User.username, User.id).where(
            User.username.in_([MEDIATOR_USERNAME, READER_USERNAME]))).all())
        if MEDIATOR_USERNAME not in ids:
            raise SystemExit("BENCH_REUSE=1: no seeded history in BENCH_DATABASE_URL "
                             "(python -m bench.seed_keep N first)")
        return {"users": {"mediator": ids[MEDIATOR_USERNAME], "reader": ids.get(READER_USERNAME)},
                "password": PASSWORD, "cases": db.session.scalar(select(func.count(Case.id))),
                "referrals": sum((found.get("referrals") or {}).values()),
                "seed_seconds": found.get("seconds"), "analyze_seconds": None}
    from flask_migrate import upgrade

    upgrade()
    print(f"seeding {n_cases:,} cases ({dialect}) ...", flush=True)
    seeded = seed(n_cases)
    for statement in setup_sql:
        print(f"BENCH_SETUP_SQL: {statement}", flush=True)
        db.session.execute(text(statement))
        db.session.commit()
    started = time.perf_counter()
    if analyze:
        _analyze(db.engine)
    return {"users": {"mediator": seeded.mediator_id, "reader": None},
            "password": seeded.password, "cases": n_cases, "referrals": seeded.referrals,
            "seed_seconds": seeded.seconds,
            "analyze_seconds": time.perf_counter() - started if analyze else None}


def _visible(user: User) -> dict:
    visible = visible_to(user, db.engine.dialect.name)
    return {"visible": db.session.scalar(select(func.count()).select_from(Case).where(visible)),
            "matching": db.session.scalar(select(func.count()).select_from(Case).where(
                visible, Case.dispute_type == DISPUTE_TYPE))}


def _walk(client, first: str, deep_target: int) -> tuple[str, int, list[int], float]:
    """Follow the pager's 'next' link from `first` down to page `deep_target`, once."""
    started = time.perf_counter()
    deep, depth = first, 1
    body = _get(client, first).get_data(as_text=True)
    while depth < deep_target:
        next_url = _pager_next(body)
        if next_url is None:
            break
        deep, depth = next_url, depth + 1
        body = _get(client, deep).get_data(as_text=True)
    return deep, depth, _listed_ids(body), time.perf_counter() - started


def run(tmp: str) -> dict:
    n_cases = _env_int("BENCH_CASES", 100_000)
    reps = _env_int("BENCH_REPS", 40)
    deep_target = _env_int("BENCH_DEEP_PAGE", 200)
    reuse = os.environ.get("BENCH_REUSE", "") == "1"
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'bench.db'}"
    dialect = "postgresql" if url.startswith("postgresql") else url.split(":", 1)[0]
    analyze = not reuse and os.environ.get(
        "BENCH_ANALYZE", "1" if dialect == "postgresql" else "0") == "1"
    setup_sql = [part.strip() for part in os.environ.get("BENCH_SETUP_SQL", "").split(";")
                 if part.strip()]
    if reuse and dialect != "postgresql":
        raise SystemExit("BENCH_REUSE=1 needs BENCH_DATABASE_URL naming the kept history")
    if dialect == "postgresql" and not reuse:
        print(f"resetting schema public of {url.rsplit('/', 1)[-1]} (BENCH_DATABASE_URL)")
        _reset_postgres(url)

    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "bench-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "MEDIATION_STORAGE": str(Path(tmp) / "storage"),
    })
    app.add_url_rule("/bench-baseline", "bench_baseline", baseline_view)

    with app.app_context():
        prepared = _prepare(url, dialect, reuse=reuse, n_cases=n_cases, analyze=analyze,
                            setup_sql=setup_sql)
        users = {role: user_id for role, user_id in prepared["users"].items() if user_id}
        seen = {}
        for role, user_id in users.items():
            user = db.session.get(User, user_id)
            configure_baseline(user, db.engine.dialect)
            seen[role] = _visible(user)
        usernames = {role: db.session.get(User, user_id).username
                     for role, user_id in users.items()}
        db.session.remove()
        counter = StatementCounter(db.engine)
    if prepared["seed_seconds"] is not None:
        print(f"seeded in {prepared['seed_seconds']:.1f} s"
              + (f" (+ ANALYZE {prepared['analyze_seconds']:.1f} s)" if analyze else "")
              + (" (kept history, not reseeded)" if reuse else ""), flush=True)

    clients = {role: _signed_in(app, usernames[role], prepared["password"]) for role in users}
    mediator = users["mediator"]
    filtered = f"dispute_type={DISPUTE_TYPE}"
    page1_real = f"/cases/?{filtered}"
    page1_base = f"/bench-baseline?user={mediator}&{filtered}"
    page1_ids = _listed_ids(_get(clients["mediator"], page1_real).get_data(as_text=True))
    if not page1_ids:
        raise SystemExit("the case list shows no cases")
    _get(clients["mediator"], f"/cases/{page1_ids[0]}")   # the data must make sense to the app
    deep_real, depth, _deep_ids, walk_seconds = _walk(clients["mediator"], page1_real,
                                                      deep_target)
    deep_cursor = parse_qs(urlsplit(deep_real).query).get("cursor", [None])[0]
    deep_base = page1_base + (f"&cursor={deep_cursor}" if deep_cursor else "")
    print(f"walked to page {depth} ({depth - 1} 'next' clicks) in {walk_seconds:.1f} s",
          flush=True)

    # (key, label, who, the page, the bare endpoint)
    scenarios = [("page1", "mediator, page 1, one dispute type", "mediator", page1_real,
                  page1_base),
                 ("deep", f"mediator, page {depth}, one dispute type", "mediator", deep_real,
                  deep_base)]
    if reuse:
        scenarios.append(("page1_all", "mediator, page 1, no filter", "mediator", "/cases/",
                          f"/bench-baseline?user={mediator}"))
        if "reader" in users:
            scenarios.append(("reader_page1", "committee reader (司法局), page 1, no filter",
                              "reader", "/cases/", f"/bench-baseline?user={users['reader']}"))

    # The bare endpoint must list the very rows the page lists, with the same SELECT.
    checks, statements, same_sql = {}, {}, {}
    for key, _label, who, real, base in scenarios:
        client = clients[who]
        real_ids = _listed_ids(_get(client, real).get_data(as_text=True))
        base_ids = _listed_ids(_get(client, base).get_data(as_text=True))
        checks[key] = bool(real_ids) and base_ids == real_ids
        if not checks[key]:
            raise SystemExit(f"baseline rows differ from the page on {key}: "
                             f"{base_ids[:5]}… vs {real_ids[:5]}…")
        for side, target in (("real", real), ("baseline", base)):
            with counter.capture():
                _get(client, target)
            statements[f"{key}_{side}"] = list(counter.statements)
        page_sql = _list_select(statements[f"{key}_real"])
        base_sql = _list_select(statements[f"{key}_baseline"])
        same_sql[key] = (page_sql is not None and base_sql is not None
                         and _where_and_order(page_sql) == _where_and_order(base_sql))
        if not same_sql[key]:
            print(f"WARNING: on {key} the page's list SELECT is no longer the baseline's; "
                  "update configure_baseline in bench/case_list.py\n"
                  f"  page:     {page_sql}\n  baseline: {base_sql}", flush=True)

    samples = {key: {"real": [], "baseline": []} for key, *_ in scenarios}
    for _key, _label, who, real, base in scenarios:         # warm up
        for _ in range(5):
            _time(clients[who], real)
            _time(clients[who], base)
    gc.collect()
    for rep in range(reps):
        for key, _label, who, real, base in scenarios:
            pair = [("real", real), ("baseline", base)]
            if rep % 2:
                pair.reverse()
            for side, target in pair:
                samples[key][side].append(_time(clients[who], target))

    breakdown = _breakdown(app, mediator, deep_cursor, reps)
    profiled = None
    if os.environ.get("BENCH_PROFILE", "") == "1":
        profiled = profile_text(lambda: _get(clients["mediator"], page1_real), 20)

    results = {
        "benchmark": "case_list",
        "database": dialect,
        "database_name": url.rsplit("/", 1)[-1] if dialect == "postgresql" else None,
        "kept_history": reuse,
        "analyzed": analyze,
        "setup_sql": setup_sql,
        "cases": prepared["cases"],
        "pending_referrals": prepared["referrals"],
        "visible": seen,
        "seed_seconds": round(prepared["seed_seconds"] or 0, 2),
        "walk_seconds": round(walk_seconds, 2),
        "deep_page": depth,
        "repetitions": reps,
        "target_ratio": TARGET,
        "python": platform.python_version(),
        "sqlite": __import__("sqlite3").sqlite_version if dialect == "sqlite" else None,
        "scenarios": {},
        "sql_statements": {name: len(found) for name, found in statements.items()},
        "real_request_sql": statements["page1_real"],
        "breakdown_ms": breakdown,
        "profile": profiled,
    }
    for key, label, _who, real, base in scenarios:
        real_ms = _median_ms(samples[key]["real"])
        base_ms = _median_ms(samples[key]["baseline"])
        results["scenarios"][key] = {
            "label": label,
            "real_url": real,
            "baseline_url": base,
            "real_median_ms": real_ms,
            "baseline_median_ms": base_ms,
            "ratio": round(real_ms / base_ms, 2),
            "paired_ratio": round(statistics.median(
                r / b for r, b in zip(samples[key]["real"], samples[key]["baseline"])), 2),
            "real_p90_ms": _ms(statistics.quantiles(samples[key]["real"], n=10)[-1]),
            "baseline_p90_ms": _ms(statistics.quantiles(samples[key]["baseline"], n=10)[-1]),
            "rows_match": checks[key],
            "same_where_and_order_as_page": same_sql[key],
            "sql_statements": [len(statements[f"{key}_real"]),
                               len(statements[f"{key}_baseline"])],
        }
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return results


def _breakdown(app, user_id: int, deep_cursor: str | None, reps: int) -> dict:
    """In-process medians of the two queries the page runs, each in a fresh session."""
    filters = CaseFilters(dispute_type=DISPUTE_TYPE)
    found: dict[str, float] = {}
    with app.app_context():
        for name, work in (
            ("page1_list_select", lambda u: list_cases(db.session, u, filters, with_total=False)),
            ("deep_list_select", lambda u: list_cases(db.session, u, filters,
                                                      cursor=deep_cursor, with_total=False)),
            ("capped_count", lambda u: count_cases(db.session, u, filters)),
        ):
            times = []
            for _ in range(max(5, reps // 2)):
                db.session.remove()
                user = db.session.get(User, user_id)
                _ = user.institution.region
                started = time.perf_counter()
                work(user)
                times.append(time.perf_counter() - started)
            found[name] = _median_ms(times)
        db.session.remove()
    return found


def report(results: dict) -> str:
    r = results
    engine = r["database"] + (f" {r['sqlite']}" if r["sqlite"] else "")
    analyzed = ("ANALYZEd when seeded" if r["kept_history"]
                else "ANALYZEd" if r["analyzed"] else "no ANALYZE")
    if r["setup_sql"]:
        analyzed += ", with BENCH_SETUP_SQL"
    if r["kept_history"]:
        origin = (f"  kept history in {r['database_name']}: {r['cases']:,} cases "
                  "(python -m bench.seed_keep), not reseeded")
    else:
        origin = (f"  seeding: {r['cases']:,} cases, {r['cases']:,} handlings, "
                  f"{2 * r['cases']:,} parties, {r['pending_referrals']:,} pending referrals "
                  f"in {r['seed_seconds']:.1f} s")
    lines = [f"case list benchmark — {engine}, Python {r['python']}, {analyzed}", origin]
    for role, seen in r["visible"].items():
        lines.append(f"  {seen['visible']:,} cases visible to the {role}, "
                     f"{seen['matching']:,} of them dispute_type={DISPUTE_TYPE}")
    lines += [
        f"  deep page reached by {r['deep_page'] - 1} 'next' clicks in {r['walk_seconds']:.1f} s",
        (f"  medians of {r['repetitions']} interleaved requests each (Flask test client, "
         "signed in; the bare endpoint renders the same rows with a minimal template):"),
    ]
    worst = 0.0
    for scenario in r["scenarios"].values():
        worst = max(worst, scenario["ratio"])
        real_n, base_n = scenario["sql_statements"]
        lines.append(f"  {scenario['label']}: {scenario['real_median_ms']:.1f} ms "
                     f"vs bare SELECT {scenario['baseline_median_ms']:.1f} ms "
                     f"→ {scenario['ratio']:.2f}× (per pair {scenario['paired_ratio']:.2f}×)   "
                     f"p90 {scenario['real_p90_ms']:.1f} / {scenario['baseline_p90_ms']:.1f} ms, "
                     f"SQL statements {real_n} / {base_n}")
    parts = r["breakdown_ms"]
    rest = (r["scenarios"]["page1"]["real_median_ms"] - parts["page1_list_select"]
            - parts["capped_count"])
    lines += [
        (f"  in-process medians (mediator): list SELECT page 1 {parts['page1_list_select']:.1f} ms, "
         f"deep {parts['deep_list_select']:.1f} ms; capped COUNT {parts['capped_count']:.1f} ms"),
        f"  rest of page 1 (user lookup, filter form and its queries, template) ≈ {rest:.1f} ms",
    ]
    verdict = "met" if worst <= r["target_ratio"] else f"NOT met (worst {worst:.2f}×)"
    lines.append(f"  target ≤ {r['target_ratio']:g}×: {verdict}")
    return "\n".join(lines)


def main() -> int:
    warnings.filterwarnings("ignore", message=".*in-memory storage.*")
    with tempfile.TemporaryDirectory(prefix="mediation-bench-") as tmp:
        results = run(tmp)
    text_report = report(results)
    print()
    print(text_report)
    if results["profile"]:
        print(f"\n  cProfile of 20 more requests of {results['scenarios']['page1']['real_url']}:")
        print(results["profile"])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    shown = RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS
    print(f"  results written to {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
