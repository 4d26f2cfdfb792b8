from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..db import db, utcnow
from ..directory.models import Institution


class CaseReview(db.Model):
    """评查: one scoring of an archived case file against the checklist. A later review of the
    same case is a new version; the earlier ones stay, only the newest is current.
    `marks`: [{"code", "label", "points", "awarded", "note"}], as the checklist read then."""

    __tablename__ = "case_reviews"
    __table_args__ = (
        UniqueConstraint("case_id", "version", name="uq_case_reviews_case_version"),
        CheckConstraint("version > 0", name="version_positive"),
        CheckConstraint("rate >= 0 AND rate <= 100", name="rate_in_range"),
        CheckConstraint("score >= 0 AND score <= full_score", name="score_in_range"),
        Index("ix_case_reviews_reviewed_at", "reviewed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    version: Mapped[int]
    is_current: Mapped[bool] = mapped_column(default=True)
    # the institution whose case file was reviewed (the archiving institution)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reviewer_name: Mapped[str] = mapped_column(String(100))
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    score: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    full_score: Mapped[int]
    rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    grade: Mapped[str] = mapped_column(String(16))
    grade_label: Mapped[str] = mapped_column(String(16))
    marks: Mapped[list] = mapped_column(JSON, default=list)

    institution: Mapped[Institution] = relationship()
    reviewer: Mapped[User] = relationship()
