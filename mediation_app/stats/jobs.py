"""The scheduler's part of the rollups: roll up the changed cases every minute, so that a
reader's sync (stats.maintenance.sync) finds little left to do."""

from __future__ import annotations

import logging

from flask import Flask

from ..db import db
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
