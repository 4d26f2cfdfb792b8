from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..db import db, one_of, utcnow
from ..directory.models import Institution

# 保管期限: how long the institution keeps the case file
RETENTIONS = ["permanent", "long_term", "short_term"]


class CaseArchive(db.Model):
    """The case file (卷宗) of an archived case: the stored PDF, whole and masked, its hash,
    its pages and its index. One per case; never changed."""

    __tablename__ = "case_archives"
    __table_args__ = (
        one_of("retention", RETENTIONS, "retention"),
        CheckConstraint("page_count > 0", name="page_count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    archived_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    archived_at: Mapped[datetime] = mapped_column(default=utcnow)
    checker_name: Mapped[str] = mapped_column(String(100))
    retention: Mapped[str] = mapped_column(String(16))
    storage_key: Mapped[str] = mapped_column(String(128), unique=True)
    # the same case file with the parties' personal data masked, for readers who see the
    # case masked (access/masking.py)
    masked_storage_key: Mapped[str] = mapped_column(String(128), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # printed on the cover and checked on the public verify page, as on issued documents
    # (None for case files archived before they were signed)
    verification_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    size: Mapped[int]
    page_count: Mapped[int]
    # the index (卷内目录): [{"title": ..., "page": ...}, ...]
    contents: Mapped[list] = mapped_column(JSON, default=list)

    institution: Mapped[Institution] = relationship()
    archived_by: Mapped[User] = relationship()

    maker_handling_id = None
    voided_at = None  # a case file is never replaced
    title = "调解卷宗"

    @property
    def created_at(self) -> datetime:
        """When it was issued, as the verify page reads a document."""
        return self.archived_at

    @property
    def maker_institution_id(self) -> int:
        return self.institution_id
