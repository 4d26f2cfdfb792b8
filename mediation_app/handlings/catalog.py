"""The app's workflow catalogue, loaded once from WORKFLOWS_DIR and checked at start, and
the stored rows of its texts, kept per process once read."""

from pathlib import Path

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session, make_transient_to_detached

from ..casefile.models import WorkflowVersion
from ..db import insert_if_absent, utcnow
from ..workflow.catalog import Catalog, Source


def init_app(app) -> None:
    """Loaded on first use, so that `flask workflows check` can report a broken file."""
    app.extensions["workflows"] = None
    app.extensions["workflow_versions"] = {}


def catalog() -> Catalog:
    """The checked catalogue; raises DefinitionInvalid (file:line: problem) if a file is bad."""
    if current_app.extensions["workflows"] is None:
        current_app.extensions["workflows"] = Catalog.load_directory(
            current_app.config["WORKFLOWS_DIR"], templates=Path(current_app.config["REPORTS_DIR"]))
    return current_app.extensions["workflows"]


def stored_version(session: Session, source: Source) -> WorkflowVersion:
    """The stored row for this exact text of a definition, created on first use. A stored
    text never changes, so once a committed transaction has read its row the process keeps
    it, by name and SHA-256 of the text, and later callers get it without a query."""
    name = source.definition.name
    kept = current_app.extensions["workflow_versions"]
    known = kept.get((name, source.sha256))
    if known is not None:
        return session.merge(known, load=False)
    query = select(WorkflowVersion).where(WorkflowVersion.name == name,
                                          WorkflowVersion.sha256 == source.sha256)
    with session.no_autoflush:  # what is pending is the caller's, written when it flushes
        row = session.scalar(query)
        if row is None:
            insert_if_absent(session, WorkflowVersion, name=name,
                             version=source.definition.version, sha256=source.sha256,
                             text=source.text, stored_at=utcnow())
            row = session.scalar(query)
    session.info.setdefault("workflow_versions_read", []).append((kept, _detached(row)))
    return row


def forget_stored_versions(app) -> None:
    """Read the rows again (after the tables were emptied, as the tests do)."""
    app.extensions["workflow_versions"].clear()


def _detached(row: WorkflowVersion) -> WorkflowVersion:
    copy = WorkflowVersion(id=row.id, name=row.name, version=row.version, sha256=row.sha256,
                           text=row.text, stored_at=row.stored_at)
    make_transient_to_detached(copy)
    return copy


@event.listens_for(Session, "after_commit")
def _keep_read_versions(session) -> None:
    """A row read (or created) by a transaction is kept once it is committed."""
    for kept, row in session.info.pop("workflow_versions_read", []):
        kept[(row.name, row.sha256)] = row


@event.listens_for(Session, "after_soft_rollback")
def _forget_read_versions(session, _previous_transaction) -> None:
    """Any rollback, a savepoint's too, may have undone a row created: read them again."""
    session.info.pop("workflow_versions_read", None)
