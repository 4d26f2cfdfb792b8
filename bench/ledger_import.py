"""Ledger import rows/s and peak memory against a bare executemany INSERT of the same rows.

Writes a ledger CSV of BENCH_LEDGER_ROWS valid rows (default 100,000) to disk — eight
mediating institutions over the three channels, a district, four towns and a village;
half the rows bring their own case number in the institution's format, half get one;
a tenth are still pending — then runs, each in its own subprocess on a fresh database
(migrated, the directory created through the services, all untimed), the order rotating
each repetition:

- real: `flask ledger import FILE` through Flask's CLI runner — count_rows, open_rows,
  import_ledger (pass 1: parse and check every row into the staging table; the case-number
  checks in SQL; pass 2: cases, handlings and a first audit event per row), COMMIT; then,
  timed apart and not in the command's figure, the statistics roll-up the command hands on
  to the scheduler (or to a job on the queue);
- bare table: csv.reader over the same file, each row's cells converted (dates, integer,
  amounts) and inserted with DBAPI executemany in batches of 1,000 into a plain table with
  the ledger's 13 columns, COMMIT;
- bare cases: the same rows inserted with executemany straight into cases and handlings
  (explicit ids, the columns the import fills, no checks, no audit events), COMMIT.

Figures: rows/s of each, the ratios, and the import's memory: ru_maxrss of the subprocess
before and after the import (the process peak) for every run, and — in one extra run of
the real import with tracemalloc started just before it — the tracemalloc peak (Python
allocations only; tracemalloc slows the run, so that run is not timed).
Environment: BENCH_LEDGER_ROWS (e.g. 1000000), BENCH_LEDGER_REPS (default 3, and 1 from
500,000 rows), BENCH_LEDGER_TRACEMALLOC=0 (skip the tracemalloc run: at 1,000,000 rows it
takes about three times the import), BENCH_DATABASE_URL (as the other benchmarks: a
PostgreSQL scratch database has its public schema recreated before every run).
BENCH_REUSE=1 imports into the history kept in BENCH_DATABASE_URL (`python -m
bench.seed_keep N`) instead of a fresh database: each run writes on top of the kept cases
(its ledger numbers start at KEPT_FIRST_SEQ so they take no kept number; the bare side's ids
and sequence numbers start past the kept ones), and afterwards deletes what it wrote (cases,
handlings, audit events and heads above the kept ids; the plain table) and puts the case
counters back as they were, so the kept history stays as seeded. Run it alone: a case
filed meanwhile waits for the import (the counters are locked until it commits) and is
left alone, but the counters are put back under it.
Results: bench/results/ledger_import.json (ledger_import_<rows>.json for other sizes).
"""

from __future__ import annotations

import csv
import gc
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "ledger_import.json"
ROOT = Path(__file__).resolve().parent.parent
MODES = ("real", "bare_table", "bare_cases")
COPY_MODE = "bare_copy"          # PostgreSQL only
TARGET = 0.8                     # import rows/s over bare executemany into cases + handlings
KEPT_FIRST_SEQ = 10_000_001     # ledger numbers above any the kept history gave out
LABELS = {"real": "flask ledger import FILE", "bare_table": "bare executemany, plain table",
          "bare_cases": "bare executemany, cases + handlings",
          "bare_copy": "bare COPY, cases + handlings"}
BATCH = 1000
PHASES = {"_stage": "pass 1 (read, parse, check, staging writes)",
          "_check_numbers": "case-number checks", "create_cases": "pass 2 (cases, handlings, "
          "audit events)", "delete_staging": "staging DELETE"}
# code, channel, short name, format as seed_history creates them (the default format)
LEDGER_INSTITUTIONS = [("BENCH-PC1", "peoples"), ("BENCH-PC2", "peoples"),
                       ("BENCH-PC3", "peoples"), ("BENCH-PC4", "peoples"),
                       ("BENCH-PS1", "administrative"), ("BENCH-TP1", "administrative"),
                       ("BENCH-LB1", "administrative"), ("BENCH-CT1", "judicial")]
