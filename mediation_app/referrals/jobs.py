"""The scheduler's part of the referral loop: outcome reports not yet delivered (the sender
had nobody to tell) or not yet written, run before each outbox drain."""

from __future__ import annotations

import logging

from flask import Flask

from ..db import db, utcnow
from ..transaction import unit_of_work
from .outcomes import deliver_pending

log = logging.getLogger(__name__)


def report_pending_outcomes(app: Flask, *, now=None) -> int:
    with app.app_context(), unit_of_work(db.session) as session:
        count = deliver_pending(session, now=now or utcnow())
    if count:
        log.info("outcome reports delivered late: %s", count)
    return count
