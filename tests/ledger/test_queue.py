"""With TEST_REDIS_URL: a web upload's import is a job on Redis that a real RQ worker runs;
its writing progress is in Redis, read by any process."""

import io

import pytest
from sqlalchemy import select, update

from mediation_app.casefile.models import Case
from mediation_app.jobs import progress
from mediation_app.ledger import jobs
from mediation_app.ledger.models import LedgerImport

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
