"""Imports whose process died (a restart, a killed worker) would stay "running" for ever
and keep their staging rows: past LEDGER_IMPORT_STALE_MINUTES they are marked failed and
their staging rows deleted. The scheduler does this when it starts and every few minutes.

An import writes its cases in one transaction, so a dead one wrote no case: only the
staging rows of its checking phase are left."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..db import db
from ..labels import N_
from ..transaction import unit_of_work
from .models import LedgerImport
from .services import delete_staging

STALE_MESSAGE = N_("The import stopped before it finished (the server was restarted); "
                   "nothing was written. Please upload the file again.")


def reap_stale_imports(session: Session, *, now: datetime, stale_after: timedelta) -> list[int]:
    """Fail every queued or running import started before now - stale_after; their ids."""
    stale = session.execute(
        select(LedgerImport.id, LedgerImport.import_key)
        .where(LedgerImport.status.in_(("queued", "running")),
               LedgerImport.created_at < now - stale_after)
    ).all()
    reaped = []
    for import_id, import_key in stale:
        won = session.execute(
            update(LedgerImport)
            .where(LedgerImport.id == import_id, LedgerImport.status.in_(("queued", "running")))
            .values(status="failed", finished_at=now, message=STALE_MESSAGE)
        ).rowcount
        if won == 1:
            delete_staging(session, import_key)
            reaped.append(import_id)
    session.flush()
    return reaped


def run_reaper(app, now: datetime) -> list[int]:
    """The scheduler's job: reap in its own transaction."""
    with app.app_context(), unit_of_work(db.session):
        return reap_stale_imports(
            db.session, now=now,
            stale_after=timedelta(minutes=app.config["LEDGER_IMPORT_STALE_MINUTES"]))