REGION_CODES = ["B320812", "B320812001", "B320812002", "B320812003", "B320812004",
                "B320812003001"]
SUMMARIES = ["邻里排水纠纷", "相邻通行纠纷", "噪音扰民纠纷", "赡养费纠纷", "拖欠工资纠纷",
             "交通事故赔偿纠纷", "民间借贷纠纷", "物业服务纠纷", "土地承包经营纠纷"]


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip().replace("_", "").replace(",", "")
    return int(value) if value else default


# --- the file ----------------------------------------------------------------------------

def write_ledger(path: Path, n_rows: int, *, today: date, numbering: dict,
                 rng_seed: int = 20261129, first_seq: int = 1) -> None:
    """n_rows valid ledger rows. `numbering` maps an institution code to (format, short)
    so that half the rows carry a case number in the institution's own format (sequence
    numbers from `first_seq` on, per institution and year)."""
    from mediation_app.domain.case_numbers import render_case_number
    from mediation_app.domain.codes import DisputeType, Source, values

    rng = random.Random(rng_seed)
    sources, types = values(Source), values(DisputeType)
    seqs: dict[tuple[str, int], int] = {}
    start = today - timedelta(days=730)
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        from mediation_app.ledger.columns import COLUMNS
        writer.writerow(COLUMNS)
        for _ in range(n_rows):
            code, channel = rng.choice(LEDGER_INSTITUTIONS)
            received = start + timedelta(days=rng.randrange(700))
            roll = rng.random()
            outcome = ("pending" if roll < 0.1 else "success" if roll < 0.7
                       else "failure" if roll < 0.9 else "withdrawn")
            concluded = "" if outcome == "pending" else \
                min(received + timedelta(days=rng.randint(0, 60)), today).isoformat()
            case_no = ""
            if rng.random() < 0.5:
                template, short = numbering[code]
                seq = seqs[(code, received.year)] = seqs.get((code, received.year),
                                                              first_seq - 1) + 1
                case_no = render_case_number(template, year=received.year, short=short, seq=seq)
            amount = f"{rng.randint(0, 5_000_000) / 100:.2f}" if rng.random() < 0.7 else ""
            agreed = f"{rng.randint(100, 2_000_000) / 100:.2f}" \
                if outcome == "success" and rng.random() < 0.8 else ""
            writer.writerow([case_no, code, channel, rng.choice(sources), rng.choice(types),
                             rng.choice(REGION_CODES), received.isoformat(), outcome, concluded,
                             rng.choice((2, 2, 2, 3, 4)), amount, agreed,
                             rng.choice(SUMMARIES)])


# --- the child: one run on a fresh database ----------------------------------------------

def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024      # KB on Linux


def _fresh_words(kept: str | None = None) -> str:
    if kept or _reusing():
        return "a fresh process on the kept history"
    return "a fresh process and database"


def _reusing() -> bool:
    return os.environ.get("BENCH_REUSE", "") == "1"


