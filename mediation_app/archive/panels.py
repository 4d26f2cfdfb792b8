"""The case page's archive panels: 已归档 with the date and the case file, or the way to
archive a closed case for its holder."""

from __future__ import annotations

from ..access import policy
from ..db import db
from ..panels import CasePanel
from .services import case_archive


def _archived(case, reader, now) -> dict | None:
    if not case.is_archived:
        return None
    return {"archive": case_archive(db.session, case)}


def _archivable(case, reader, now) -> dict | None:
    return {} if policy.can_archive_case(reader, case) else None


PANELS = (CasePanel("alerts", "archive/_archived.html", _archived, order=10),
          CasePanel("steps", "archive/_archive_step.html", _archivable, order=200))
