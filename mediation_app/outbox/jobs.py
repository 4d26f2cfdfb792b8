"""Wiring: the backends chosen at start, a drain right after a request that queued
messages (OUTBOX_DRAIN_AFTER_REQUEST, default on), the scheduler's drain job and
`flask outbox drain`."""

from __future__ import annotations

import logging

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from ..db import db, utcnow
from .backends import Backends
from .drain import DrainResult, drain
from .services import QUEUED_IN_SESSION

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    app.extensions["outbox"] = Backends.from_config(app.config)
    app.config.setdefault("OUTBOX_DRAIN_AFTER_REQUEST", True)
    app.teardown_request(_drain_after_request)
    app.cli.add_command(outbox_cli)


def backends() -> Backends:
    return current_app.extensions["outbox"]


def _drain_after_request(error) -> None:
    """The request has committed (or rolled back) by now: send what it queued. Whatever
    fails here stays in the outbox for the scheduler."""
    ids = db.session.info.pop(QUEUED_IN_SESSION, None)
    if not ids or error is not None or not current_app.config["OUTBOX_DRAIN_AFTER_REQUEST"]:
        return
    try:
        drain(db.session, backends(), now=utcnow(), ids=ids)
    except Exception:
        db.session.rollback()
        log.exception("draining the outbox after a request failed; the scheduler will retry")


def run_drain(app: Flask, *, now=None) -> DrainResult:
    """The scheduler job: every due message, in its own app context and session."""
    with app.app_context():
        try:
            return drain(db.session, app.extensions["outbox"], now=now or utcnow())
        finally:
            db.session.rollback()


outbox_cli = AppGroup("outbox", help="Email and text messages waiting to be sent.")


@outbox_cli.command("drain")
def drain_command() -> None:
    """Send every due message now."""
    result = run_drain(current_app._get_current_object())
    click.echo(f"sent {len(result.sent)}, retried {len(result.retried)}, "
               f"failed {len(result.failed)}")