def _fresh_app(url: str, tmp: Path, *, reset: bool = True):
    from mediation_app import create_app

    from .case_list import _reset_postgres

    if reset and url.startswith("postgresql"):
        _reset_postgres(url)
    return create_app({"TESTING": True, "SECRET_KEY": "bench-secret",
                       "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                       "MEDIATION_STORAGE": str(tmp / "storage")})


def child(mode: str, csv_path: str, url: str, tmp: str) -> dict:
    """Run one mode on a fresh database; return its figures (printed as JSON by main)."""
    import logging

    from flask_migrate import upgrade
    from sqlalchemy import func, select, text

    from mediation_app.audit.models import CaseEvent
    from mediation_app.casefile.models import Case, Handling
    from mediation_app.db import db
    from mediation_app.ledger.models import LedgerStagingRow

    from .seed import _history_directory

    warnings.filterwarnings("ignore")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    tmp_path = Path(tmp)
    url = url or f"sqlite:///{tmp_path / f'{mode}.db'}"
    reuse = _reusing()
    app = _fresh_app(url, tmp_path, reset=not reuse)
    tracing = mode == "real_tracemalloc"
    with app.app_context():
        kept = None
        if reuse:
            kept = _kept(db.session)
        else:
            upgrade()
            _history_directory(db.session)
            db.session.commit()
        setup = _bare_setup(mode, db.session, first_id=kept["first_id"] if kept else 1)
        db.session.commit()
        db.session.remove()
        n_rows = sum(1 for _ in open(csv_path, encoding="utf-8-sig")) - 1
        gc.collect()
        rss_before = _rss_mb()
        if tracing:
            tracemalloc.start()
        started = time.perf_counter()
        phases: dict[str, float] = {}
        if mode in ("real", "real_tracemalloc"):
            _time_phases(phases)
            runner = app.test_cli_runner()
            result = runner.invoke(args=["ledger", "import", csv_path])
            if result.exit_code != 0:
                raise SystemExit(f"flask ledger import failed ({result.exit_code}): "
                                 f"{result.output[-2000:]} {result.exception!r}")
            message = next(line for line in result.output.splitlines()
                           if line.startswith("imported "))
        elif mode == "bare_table":
            message = _bare_table(db.engine, csv_path)
        else:
            message = (_bare_copy if mode == COPY_MODE else _bare_cases)(db.engine, csv_path,
                                                                        setup)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if tracing else None
        if tracing:
            tracemalloc.stop()
        rss_after = _rss_mb()
        rollup_seconds = _roll_up_afterwards(app) if mode == "real" else None
        session = db.session
        written = _written(mode, kept)
        if mode.startswith("real"):
            counts = {name: session.scalar(select(func.count()).select_from(model).where(
                          column.in_(written)))
                      for name, model, column in (
                          ("cases", Case, Case.id), ("handlings", Handling, Handling.case_id),
                          ("events", CaseEvent, CaseEvent.case_id))}
            counts["staging"] = session.scalar(select(func.count()).select_from(
                LedgerStagingRow))
        elif mode == "bare_table":
            counts = {"rows": session.scalar(text("SELECT count(*) FROM bench_ledger_rows"))}
        else:
            counts = {"cases": session.scalar(select(func.count()).select_from(Case).where(
                          Case.id.in_(written))),
                      "handlings": session.scalar(select(func.count()).select_from(Handling)
                                                  .where(Handling.case_id.in_(written)))}
        if kept:
            _forget(session, kept, written)
        size = None
        if url.startswith("sqlite"):
            size = Path(url.removeprefix("sqlite:///")).stat().st_size
        session.remove()
        db.engine.dispose()
    return {"mode": mode, "rows": n_rows, "seconds": seconds, "rows_per_second": n_rows / seconds,
            "message": message, "counts": counts, "rss_before_mb": round(rss_before, 1),
            "rss_after_mb": round(rss_after, 1), "tracemalloc_peak_mb":
            round(peak / 2**20, 1) if peak is not None else None, "db_bytes": size,
            "phases_seconds": {name: round(value, 2) for name, value in phases.items()},
            "rollup_seconds": rollup_seconds}


def _roll_up_afterwards(app) -> float:
    """How long the roll-up the command hands on takes (the scheduler's of the minute, or
    the job it queued with Redis): after the command, not in its time."""
    from mediation_app.stats.jobs import run_sync

    started = time.perf_counter()
    run_sync(app)
    return time.perf_counter() - started


def _kept(session) -> dict:
    """The kept history's state before a run: its last case id, the first id past its cases
    and handlings (for the bare side's explicit ids), its case counters."""
    from sqlalchemy import func, select

    from mediation_app.casefile.models import Case, CaseCounter, Handling

    if session.scalar(select(func.count(Case.id))) == 0:
        raise SystemExit("BENCH_REUSE=1: BENCH_DATABASE_URL holds no kept history "
                         "(python -m bench.seed_keep N first)")
    last_case = session.scalar(select(func.max(Case.id)))
    top = max(last_case, session.scalar(select(func.max(Handling.id))))
    counters = [tuple(row) for row in session.execute(
        select(CaseCounter.institution_id, CaseCounter.year, CaseCounter.last_seq))]
    session.commit()
    return {"first_id": top + 1, "last_case": last_case, "counters": counters}


def _written(mode: str, kept: dict | None):
    """The ids of the cases this run wrote: past the kept history's last case, and imported
    (the real side: their first event says so) or given an explicit id from first_id on
    (the bare sides) — never a case someone filed meanwhile."""
    from sqlalchemy import select

    from mediation_app.audit.models import CaseEvent
    from mediation_app.casefile.models import Case

    above = kept["last_case"] if kept else 0
    if mode.startswith("real"):
        return select(CaseEvent.case_id).where(CaseEvent.case_id > above,
                                               CaseEvent.action == "case.imported")
    return select(Case.id).where(Case.id >= (kept["first_id"] if kept else 1))


def _forget(session, kept: dict, written) -> None:
    """Delete what the run wrote on top of the kept history; put the counters back."""
    from sqlalchemy import delete, func, select, text, tuple_, update

    from mediation_app.audit.models import AuditHead, CaseEvent
    from mediation_app.casefile.models import Case, CaseCounter, Handling
    from mediation_app.stats.models import DirtyCase

    written = [case_id for (case_id,) in session.execute(written)]
    if session.get_bind().dialect.name == "postgresql" and session.scalar(
            text("SELECT current_setting('is_superuser')")) == "on":
        # nothing refers to the rows the run wrote: skip the per-row foreign key checks
        # (without them each deleted handling scans the tables that refer to handlings)
        session.execute(text("SET LOCAL session_replication_role = replica"))
    for start in range(0, len(written), 10_000):
        chunk = written[start:start + 10_000]
        # the audit trail queued every imported case for the statistics (stats_dirty): a
        # queue of more than maintenance.REBUILD_ABOVE makes the next read rebuild them all
        for model in (DirtyCase, AuditHead, CaseEvent, Handling):
            session.execute(delete(model).where(model.case_id.in_(chunk)))
        session.execute(delete(Case).where(Case.id.in_(chunk)))
    for institution_id, year, last_seq in kept["counters"]:
        taken = (select(func.coalesce(func.max(Case.seq), 0))
                 .where(Case.numbering_institution_id == institution_id, Case.year == year)
                 .scalar_subquery())
        session.execute(update(CaseCounter).where(
            CaseCounter.institution_id == institution_id, CaseCounter.year == year)
            .values(last_seq=func.greatest(last_seq, taken)))   # past any filed meanwhile
    session.execute(delete(CaseCounter).where(
        tuple_(CaseCounter.institution_id, CaseCounter.year).not_in(
            [(institution_id, year) for institution_id, year, _last in kept["counters"]])))
    session.execute(text("DROP TABLE IF EXISTS bench_ledger_rows"))
    session.commit()


def _time_phases(phases: dict) -> None:
    """Time the import's passes (this child process only): pass 1 (_stage: read, parse,
    check, staging writes), the case-number checks, pass 2 (create_cases), the staging
    DELETE. import_ledger looks these up in its module, so wrapping them there counts."""
    from mediation_app.ledger import services

    for module, name in ((services, "_stage"), (services, "_check_numbers"),
                         (services, "create_cases"), (services, "delete_staging")):
        original = getattr(module, name)

        def wrapper(*args, _original=original, _name=name, **kwargs):
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                phases[_name] = phases.get(_name, 0.0) + time.perf_counter() - started

        setattr(module, name, wrapper)


BARE_TABLE = """CREATE TABLE bench_ledger_rows (
  id {serial} PRIMARY KEY, case_no VARCHAR(64), institution_code VARCHAR(32) NOT NULL,
  channel VARCHAR(16) NOT NULL, source VARCHAR(32) NOT NULL, dispute_type VARCHAR(32) NOT NULL,
  region_code VARCHAR(32) NOT NULL, received_on DATE NOT NULL, outcome VARCHAR(16) NOT NULL,
  concluded_on DATE, parties INTEGER NOT NULL, amount NUMERIC(14, 2),
  agreement_amount NUMERIC(14, 2), summary VARCHAR(200) NOT NULL)"""


def _bare_setup(mode: str, session, *, first_id: int = 1) -> dict:
    from sqlalchemy import select, text

    from mediation_app.directory.models import Institution, Region
    from mediation_app.handlings.catalog import catalog, stored_version

    if mode == "bare_table":
        serial = "SERIAL" if session.get_bind().dialect.name == "postgresql" else "INTEGER"
        session.execute(text(BARE_TABLE.format(serial=serial)))
        return {}
    if mode not in ("bare_cases", COPY_MODE):
        return {}
    institutions = {}
    for institution in session.scalars(select(Institution)):
        filing = catalog().for_filing(institution.kind)
        if not filing:
            continue
        definition = filing[0]
        version = stored_version(session, catalog().sources[definition.name])
        institutions[institution.code] = (institution.id, version.id, institution.short_name)
    regions = dict(session.execute(select(Region.code, Region.id)).all())
    return {"institutions": institutions, "regions": regions, "first_id": first_id}


def _placeholders(engine, count: int) -> str:
    mark = "?" if engine.dialect.name == "sqlite" else "%s"
    return ", ".join([mark] * count)


def _amount(text_value: str, sqlite: bool):
    if not text_value:
        return None
    return text_value if sqlite else Decimal(text_value)


def _bare_table(engine, csv_path: str) -> str:
    """The floor: read, convert, executemany, commit."""
    sqlite = engine.dialect.name == "sqlite"
    statement = ("INSERT INTO bench_ledger_rows (case_no, institution_code, channel, source, "
                 "dispute_type, region_code, received_on, outcome, concluded_on, parties, "
                 f"amount, agreement_amount, summary) VALUES ({_placeholders(engine, 13)})")
    written = 0
    with engine.begin() as connection:          # BEGIN (IMMEDIATE, on SQLite) … COMMIT
        cursor = connection.connection.dbapi_connection.cursor()
        with open(csv_path, encoding="utf-8-sig", newline="") as stream:
            reader = csv.reader(stream)
            next(reader)
            batch = []
            for (case_no, code, channel, source, kind, region, received, outcome, concluded,
                 parties, amount, agreed, summary) in reader:
                batch.append((case_no or None, code, channel, source, kind, region,
                              date.fromisoformat(received), outcome,
                              date.fromisoformat(concluded) if concluded else None,
                              int(parties), _amount(amount, sqlite), _amount(agreed, sqlite),
                              summary))
                if len(batch) == BATCH:
                    cursor.executemany(statement, batch)
                    written += len(batch)
                    batch = []
            if batch:
                cursor.executemany(statement, batch)
                written += len(batch)
    return f"inserted {written} rows"


CASE_COLUMNS = ("id", "case_no", "numbering_institution_id", "year", "seq", "dispute_type",
                "source", "region_id", "summary", "description", "amount", "party_count",
                "received_on", "filed_at", "updated_at", "holder_institution_id", "channel",
                "state", "closed_at", "warning_flags", "is_flagged")
HANDLING_COLUMNS = ("id", "case_id", "institution_id", "workflow_version_id", "channel",
                    "is_mediation", "state", "outcome", "started_at", "accepted_at",
                    "concluded_at", "agreement_amount", "facts")


def _bare_rows(csv_path: str, setup: dict, sqlite: bool):
    """(case row, handling row) per ledger row: explicit ids from setup["first_id"], the
    columns the import fills, a number for rows without one."""
    institutions, regions = setup["institutions"], setup["regions"]
    states = {"pending": "accepted", "success": "succeeded", "failure": "failed",
              "withdrawn": "withdrawn"}
    now = datetime.utcnow().replace(microsecond=0)
    to_utc = timedelta(hours=8)
    with open(csv_path, encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream)
        next(reader)
        for number, (case_no, code, channel, source, kind, region, received, outcome,
                     concluded, parties, amount, agreed, summary) in enumerate(
                         reader, setup["first_id"]):
            institution_id, version_id, short = institutions[code]
            received_on = date.fromisoformat(received)
            accepted = datetime.combine(received_on, clock_time(9)) - to_utc
            closed = None if outcome == "pending" else \
                datetime.combine(date.fromisoformat(concluded), clock_time(18)) - to_utc
            state = states[outcome]
            yield ((number, case_no or f"{short}-{received_on.year}-{number}",
                    institution_id, received_on.year, number, kind, source,
                    regions[region], summary, "", _amount(amount, sqlite),
                    int(parties), received_on, accepted, now, institution_id,
                    channel, state, closed, "[]", False),
                   (number, number, institution_id, version_id, channel, True,
                    state, None if outcome == "pending" else outcome, accepted,
                    accepted, closed,
                    _amount(agreed, sqlite) if outcome == "success" else None, "{}"))


def _bare_cases(engine, csv_path: str, setup: dict) -> str:
    """cases + handlings with executemany in batches: no checks, no staging, no audit
    events."""
    sqlite = engine.dialect.name == "sqlite"
    insert_case = (f"INSERT INTO cases ({', '.join(CASE_COLUMNS)}) "
                   f"VALUES ({_placeholders(engine, len(CASE_COLUMNS))})")
    insert_handling = (f"INSERT INTO handlings ({', '.join(HANDLING_COLUMNS)}) "
                       f"VALUES ({_placeholders(engine, len(HANDLING_COLUMNS))})")
    written = 0
    with engine.begin() as connection:          # BEGIN (IMMEDIATE, on SQLite) … COMMIT
        cursor = connection.connection.dbapi_connection.cursor()
        cases, handlings = [], []
        for case_row, handling_row in _bare_rows(csv_path, setup, sqlite):
            cases.append(case_row)
            handlings.append(handling_row)
            if len(cases) == BATCH:
                cursor.executemany(insert_case, cases)
                cursor.executemany(insert_handling, handlings)
                written += len(cases)
                cases, handlings = [], []
        if cases:
            cursor.executemany(insert_case, cases)
            cursor.executemany(insert_handling, handlings)
            written += len(cases)
    return f"inserted {written} cases and handlings"


def _bare_copy(engine, csv_path: str, setup: dict) -> str:
    """The same rows as _bare_cases with COPY … FROM STDIN (PostgreSQL): the file read
    twice, once per table, in one transaction."""
    written = 0
    with engine.begin() as connection:
        cursor = connection.connection.dbapi_connection.cursor()
        for position, (table, columns) in enumerate((("cases", CASE_COLUMNS),
                                                     ("handlings", HANDLING_COLUMNS))):
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for rows in _bare_rows(csv_path, setup, False):
                    copy.write_row(rows[position])
                    written += position == 0
    return f"copied {written} cases and handlings"


# --- the parent --------------------------------------------------------------------------

def _run_child(mode: str, csv_path: Path, url: str, tmp: Path) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"{mode}-", dir=tmp))
    command = [sys.executable, "-m", "bench.ledger_import", "--child", mode, str(csv_path),
               url, str(work)]
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{mode} run failed ({done.returncode}):\n{done.stderr[-3000:]}"
                         f"\n{done.stdout[-1000:]}")
    found = json.loads(done.stdout.strip().splitlines()[-1])
    for path in sorted(work.rglob("*"), reverse=True):      # the run's database, now
        path.unlink() if path.is_file() else path.rmdir()
    work.rmdir()
    return found


