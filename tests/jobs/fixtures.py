"""A real Redis for the queue tests (TEST_REDIS_URL, e.g. redis://127.0.0.1:6379/15; the tests
are skipped without it), emptied before and after each test: only that database is flushed.
In a parallel run each worker takes the database below the previous one's (gw1: 14)."""

import os

import pytest

from mediation_app.jobs.queue import QUEUE_NAME

from ..factories import PASSWORD


@pytest.fixture
def redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set")
    url = _worker_database(url)
    from redis import Redis

    redis = Redis.from_url(url)
    try:
        redis.ping()
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"no Redis at {url}: {error}")
    redis.flushdb()
    yield url
    redis.flushdb()
    redis.close()


def _worker_database(url: str) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    base, _, number = url.rpartition("/")
    return f"{base}/{int(number or 0) - int(worker.removeprefix('gw'))}"


@pytest.fixture
def queued_app(other_app, redis_url):
    """An app whose jobs go on the Redis queue."""
    return other_app(REDIS_URL=redis_url, WTF_CSRF_ENABLED=False)


@pytest.fixture
def sign_in(queued_app, session):
    """A client of the queued app signed in as `user`."""
    def client_of(user):
        username = user.username
        session.rollback()  # SQLite: an open transaction would hold the lock sign-in needs
        client = queued_app.test_client()
        assert client.post("/login", data={"username": username,
                                           "password": PASSWORD}).status_code == 302
        return client

    return client_of


@pytest.fixture
def work(session):
    """Run the queue's jobs in this process until it is empty, as a worker of `app` does."""
    from redis import Redis
    from rq import Queue, SimpleWorker

    def burst(app) -> int:
        session.rollback()  # SQLite: an open read would hold the lock the job needs
        redis = Redis.from_url(app.config["REDIS_URL"])
        queue = Queue(QUEUE_NAME, connection=redis)
        waiting = queue.count
        with app.app_context():
            SimpleWorker([queue], connection=redis).work(burst=True)
        redis.close()
        return waiting

    return burst


@pytest.fixture
def renders(monkeypatch):
    """Where each PDF rendered during the test was rendered: "request" (in a web request)
    or "job" (outside any request, as a queue worker renders)."""
    from flask import has_request_context

    from mediation_app.documents import rendering

    where, html_to_pdf = [], rendering.html_to_pdf

    def noted(html: str) -> bytes:
        where.append("request" if has_request_context() else "job")
        return html_to_pdf(html)

    monkeypatch.setattr(rendering, "html_to_pdf", noted)
    return where
