"""With TEST_REDIS_URL: a reader's request is a job on Redis that a real RQ worker makes; the
scheduler leaves a freshly queued request to the queue."""

from datetime import timedelta

from redis import Redis
from rq import Queue
from sqlalchemy import select

from mediation_app.db import utcnow
from mediation_app.jobs.queue import QUEUE_NAME
from mediation_app.monthly import jobs
from mediation_app.monthly.models import MonthlyReport, MonthlyReportRequest

from ..factories import PASSWORD
from ..jobs import fixtures
from .helpers import build_world

queued_app, redis_url, work = fixtures.queued_app, fixtures.redis_url, fixtures.work


def _sign_in(app, session, username):
    session.rollback()
    client = app.test_client()
    assert client.post("/login", data={"username": username,
                                       "password": PASSWORD}).status_code == 302
    return client


def _reader(session, world):
    from mediation_app.auth.models import User

    return session.get(User, world.reader_id).username


def test_a_requested_report_is_queued_and_made_by_a_worker(make, session, queued_app,
                                                           redis_url, work):
    world = build_world(make, cases=False)
    client = _sign_in(queued_app, session, _reader(session, world))
    response = client.post("/reports/requests", data={"month": "2026-09",
                                                      "region": world.district_id})
    assert response.status_code == 302
    [job] = Queue(QUEUE_NAME, connection=Redis.from_url(redis_url)).get_jobs()
    request = session.scalar(select(MonthlyReportRequest))
    assert (request.status, job.kwargs) == ("queued", {"request_id": request.id})
    session.rollback()
    assert work(queued_app) == 1
    done = session.scalar(select(MonthlyReportRequest))
    report = session.get(MonthlyReport, done.report_id)
    assert (done.status, report.region_id, report.month, report.version) == (
        "done", world.district_id, "2026-09", 1)
    report_id = report.id
    session.rollback()
    assert f"/reports/{report_id}.pdf" in client.get("/reports/").get_data(as_text=True)


def test_with_redis_the_scheduler_takes_only_requests_the_queue_left_waiting(
        make, session, other_app):
    world = build_world(make, cases=False)
    app = other_app(REDIS_URL="redis://127.0.0.1:6379/15")
    session.add(MonthlyReportRequest(region_id=world.district_id, month="2026-09",
                                     requested_by_id=world.reader_id, status="queued",
                                     created_at=utcnow()))
    session.commit()
    assert jobs.run_requests(app, utcnow()) == []
    [outcome] = jobs.run_requests(app, utcnow() + jobs.QUEUED_REQUEST_GRACE
                                  + timedelta(seconds=1))
    assert outcome.status == "generated"
    assert session.scalar(select(MonthlyReportRequest.status)) == "done"
