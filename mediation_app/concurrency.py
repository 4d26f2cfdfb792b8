"""Optimistic concurrency of edits: a form or an API call says which version of a record it
was filled from; if someone saved the record since, the save is refused with what differs.

Cases, parties, session records and agreement drafts carry a version column that SQLAlchemy
checks and raises on every ORM update (`version_id_col`), so two saves racing past the
check below still cannot overwrite each other (the loser gets StaleDataError, answered 409).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal


class EditConflict(Exception):
    """The record was saved by someone else since the form was filled in.

    `fields` maps each field whose saved value differs from the submitted one to
    (saved, submitted); `current_version` is the version saved now: a save based on it
    keeps the submitted values."""

    def __init__(self, fields: dict, current_version: int):
        super().__init__("conflict")
        self.fields = fields
        self.current_version = current_version


def as_text(value) -> str | None:
    """A value as it is compared and sent over JSON: None, or text ('' counts as None)."""
    if value is None or value == "":
        return None
    if isinstance(value, (list, tuple)):
        return "\n".join(str(item) for item in value) or None
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def parse_version(submitted) -> int | None:
    """The version a form or request carried, or None when it carried none (no check)."""
    text = str(submitted).strip().strip('"') if submitted is not None else ""
    if text.startswith("W/"):
        text = text[2:].strip('"')
    return int(text) if text.isdigit() and len(text) < 10 else None


def check_version(current_version: int, based_on: int | None, saved: Mapping,
                  submitted: Mapping) -> None:
    """Refuse (EditConflict) a save based on another version than the one saved now, unless
    it submits exactly what is saved (then it changes nothing and loses nothing)."""
    if based_on is None or based_on == current_version:
        return
    differing = {name: (saved.get(name), value) for name, value in submitted.items()
                 if as_text(saved.get(name)) != as_text(value)}
    if differing:
        raise EditConflict(differing, current_version)


def conflict_body(conflict: EditConflict, message: str) -> dict:
    """The JSON answer to a refused API save (409)."""
    return {
        "error": message,
        "status": 409,
        "current_version": conflict.current_version,
        "changes": [{"field": name, "submitted": as_text(submitted), "current": as_text(saved)}
                    for name, (saved, submitted) in conflict.fields.items()],
    }
