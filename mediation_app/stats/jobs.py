"""The scheduler's part of the rollups: roll up the changed cases every minute, so that a
reader's sync (stats.maintenance.sync) finds little left to do. A writer that queued many
cases at once (a ledger import) hands their roll-up on with `hand_on_roll_up`."""

from __future__ import annotations

import logging

from flask import Flask

from ..db import db
from ..jobs import enqueue
from ..jobs.runtime import job_app
from ..transaction import unit_of_work
from .maintenance import REBUILD_ABOVE, sync

log = logging.getLogger(__name__)


def run_sync(app: Flask) -> int:
    """Roll up the queued cases; returns how many were queued."""
    with app.app_context(), unit_of_work(db.session):
        queued = sync(db.session, rebuild_above=REBUILD_ABOVE)
    if queued:
        log.info("statistics: %s changed cases rolled up", queued)
    return queued


def hand_on_roll_up() -> str:
    """Have the committed changes rolled up soon, not by the caller: a job on the queue
    with REDIS_URL set, else the scheduler's roll-up of the minute. Until then a reader's
    sync rolls them up before reading, so figures stay exact. Returns where it went
    ("queue" or "scheduler")."""
    return enqueue("stats_rollup").mode


def rollup_job() -> int:
    """The queued job: roll up the queued cases in the worker's app (or the current one)."""
    return run_sync(job_app())
