"""Running a web upload's import as a job (mediation_app.jobs: an RQ worker when REDIS_URL
is set, else a thread of the web process), recording its progress.

While rows are checked, progress is committed with each batch (the staging rows go with
it: they are scratch, deleted at the end whatever happens). While cases are written the
import is one transaction, so progress goes to mediation_app.jobs.progress (Redis, read by
every process, or this process's memory) and, without Redis on PostgreSQL, to the import's
row through a connection of its own, so that the other web workers read it too. The
outcome is committed at the end; the statistics roll-up of the imported cases is then
handed on (stats.jobs.hand_on_roll_up), not done by the import."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from uuid import uuid4

from flask import Flask
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..access import policy
from ..auth.models import User
from ..db import db, utcnow
from ..handlings.catalog import catalog
from ..jobs import enqueue, progress
from ..jobs.runtime import job_app
from ..labels import N_
from ..stats.jobs import hand_on_roll_up
from ..storage import Storage
from .files import count_rows, open_rows
from .models import LedgerImport
from .reasons import as_record
from .services import ImportRefused, delete_staging, import_ledger
from .targets import Target

log = logging.getLogger(__name__)

_threads: dict[int, threading.Thread] = {}  # imports run in threads of this process


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


def start(app: Flask, import_id: int) -> None:
    """Enqueue a committed import: on the queue with Redis, else in a thread here."""
    with app.app_context():
        handle = enqueue("ledger_import", import_id=import_id)
    for done in [key for key, thread in _threads.items() if not thread.is_alive()]:
        _threads.pop(done, None)
    if handle.thread is not None:
        _threads[import_id] = handle.thread


def import_job(import_id: int) -> None:
    """The queued job: import `import_id` in the worker's app (or the current one)."""
    run(job_app(), import_id)


def wait(import_id: int, timeout: float | None = None) -> None:
    """Wait for an import started in a thread of this process (tests, shutdown)."""
    thread = _threads.get(import_id)
    if thread is not None:
        thread.join(timeout)


def progress_key(import_id: int) -> str:
    return f"ledger-import:{import_id}"


def live_progress(app: Flask, import_id: int) -> tuple[int, int | None] | None:
    """(written, total) of an import writing its cases, from wherever it runs; None when
    only its row knows."""
    return progress.read(app, progress_key(import_id))


def run(app: Flask, import_id: int) -> None:
    with app.app_context():
        try:
            _run(app, import_id)
        except Exception:
            log.exception("ledger import %s failed", import_id)
            _fail(import_id)
        finally:
            progress.clear(app, progress_key(import_id))
            db.session.remove()


def _run(app: Flask, import_id: int) -> None:
    session = db.session
    if not _claim(session, import_id):
        session.rollback()
        log.warning("ledger import %s is no longer queued (reaped or run elsewhere)", import_id)
        return
    session.commit()
    record = session.get(LedgerImport, import_id)
    path = Storage(app.config["MEDIATION_STORAGE"]).path_of(record.storage_key)
    record.total_rows = count_rows(path)
    session.commit()
    report_written = _writing_progress(app, import_id)
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
            report_written(processed, total)

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
        hand_on_roll_up()


def _claim(session: Session, import_id: int) -> bool:
    """queued -> running; False when the reaper failed it meanwhile, or another run has it."""
    return session.execute(
        update(LedgerImport)
        .where(LedgerImport.id == import_id, LedgerImport.status == "queued")
        .values(status="running")
        .execution_options(synchronize_session=False)).rowcount == 1


def _writing_progress(app: Flask, import_id: int) -> Callable[[int, int | None], None]:
    """Where the writing phase reports (written, total). Its transaction holds SQLite's one
    write lock, so the row is updated apart only on other databases."""
    to_row = not progress.is_shared(app) and db.engine.dialect.name == "postgresql"

    def report(written: int, total: int | None) -> None:
        progress.record(app, progress_key(import_id), written, total)
        if to_row:
            _record_on_row(import_id, written, total)

    return report


def _record_on_row(import_id: int, written: int, total: int | None) -> None:
    """Progress on the import's row, committed by a connection of its own (the import's
    transaction never locks that row while writing)."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SET LOCAL lock_timeout = '2s'"))
            connection.execute(update(LedgerImport.__table__)
                               .where(LedgerImport.__table__.c.id == import_id)
                               .values(processed_rows=written, total_rows=total))
            connection.commit()
    except Exception:
        log.warning("progress of ledger import %s not recorded", import_id, exc_info=True)


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
