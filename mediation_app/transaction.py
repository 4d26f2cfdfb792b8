"""The one transaction boundary: a request, a CLI command or a job commits here.

Services only flush. A request that ends well (status below 400) is committed after the
view returns; an error status or an exception rolls everything back. A view that catches a
refusal and re-renders its form with status 200 calls `discard()` first, so that what the
service flushed before refusing is not committed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, Response, g
from sqlalchemy.orm import Session

from .extensions import db


def init_app(app: Flask) -> None:
    app.after_request(_commit_or_roll_back)


def discard() -> None:
    """Roll back what this request changed so far; nothing of it will be committed."""
    db.session.rollback()
    g.transaction_discarded = True


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once this request's transaction is committed (e.g. start a background
    job that reads what the request wrote); dropped if the request rolls back."""
    g.setdefault("after_commit", []).append(callback)


def _commit_or_roll_back(response: Response) -> Response:
    callbacks = g.pop("after_commit", [])
    if response.status_code < 400 and not g.pop("transaction_discarded", False):
        db.session.commit()
        for callback in callbacks:
            callback()
    else:
        db.session.rollback()
    return response


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """For CLI commands and jobs: commit when the block ends, roll back if it raises."""
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    session.commit()
