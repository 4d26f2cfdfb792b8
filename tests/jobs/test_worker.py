"""With TEST_REDIS_URL: enqueue() puts jobs on Redis and a real RQ worker runs them."""

from redis import Redis
from rq import Queue

from mediation_app.jobs import enqueue, outcome, progress
from mediation_app.jobs.queue import QUEUE_NAME

from . import fixtures

queued_app, redis_url, work = fixtures.queued_app, fixtures.redis_url, fixtures.work


def test_with_redis_a_job_waits_on_the_queue_for_a_worker(queued_app, redis_url):
    with queued_app.app_context():
        handle = enqueue("monthly_request", request_id=41)
    [job] = Queue(QUEUE_NAME, connection=Redis.from_url(redis_url)).get_jobs()
    assert (handle.mode, handle.thread, handle.job_id) == ("queue", None, job.id)
    assert (job.func_name, job.kwargs) == ("mediation_app.monthly.jobs.request_job",
                                           {"request_id": 41})


def test_progress_recorded_by_one_app_is_read_by_another(queued_app, other_app,
                                                        redis_url):
    reader = other_app(REDIS_URL=redis_url)
    progress.record(queued_app, "ledger-import:5", 3000, 10000)
    assert progress.read(reader, "ledger-import:5") == (3000, 10000)
    progress.clear(queued_app, "ledger-import:5")
    assert progress.read(reader, "ledger-import:5") is None


def test_a_queued_job_is_waiting_until_a_worker_has_run_it(queued_app, work):
    with queued_app.app_context():
        handle = enqueue("document_issue", case_id=-1, what="step", actor_id=-1,
                         public_url="http://verify.test/", kind="application")
    waiting = outcome(queued_app, handle.job_id)
    assert (waiting.state, waiting.kwargs["case_id"]) == ("waiting", -1)
    work(queued_app)
    assert outcome(queued_app, handle.job_id).state == "failed"  # no such case


def test_an_address_that_is_no_job_id_of_the_queue_is_no_job(queued_app):
    assert outcome(queued_app, "rq:queue:mediation") is None
