"""Ledger imports: the staging rows of an import in progress, and uploads run from the web."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..access import roles
from ..auth.models import User
from ..db import db, one_of, utcnow

IMPORT_STATUSES = ["queued", "running", "done", "refused", "failed"]
FINISHED_STATUSES = ("done", "refused", "failed")


class LedgerStagingRow(db.Model):
    """One checked row of an import, kept only while the import runs (scratch: no foreign
    keys). `year`/`seq` hold the number parsed from an explicit case_no, if it has the
    institution's format."""

    __tablename__ = "ledger_staging_rows"
    __table_args__ = (
        UniqueConstraint("import_key", "row_number", name="uq_ledger_staging_rows_row"),
        Index("ix_ledger_staging_rows_case_no", "import_key", "institution_id", "case_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    import_key: Mapped[str] = mapped_column(String(36))
    row_number: Mapped[int]
    case_no: Mapped[str | None] = mapped_column(String(64))
    institution_id: Mapped[int]
    channel: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(32))
    dispute_type: Mapped[str] = mapped_column(String(32))
    region_id: Mapped[int]
    received_on: Mapped[date]
    outcome: Mapped[str] = mapped_column(String(16))
    concluded_on: Mapped[date | None]
    parties: Mapped[int]
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    agreement_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    summary: Mapped[str] = mapped_column(String(200))
    year: Mapped[int]
    seq: Mapped[int | None]


class LedgerImport(db.Model):
    """A ledger file uploaded on the web and imported in the background."""

    __tablename__ = "ledger_imports"
    __table_args__ = (one_of("status", IMPORT_STATUSES, "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    file_kind: Mapped[str] = mapped_column(String(8))
    storage_key: Mapped[str] = mapped_column(String(128))
    import_key: Mapped[str] = mapped_column(String(36), unique=True)
    dry_run: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    phase: Mapped[str | None] = mapped_column(String(16))
    processed_rows: Mapped[int] = mapped_column(default=0)
    total_rows: Mapped[int | None]
    imported: Mapped[int] = mapped_column(default=0)
    problem_count: Mapped[int] = mapped_column(default=0)
    problems: Mapped[list] = mapped_column(JSON, default=list)
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    def can_view(self, user: User) -> bool:
        """The uploader, or an administrator whose region contains the uploader's."""
        if user.id == self.user_id:
            return True
        return (roles.is_admin(user)
                and user.institution.region.contains(self.user.institution.region))