def run(tmp: Path) -> dict:
    n_rows = _env_int("BENCH_LEDGER_ROWS", 100_000)
    reps = _env_int("BENCH_LEDGER_REPS", 3 if n_rows < 500_000 else 1)
    url = os.environ.get("BENCH_DATABASE_URL", "")
    dialect = "postgresql" if url.startswith("postgresql") else "sqlite"
    from mediation_app.db import utcnow
    from mediation_app.domain.case_numbers import DEFAULT_FORMAT

    from .seed import HISTORY_INSTITUTIONS

    numbering = {code: (DEFAULT_FORMAT, short) for code, _n, _k, _w, short, _s
                 in HISTORY_INSTITUTIONS}
    csv_path = tmp / f"ledger-{n_rows}.csv"
    started = time.perf_counter()
    today = utcnow().date() - timedelta(days=1)
    write_ledger(csv_path, n_rows, today=today, numbering=numbering,
                 first_seq=KEPT_FIRST_SEQ if _reusing() else 1)
    write_seconds = time.perf_counter() - started
    modes = MODES + ((COPY_MODE,) if dialect == "postgresql" else ())
    print(f"wrote {n_rows:,} ledger rows ({csv_path.stat().st_size / 2**20:.1f} MB) in "
          f"{write_seconds:.1f} s; {reps} repetition(s) of {', '.join(modes)} "
          f"({dialect}, {_fresh_words()}) ...", flush=True)
    runs: dict[str, list[dict]] = {mode: [] for mode in modes}
    for rep in range(reps):
        order = modes[rep % len(modes):] + modes[:rep % len(modes)]
        for mode in order:
            found = _run_child(mode, csv_path, url, tmp)
            runs[mode].append(found)
            print(f"  {mode}: {found['seconds']:.1f} s, {found['rows_per_second']:,.0f} rows/s, "
                  f"ru_maxrss {found['rss_before_mb']:.0f} → {found['rss_after_mb']:.0f} MB "
                  f"({found['message']})", flush=True)
    traced = {"tracemalloc_peak_mb": None, "seconds": None}
    if os.environ.get("BENCH_LEDGER_TRACEMALLOC", "1") != "0":
        print("  real with tracemalloc (untimed) ...", flush=True)
        traced = _run_child("real_tracemalloc", csv_path, url, tmp)
        print(f"  tracemalloc peak {traced['tracemalloc_peak_mb']:.1f} MB "
              f"({traced['seconds']:.1f} s under tracemalloc)", flush=True)

    for found in runs["real"] + ([traced] if "counts" in traced else []):
        counts = found["counts"]
        if (counts["cases"], counts["handlings"], counts["events"], counts["staging"]) != \
                (n_rows, n_rows, n_rows, 0):
            raise SystemExit(f"the import left {counts} for {n_rows} rows")
    for found in runs["bare_table"]:
        if found["counts"]["rows"] != n_rows:
            raise SystemExit(f"the bare insert left {found['counts']}")
    medians = {mode: statistics.median(f["seconds"] for f in found)
               for mode, found in runs.items()}
    return {
        "benchmark": "ledger_import",
        "database": dialect,
        "kept_history": url.rsplit("/", 1)[-1] if _reusing() else None,
        "sqlite": __import__("sqlite3").sqlite_version if dialect == "sqlite" else None,
        "python": platform.python_version(),
        "rows": n_rows,
        "csv_bytes": csv_path.stat().st_size,
        "repetitions": reps,
        "median_seconds": {mode: round(value, 2) for mode, value in medians.items()},
        "rows_per_second": {mode: round(n_rows / value) for mode, value in medians.items()},
        "ratio_vs_bare_table": round(medians["real"] / medians["bare_table"], 2),
        "ratio_vs_bare_cases": round(medians["real"] / medians["bare_cases"], 2),
        "rows_per_second_ratio": {mode: round(medians[mode] / medians["real"], 3)
                                  for mode in medians if mode != "real"},
        "target_rows_per_second_ratio": TARGET,
        "rss_mb": {mode: {"before": max(f["rss_before_mb"] for f in found),
                          "after": max(f["rss_after_mb"] for f in found)}
                   for mode, found in runs.items()},
        "tracemalloc_peak_mb": traced["tracemalloc_peak_mb"],
        "tracemalloc_run_seconds": round(traced["seconds"], 1) if traced["seconds"] else None,
        "db_bytes": {mode: found[-1]["db_bytes"] for mode, found in runs.items()},
        "real_phases_seconds": _median_run(runs["real"]).get("phases_seconds"),
        "rollup_seconds_afterwards": _median_run(runs["real"]).get("rollup_seconds"),
        "runs": runs,
    }


