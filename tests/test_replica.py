"""Statistics, ledger exports and monthly reports read from a PostgreSQL streaming replica
when DATABASE_REPLICA_URL is set; a replica that has not replayed what the primary
committed is passed over for the primary, so a figure never misses what was just saved.

The test sets up its own primary and streaming replica on this machine (initdb, then
pg_basebackup -R: two clusters on free ports, run as the postgres user), and tells the
statements sent to each apart."""

import csv
import io
import os
import shutil
import socket
import subprocess
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text

from mediation_app import create_app
from mediation_app.db import utcnow
from mediation_app.extensions import db
from mediation_app.handlings.services import fire_transition
from mediation_app.monthly.jobs import generate_once
from mediation_app.monthly.models import MonthlyReport
from mediation_app.stats.definitions import CHINA

from . import factories
from .factories import PASSWORD

BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup"))

pytestmark = [
    pytest.mark.xdist_group("replica"),  # its module fixture runs once, on one worker
    pytest.mark.postgres_only,
    pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                       reason="PostgreSQL tests run when TEST_DATABASE_URL is set"),
    pytest.mark.skipif(not BINARIES or not shutil.which("runuser") or os.geteuid() != 0,
                       reason="needs the PostgreSQL server binaries and root to run them as "
                              "the postgres user"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_postgres(*command: str) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True,
                   capture_output=True, timeout=180)


def _start(binaries: Path, folder: Path, port: int) -> None:
    _as_postgres(str(binaries / "pg_ctl"), "-D", str(folder), "-w", "-l", f"{folder}.log",
                 "-o", f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories="
                       f"{folder.parent} -c fsync=off", "start")


@pytest.fixture(scope="module")
def clusters():
    """(primary URL, replica URL) of a primary and its streaming replica, stopped after.
    Their folder is outside pytest's (which only root may enter)."""
    binaries, root = BINARIES[-1].parent, Path(tempfile.mkdtemp(prefix="replication-"))
    shutil.chown(root, "postgres")
    primary, standby = root / "primary", root / "replica"
    ports = _free_port(), _free_port()
    _as_postgres(str(binaries / "initdb"), "-D", str(primary), "-U", "postgres",
                 "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
    _start(binaries, primary, ports[0])
    try:
        _as_postgres(str(binaries / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(ports[0]),
                     "-U", "postgres", "-D", str(standby), "-R", "-X", "stream")
        _start(binaries, standby, ports[1])
        yield tuple(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres" for port in ports)
    finally:
        for folder in (standby, primary):
            if (folder / "postmaster.pid").exists():
                _as_postgres(str(binaries / "pg_ctl"), "-D", str(folder), "-m", "immediate",
                             "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def app(clusters, tmp_path_factory):
    primary, standby = clusters
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": primary, "DATABASE_REPLICA_URL": standby,
                      "MEDIATION_STORAGE": str(tmp_path_factory.mktemp("storage"))})
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()
    app.extensions["replica_engine"].dispose()


@pytest.fixture
def make(app):
    with app.app_context():
        yield factories.Factories(db.session)


@pytest.fixture
def statements(app):
    """The statements sent to each server while the test runs."""
    sent = {"primary": [], "replica": []}

    def on(name):
        def record(_conn, _cursor, statement, *_args):
            sent[name].append(statement)
        return record

    with app.app_context():
        engines = {"primary": db.engine, "replica": app.extensions["replica_engine"]}
    listeners = {name: on(name) for name in engines}
    for name, engine in engines.items():
        event.listen(engine, "before_cursor_execute", listeners[name])
    yield sent
    for name, engine in engines.items():
        event.remove(engine, "before_cursor_execute", listeners[name])


@pytest.fixture
def replay_paused(clusters):
    engine = create_engine(clusters[1], isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_wal_replay_pause()"))
        yield
        connection.execute(text("SELECT pg_wal_replay_resume()"))
    engine.dispose()


def _reading_rollups(sent: list[str]) -> bool:
    return any("stats_daily" in statement and statement.lstrip().upper().startswith(
        ("SELECT", "WITH")) for statement in sent)


def _signed_in(app, user):
    client = app.test_client()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _received_this_month(client) -> int:
    today = datetime.now(CHINA).date()
    body = client.get(f"/stats/export.csv?start={today.replace(day=1)}&end={today}")
    rows = list(csv.reader(io.StringIO(body.get_data(as_text=True).lstrip("\ufeff"))))
    return int(rows[1][rows[0].index("received")])


def _accepted_case(make, mediator) -> None:
    case = make.case(by=mediator, received_on=date.today())
    fire_transition(make.session, case, "accept", actor=mediator, now=utcnow())
    make.commit()


def _committee_with_a_case(make):
    mediator = make.user()
    reader = make.user(role="committee", institution=make.institution(
        kind="committee", region=mediator.institution.region))
    _accepted_case(make, mediator)
    return mediator, reader


def test_the_statistics_read_the_replica_and_include_what_was_just_saved(app, make, statements):
    _mediator, reader = _committee_with_a_case(make)

    received = _received_this_month(_signed_in(app, reader))

    assert received == 1
    assert _reading_rollups(statements["replica"])
    assert not _reading_rollups(statements["primary"])


def test_a_replica_that_has_not_replayed_the_last_commit_is_passed_over(
        app, make, statements, replay_paused, caplog):
    mediator, reader = _committee_with_a_case(make)
    _accepted_case(make, mediator)

    received = _received_this_month(_signed_in(app, reader))

    assert received == 2
    assert _reading_rollups(statements["primary"])
    assert not _reading_rollups(statements["replica"])
    assert "the read replica has not replayed" in caplog.text


def test_a_ledger_export_reads_the_replica(app, make, statements):
    mediator, _reader = _committee_with_a_case(make)

    exported = _signed_in(app, mediator).get("/ledger/export?format=csv&codes=y").get_data(
        as_text=True)

    assert len(exported.strip().splitlines()) == 2          # the header and the one case
    assert any("FROM cases" in statement for statement in statements["replica"])


def test_the_monthly_report_job_reads_its_figures_from_the_replica(app, make, statements):
    _mediator, reader = _committee_with_a_case(make)
    today = datetime.now(CHINA).date()
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)

    with app.app_context():
        region_id = reader.institution.region_id
    outcome = generate_once(app, region_id, today.strftime("%Y-%m"),
                            now=datetime(next_month.year, next_month.month, 2))

    assert outcome.status == "generated"
    with app.app_context():
        report = db.session.get(MonthlyReport, outcome.report_id)
        assert report.figures["totals"]["received"] == 1
    assert _reading_rollups(statements["replica"])
    assert not _reading_rollups(statements["primary"])
