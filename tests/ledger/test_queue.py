"""With TEST_REDIS_URL: a web upload's import is a job on Redis that a real RQ worker runs;
its writing progress is in Redis, read by any process. After an import the statistics
roll-up is a job on the queue too."""

import io

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import func, select, update

from mediation_app.casefile.models import Case
from mediation_app.jobs import progress
from mediation_app.jobs.queue import QUEUE_NAME
from mediation_app.ledger import jobs
from mediation_app.ledger.models import LedgerImport
from mediation_app.stats.models import DirtyCase, HandlingFact

from ..factories import PASSWORD
from ..jobs import fixtures
from .conftest import csv_text

queued_app, redis_url, work = fixtures.queued_app, fixtures.redis_url, fixtures.work


@pytest.fixture
def mediator(make, world):
    user = make.user(institution=world.committee)
    make.commit()
    return user


@pytest.fixture
def upload(queued_app, mediator, session):
    username = mediator.username
    session.rollback()  # SQLite: an open transaction would hold the lock sign-in needs
    client = queued_app.test_client()
    assert client.post("/login", data={"username": username,
                                       "password": PASSWORD}).status_code == 302

    def send(content: str) -> tuple:
        session.rollback()
        response = client.post("/ledger/", content_type="multipart/form-data",
                               data={"file": (io.BytesIO(content.encode()), "台账.csv")})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client, int(response.headers["Location"].rstrip("/").split("/")[-1])

    return send


def test_an_uploaded_ledger_waits_on_the_queue_and_a_worker_imports_it(
        upload, row, session, queued_app, work):
    client, import_id = upload(csv_text([row(case_no="Q-1"), row(case_no="Q-2")]))
    assert import_id not in jobs._threads
    assert client.get(f"/ledger/imports/{import_id}.json").get_json()["status"] == "queued"
    assert work(queued_app) == 1
    cases = session.scalars(select(Case.case_no).order_by(Case.case_no)).all()
    assert cases == ["Q-1", "Q-2"]
    session.rollback()
    status = client.get(f"/ledger/imports/{import_id}.json").get_json()
    assert (status["status"], status["imported"], status["processed_rows"]) == ("done", 2, 2)


def test_another_app_reads_the_writing_progress_of_a_worker_from_redis(
        upload, row, queued_app, other_app, redis_url, work, monkeypatch):
    _client, import_id = upload(csv_text([row(case_no=f"P-{n}") for n in range(3)]))
    reader, seen = other_app(REDIS_URL=redis_url), []
    record = progress.record

    def record_and_read(app, key, done, total):
        record(app, key, done, total)
        seen.append((app.name, jobs.live_progress(reader, import_id)))

    monkeypatch.setattr(progress, "record", record_and_read)
    work(queued_app)
    assert seen == [(queued_app.name, (3, 3))]
    assert jobs.live_progress(reader, import_id) is None  # cleared once finished


def test_an_import_reaped_while_queued_is_not_run_by_the_worker(
        upload, row, session, queued_app, work):
    _client, import_id = upload(csv_text([row(case_no="R-1")]))
    session.execute(update(LedgerImport).where(LedgerImport.id == import_id)
                    .values(status="failed"))
    session.commit()
    work(queued_app)
    assert session.scalars(select(Case.case_no)).all() == []
    assert session.get(LedgerImport, import_id).status == "failed"


def _facts_and_queued(session) -> tuple[int, int]:
    session.rollback()
    return (session.scalar(select(func.count()).select_from(HandlingFact)),
            session.scalar(select(func.count(func.distinct(DirtyCase.case_id)))))


def test_the_command_queues_the_roll_up_and_a_worker_rolls_the_imported_cases_up(
        queued_app, redis_url, row, session, work, tmp_path):
    path = tmp_path / "台账.csv"
    path.write_text(csv_text([row(case_no="S-1"), row(case_no="S-2")]), encoding="utf-8-sig")
    session.rollback()

    with queued_app.app_context():      # the command runs in the current app's context
        result = queued_app.test_cli_runner().invoke(args=["ledger", "import", str(path)])

    assert result.exit_code == 0, result.output
    waiting = Queue(QUEUE_NAME, connection=Redis.from_url(redis_url)).jobs
    assert [job.func_name for job in waiting] == ["mediation_app.stats.jobs.rollup_job"]
    assert _facts_and_queued(session) == (0, 2)
    assert work(queued_app) == 1
    assert _facts_and_queued(session) == (2, 0)


def test_an_uploaded_ledger_imported_by_a_worker_is_then_rolled_up_by_the_queue(
        upload, row, session, queued_app, work):
    upload(csv_text([row(case_no="W-1"), row(case_no="W-2")]))

    work(queued_app)            # the import, then the roll-up it queued

    assert _facts_and_queued(session) == (2, 0)
