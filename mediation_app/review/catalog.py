"""The app's review checklist, loaded and checked once at start: a bad file stops the app
with file:line: problem, as a bad workflow does."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from .checklist import RELATIVE_PATH, Checklist, load_checklist


def checklist_path(config) -> Path:
    return Path(config.get("REVIEW_CHECKLIST") or Path(config["WORKFLOWS_DIR"]) / RELATIVE_PATH)


def init_app(app) -> None:
    app.extensions["review_checklist"] = load_checklist(checklist_path(app.config))


def checklist() -> Checklist:
    return current_app.extensions["review_checklist"]
