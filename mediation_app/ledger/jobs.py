"""Running a web upload's import in a background thread, recording its progress.

While rows are checked, progress is committed with each batch (the staging rows go with
it: they are scratch, deleted at the end whatever happens). While cases are written the
import is one transaction, so progress is kept in memory for this process's status page
and the outcome committed at the end."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from uuid import uuid4

from flask import Flask
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..access import policy
from ..auth.models import User
from ..db import db, utcnow
from ..handlings.catalog import catalog
from ..labels import N_
from ..stats.maintenance import REBUILD_ABOVE, sync
from ..storage import Storage
from .files import count_rows, open_rows
from .models import LedgerImport
from .reasons import as_record
from .services import ImportRefused, delete_staging, import_ledger
from .targets import Target

log = logging.getLogger(__name__)

_live: dict[int, tuple[int, int | None]] = {}  # import id -> (written, total) while writing
_threads: dict[int, threading.Thread] = {}


def jurisdiction(user: User) -> Callable[[Target], bool]:
    """The institutions the user may import into (access.policy.import_jurisdiction)."""
    rule = policy.import_jurisdiction(user)
    if rule is None:
        return lambda target: False
    return lambda target: rule.admits_institution(target.id, target.region_path)


def dispute_regions(user: User) -> Callable[[str], bool]:
    """The dispute regions (by path) the user may file cases in, as when filing by hand."""
    rule = policy.import_jurisdiction(user)
    if rule is None:
        return lambda region_path: False
    return rule.admits_dispute_region


def queue_import(session: Session, *, user: User, filename: str, storage_key: str,
                 file_kind: str, dry_run: bool, now: datetime) -> LedgerImport:
    """Record an uploaded file's import, to be started once committed."""
    record = LedgerImport(user_id=user.id, filename=filename, file_kind=file_kind,
                          storage_key=storage_key, import_key=uuid4().hex, dry_run=dry_run,
                          status="queued", created_at=now)
    session.add(record)
    session.flush()
    return record


def start(app: Flask, import_id: int) -> threading.Thread:
    thread = threading.Thread(target=run, args=(app, import_id), name=f"ledger-import-{import_id}",
                              daemon=True)
    _threads[import_id] = thread
    thread.start()
    return thread


def wait(import_id: int, timeout: float | None = None) -> None:
    """Wait for an import started by this process (tests, shutdown)."""
    thread = _threads.get(import_id)
    if thread is not None:
        thread.join(timeout)


def live_progress(import_id: int) -> tuple[int, int | None] | None:
    return _live.get(import_id)


def run(app: Flask, import_id: int) -> None:
    with app.app_context():
        try:
            _run(app, import_id)
        except Exception:
            log.exception("ledger import %s failed", import_id)
            _fail(import_id)
        finally:
            _live.pop(import_id, None)
            _threads.pop(import_id, None)
            db.session.remove()


def _run(app: Flask, import_id: int) -> None:
    session = db.session
    record = session.get(LedgerImport, import_id)
    path = Storage(app.config["MEDIATION_STORAGE"]).path_of(record.storage_key)
    record.status, record.total_rows = "running", count_rows(path)
    session.commit()
    phase = {"name": None}

    def on_phase(name: str) -> None:  # only staging rows are written so far
        phase["name"] = record.phase = name
        record.processed_rows = 0
        session.commit()

    def progress(processed: int, total: int | None) -> None:
        if phase["name"] == "checking":
            record.processed_rows, record.total_rows = processed, total
            session.commit()
        else:
            _live[import_id] = (processed, total)

    try:
        with open_rows(path) as rows:
            result = import_ledger(
                session, rows, dry_run=record.dry_run, catalog=catalog(), now=utcnow(),
                progress=progress, on_phase=on_phase, filename=record.filename, actor=record.user,
                may_import=jurisdiction(record.user),
                may_file_in=dispute_regions(record.user), total_rows=record.total_rows,
                import_key=record.import_key)
    except ImportRefused as refusal:
        record.status, record.problem_count = "refused", refusal.total
        record.problems = [{"row": p.row, "column": p.column, **as_record(p.reason)}
                           for p in refusal.problems]
    except IntegrityError:
        session.rollback()
        delete_staging(session, record.import_key)
        record.status = "refused"
        record.message = N_("A case number was taken while importing; nothing was written.")
    else:
        record.status, record.imported = "done", result.imported
        record.processed_rows, record.total_rows = result.checked, result.checked
    record.finished_at = utcnow()
    session.commit()
    if record.status == "done" and not record.dry_run:
        roll_up_imported(session, f"ledger import {import_id}")


def roll_up_imported(session: Session, what: str) -> None:
    """Roll the imported cases up in the importing process: a big import is rolled up
    whole, which would otherwise fall on the next statistics page a reader opens. Should it
    fail, the scheduler's roll-up, every minute, catches up."""
    try:
        sync(session, rebuild_above=REBUILD_ABOVE)
        session.commit()
    except Exception:
        session.rollback()
        log.exception("statistics roll-up after %s failed", what)


def _fail(import_id: int) -> None:
    session = db.session
    session.rollback()
    record = session.get(LedgerImport, import_id)
    if record is None:
        return
    delete_staging(session, record.import_key)
    record.status, record.finished_at = "failed", utcnow()
    record.message = N_("The import stopped on an unexpected error; nothing was written.")
    session.commit()
