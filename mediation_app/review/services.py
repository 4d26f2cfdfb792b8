"""案件评查: a region reader scores an archived case file item by item; the total, the score
rate and the grade follow from the checklist. Each review is a new version of the case's
review (earlier ones stay readable), audited `case.reviewed`, and the reviewed institution's
staff are told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..access import policy
from ..archive.services import case_archive
from ..audit.services import record_event
from ..auth.models import User
from ..casefile.models import Case
from ..notifications.dispatch import tell
from ..notifications.services import staff_of
from .checklist import Checklist, Item, score_rate
from .models import CaseReview


class ReviewError(ValueError):
    """`code`: not_allowed (not a reviewer of this archived case), incomplete (an item left
    unscored), out_of_range (more than the item's points or below 0), note_missing (a partial
    or zero mark without its reason)."""

    def __init__(self, code: str, item: str | None = None):
        super().__init__(code)
        self.code, self.item = code, item


@dataclass(frozen=True)
class Mark:
    awarded: Decimal
    note: str = ""


def applicable_items(checklist: Checklist, session: Session, case: Case) -> tuple[Item, ...]:
    """The items that apply to the case file: by the channel and institution kind of the
    handling that archived it."""
    archive = case_archive(session, case)
    kind = archive.institution.kind if archive is not None else None
    return checklist.items_for(case.channel, kind)


def _checked_marks(items: tuple[Item, ...], marks: dict[str, Mark]) -> list[dict]:
    rows = []
    for item in items:
        mark = marks.get(item.code)
        if mark is None or mark.awarded is None:
            raise ReviewError("incomplete", item.code)
        if not 0 <= mark.awarded <= item.points:
            raise ReviewError("out_of_range", item.code)
        if mark.awarded < item.points and not mark.note.strip():
            raise ReviewError("note_missing", item.code)
        rows.append({"code": item.code, "label": item.label, "en": item.en,
                     "points": item.points, "awarded": f"{Decimal(mark.awarded):.2f}",
                     "note": mark.note.strip()})
    return rows


def review_case(session: Session, case: Case, *, checklist: Checklist, marks: dict[str, Mark],
                actor: User, now: datetime) -> CaseReview:
    """Score the case file; the previous review of the case (if any) stops being current."""
    if not policy.can_review_case(actor, case):
        raise ReviewError("not_allowed")
    items = applicable_items(checklist, session, case)
    rows = _checked_marks(items, marks)
    score = sum((Decimal(row["awarded"]) for row in rows), Decimal("0"))
    full = sum(item.points for item in items)
    rate = score_rate(score, full)
    grade = checklist.grade_for(rate)
    review = _store(session, case, actor=actor, now=now, score=score, full_score=full,
                    rate=rate, grade=grade.code, grade_label=grade.label, marks=rows)
    record_event(session, case, "case.reviewed", actor=actor, now=now, version=review.version,
                 label=f"{grade.label}（{score:.2f}/{full}）",
                 score=f"{score:.2f}", full_score=full, rate=f"{rate:.2f}", grade=grade.code,
                 labels={"grade": grade.label, "institution": review.institution.name})
    _tell_institution(session, case, review, now=now)
    return review


def _store(session: Session, case: Case, *, actor: User, now: datetime, **values) -> CaseReview:
    latest = session.scalar(select(func.max(CaseReview.version))
                            .where(CaseReview.case_id == case.id)) or 0
    session.execute(update(CaseReview).where(CaseReview.case_id == case.id,
                                             CaseReview.is_current.is_(True))
                    .values(is_current=False))
    review = CaseReview(case_id=case.id, version=latest + 1, is_current=True,
                        institution_id=case_archive(session, case).institution_id,
                        reviewer_id=actor.id, reviewer_name=actor.display_name,
                        reviewed_at=now, **values)
    session.add(review)
    session.flush()
    return review


def _tell_institution(session: Session, case: Case, review: CaseReview, *, now) -> None:
    tell(session, staff_of(session, review.institution_id), kind="review.recorded",
         key=f"review:{review.id}", now=now, case_id=case.id, case_no=case.case_no,
         detail=f"评查得分 {review.score:.2f}/{review.full_score}，等级：{review.grade_label}")


def reviews_of(session: Session, case: Case) -> list[CaseReview]:
    """Every version of the case's review, newest first."""
    return list(session.scalars(select(CaseReview).where(CaseReview.case_id == case.id)
                                .order_by(CaseReview.version.desc())))