def _median_run(found: list[dict]) -> dict:
    return sorted(found, key=lambda f: f["seconds"])[len(found) // 2]


def report(r: dict) -> str:
    engine = r["database"] + (f" {r['sqlite']}" if r["sqlite"] else "")
    rss = r["rss_mb"]
    kept = r.get("kept_history")
    lines = [
        f"ledger import benchmark — {engine}, Python {r['python']}"
        + (f", on top of the kept history in {kept} (removed again after each run)"
           if kept else ""),
        (f"  {r['rows']:,} rows ({r['csv_bytes'] / 2**20:.1f} MB CSV); medians of "
         f"{r['repetitions']} run(s) each, every run {_fresh_words(kept)}:"),
    ]
    for mode in r["median_seconds"]:
        db_size = r["db_bytes"].get(mode)
        lines.append(
            f"  {LABELS[mode]:<38} {r['median_seconds'][mode]:8.2f} s  "
            f"{r['rows_per_second'][mode]:>9,} rows/s   ru_maxrss {rss[mode]['before']:.0f} → "
            f"{rss[mode]['after']:.0f} MB" + (f"   database {db_size / 2**20:.0f} MB"
                                               if db_size else ""))
    phases = r.get("real_phases_seconds") or {}
    if phases:
        lines.append("  inside the import (median run): " + ", ".join(
            f"{PHASES.get(name, name)} {seconds:.2f} s" for name, seconds in phases.items()))
    if r.get("rollup_seconds_afterwards") is not None:
        lines.append("  statistics roll-up of the import afterwards (the scheduler's, or the "
                     "queued job's; not in the command's time): "
                     f"{r['rollup_seconds_afterwards']:.2f} s")
    lines += [
        (f"  import / bare table = {r['ratio_vs_bare_table']:.2f}×, import / bare cases + "
         f"handlings = {r['ratio_vs_bare_cases']:.2f}×"),
        "  import rows/s ÷ bare rows/s: " + ", ".join(
            f"{LABELS[mode]} {ratio:.2f}×" for mode, ratio in r["rows_per_second_ratio"].items()),
        (f"  target ≥ {r['target_rows_per_second_ratio']:g}× bare executemany into cases + "
         "handlings: " + ("met" if r["rows_per_second_ratio"]["bare_cases"]
                          >= r["target_rows_per_second_ratio"] else "NOT met")),
        (f"  import memory: process peak (ru_maxrss) {rss['real']['after']:.0f} MB, "
         f"{rss['real']['after'] - rss['real']['before']:+.0f} MB over the "
         f"{rss['real']['before']:.0f} MB before the import; tracemalloc peak "
         + (f"{r['tracemalloc_peak_mb']:.1f} MB (Python allocations, separate run)"
            if r["tracemalloc_peak_mb"] is not None else "not measured")),
    ]
    return "\n".join(lines)


def main() -> int:
    warnings.filterwarnings("ignore", message=".*in-memory storage.*")
    with tempfile.TemporaryDirectory(prefix="mediation-bench-") as tmp:
        results = run(Path(tmp))
    print()
    print(report(results))
    name = RESULTS if results["rows"] == 100_000 else \
        RESULTS.with_name(f"ledger_import_{results['rows']}.json")
    name.parent.mkdir(parents=True, exist_ok=True)
    name.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    shown = name.relative_to(Path.cwd()) if name.is_relative_to(Path.cwd()) else name
    print(f"  results written to {shown}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _mode, _csv, _url, _tmp = sys.argv[2:6]
        print(json.dumps(child(_mode, _csv, _url, _tmp)))
        sys.exit(0)
    sys.exit(main())
