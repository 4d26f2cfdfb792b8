"""The app's workflow catalogue, loaded once from WORKFLOWS_DIR and checked at start."""

from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..casefile.models import WorkflowVersion
from ..db import insert_if_absent, utcnow
from ..workflow.catalog import Catalog, Source


def init_app(app) -> None:
    """Loaded on first use, so that `flask workflows check` can report a broken file."""
    app.extensions["workflows"] = None


def catalog() -> Catalog:
    """The checked catalogue; raises DefinitionInvalid (file:line: problem) if a file is bad."""
    if current_app.extensions["workflows"] is None:
        current_app.extensions["workflows"] = Catalog.load_directory(
            current_app.config["WORKFLOWS_DIR"], templates=Path(current_app.config["REPORTS_DIR"]))
    return current_app.extensions["workflows"]


def stored_version(session: Session, source: Source) -> WorkflowVersion:
    """The stored row for this exact text of a definition, created on first use."""
    name = source.definition.name
    query = select(WorkflowVersion).where(WorkflowVersion.name == name,
                                          WorkflowVersion.sha256 == source.sha256)
    with session.no_autoflush:  # what is pending is the caller's, written when it flushes
        row = session.scalar(query)
        if row is None:
            insert_if_absent(session, WorkflowVersion, name=name,
                             version=source.definition.version, sha256=source.sha256,
                             text=source.text, stored_at=utcnow())
            row = session.scalar(query)
    return row
