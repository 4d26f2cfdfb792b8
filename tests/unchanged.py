"""What a refused request or call must leave as it was: the rows of every table of the
application (so no row written, changed or deleted, and no audit event) and the files of
the storage. The permission matrix and the refusal tests share it."""

import hashlib
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from mediation_app.db import db


def snapshot(*, settle: bool = True) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of the rows, per table. Requests share the test's app
    context and so its session: with `settle`, what it reads is what the request left
    behind, once any work it did not commit is rolled back (as the end of a real request
    would). Without it (a service called in the test), what the session holds, flushed or
    not, is read."""
    if settle:
        db.session.rollback()
    return {table.name: _digest(db.session.execute(select(table)))
            for table in db.metadata.tables.values()}


def _digest(rows) -> tuple[int, str]:
    lines = sorted(repr(tuple(row)) for row in rows)
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()


def stored_files() -> set[str]:
    """Every file of the application's storage (uploads, documents, printouts)."""
    root = Path(current_app.config["MEDIATION_STORAGE"])
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}
