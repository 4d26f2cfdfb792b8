"""Statistics, exports and reports read from a PostgreSQL read replica when
DATABASE_REPLICA_URL is set, so that the primary serves the clerks' writes.

A streaming replica lags a moment behind. `reads()` waits (at most REPLICA_WAIT_MS) until the
replica has replayed everything the primary had committed when it was asked, so a figure
never misses what its reader has just saved; a replica still behind after that is passed
over for the primary, with a warning in the log. Without a replica, reads go to the primary."""

from __future__ import annotations

import logging
import time

from flask import Flask, current_app, g
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from .db import configure_engine
from .extensions import db

log = logging.getLogger(__name__)
POLL_SECONDS = 0.02
CAUGHT_UP = text("SELECT NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= CAST(:lsn AS pg_lsn)")


def init_app(app: Flask) -> None:
    url = app.config.get("DATABASE_REPLICA_URL")
    if url:
        if not url.startswith("postgresql") or \
                not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            raise RuntimeError("DATABASE_REPLICA_URL is a PostgreSQL streaming replica of a "
                               "PostgreSQL DATABASE_URL")
        engine = create_engine(url, pool_pre_ping=True,
                               **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
        configure_engine(engine)
        app.extensions["replica_engine"] = engine
    app.teardown_appcontext(_close)


def configured() -> bool:
    return "replica_engine" in current_app.extensions


def reads() -> Session:
    """The session to read figures, ledgers and reports through: the replica's once it has
    caught up with the primary, else the primary's own. Commit what must be seen first."""
    if not configured():
        return db.session
    if "replica_session" not in g:
        g.replica_session = _caught_up_session()
    return g.replica_session or db.session


def _caught_up_session() -> Session | None:
    lsn = db.session.scalar(text("SELECT pg_current_wal_lsn()"))
    session = Session(bind=current_app.extensions["replica_engine"])
    deadline = time.monotonic() + current_app.config["REPLICA_WAIT_MS"] / 1000
    while not session.scalar(CAUGHT_UP, {"lsn": lsn}):
        session.rollback()
        if time.monotonic() >= deadline:
            log.warning("the read replica has not replayed %s after %s ms: reading the primary",
                        lsn, current_app.config["REPLICA_WAIT_MS"])
            session.close()
            return None
        time.sleep(POLL_SECONDS)
    return session


def _close(_error=None) -> None:
    session = g.pop("replica_session", None)
    if session is not None:
        session.close()
