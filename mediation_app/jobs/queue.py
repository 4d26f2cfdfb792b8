"""enqueue(name, **kwargs): on the RQ queue when REDIS_URL is set, else in-process."""

from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from flask import Flask, current_app

from .registry import JOBS, THREAD
from .runtime import resolve

log = logging.getLogger(__name__)
JOB_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
QUEUE_NAME = "mediation"
RESULT_TTL_SECONDS = 24 * 3600
FAILURE_TTL_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Handle:
    mode: str  # "queue", "thread", "scheduler" or "inline"
    job_id: str | None = None
    thread: threading.Thread | None = None


def redis_url(app: Flask) -> str | None:
    """REDIS_URL from the app's configuration, else the environment; None turns it off."""
    return app.config.get("REDIS_URL", os.environ.get("REDIS_URL")) or None


@lru_cache(maxsize=4)
def connection(url: str):
    """One client (and connection pool) per URL and process; redis-py renews it after a
    fork."""
    from redis import Redis

    return Redis.from_url(url)


def rq_queue(url: str):
    from rq import Queue

    return Queue(QUEUE_NAME, connection=connection(url))


def enqueue(name: str, **kwargs) -> Handle:
    """Run job `name` with `kwargs` (plain values). Call it once what the job reads is
    committed. Should Redis be unreachable the job runs in-process and the failure is
    logged."""
    job, app = JOBS[name], current_app._get_current_object()
    url = redis_url(app)
    if url:
        try:
            queued = rq_queue(url).enqueue(
                job.path, kwargs=kwargs, job_timeout=job.timeout_seconds,
                result_ttl=RESULT_TTL_SECONDS, failure_ttl=FAILURE_TTL_SECONDS,
                description=f"{name} {kwargs}")
            return Handle("queue", job_id=queued.id)
        except Exception:
            log.exception("could not queue %s %s on Redis; running it in-process", name, kwargs)
    if job.in_process != THREAD:
        return Handle(job.in_process)
    thread = threading.Thread(target=_run_in_app, args=(app, job.path, kwargs),
                              name=f"{name}-{'-'.join(map(str, kwargs.values()))}", daemon=True)
    thread.start()
    return Handle(THREAD, thread=thread)


@dataclass(frozen=True)
class Outcome:
    """What became of a queued job: waiting (queued or running), done or failed; its name
    in the registry, the keywords it was queued with and, once done, what it returned."""

    state: str
    kwargs: dict
    result: object = None
    name: str | None = None


def outcome(app: Flask, job_id: str) -> Outcome | None:
    """The queued job `job_id`; None without REDIS_URL, or when Redis does not know it
    (never queued, or forgotten a day after it ended)."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus

    url = redis_url(app)
    if url is None or not JOB_ID.fullmatch(job_id):
        return None
    try:
        job = Job.fetch(job_id, connection=connection(url))
        status = job.get_status(refresh=False)
    except NoSuchJobError:
        return None
    name = next((name for name, each in JOBS.items() if each.path == job.func_name), None)
    if status == JobStatus.FINISHED:
        return Outcome("done", job.kwargs, job.return_value(), name)
    if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
        return Outcome("failed", job.kwargs, name=name)
    return Outcome("waiting", job.kwargs, name=name)


def _run_in_app(app: Flask, path: str, kwargs: dict) -> None:
    with app.app_context():
        resolve(path)(**kwargs)
