"""Scheduler jobs of the parties' front door."""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Flask

from ..db import db, utcnow
from ..transaction import unit_of_work
from .appointments import send_reminders
from .video import JitsiConfig

log = logging.getLogger(__name__)


def run_appointment_reminders(app: Flask, *, now: datetime | None = None) -> int:
    """Remind every party of tomorrow's sessions; safe to run every hour."""
    with app.app_context(), unit_of_work(db.session):
        queued = send_reminders(db.session, now=now or utcnow(),
                                jitsi=JitsiConfig.from_config(app.config))
    if queued:
        log.info("appointment reminders: %s queued", queued)
    return queued
