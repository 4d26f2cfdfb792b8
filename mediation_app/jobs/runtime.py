"""The app a job works in: the one whose context is current (a thread started by the web
process, a test), else the worker's, made once per worker process with `create_app()`."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from flask import Flask, current_app, has_app_context

_worker_app: Flask | None = None


def use_app(app: Flask | None) -> None:
    """The app this process's jobs use when no app context is current."""
    global _worker_app
    _worker_app = app


def job_app() -> Flask:
    if has_app_context():
        return current_app._get_current_object()
    if _worker_app is None:
        from .. import create_app

        use_app(create_app())
    return _worker_app


def resolve(path: str) -> Callable:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)
