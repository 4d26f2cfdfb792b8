"""The case page's review panel: the current grade of an archived case, and the way to the
review page for its readers and reviewers."""

from __future__ import annotations

from sqlalchemy import select

from ..access import policy
from ..db import db
from ..panels import CasePanel
from .models import CaseReview


def _review(case, reader, now) -> dict | None:
    if not case.is_archived or not policy.can_read_reviews(reader, case):
        return None
    current = db.session.scalar(select(CaseReview).where(CaseReview.case_id == case.id,
                                                         CaseReview.is_current.is_(True)))
    return {"review": current, "may_review": policy.can_review_case(reader, case)}


PANELS = (CasePanel("records", "review/_panel.html", _review, order=300),)
