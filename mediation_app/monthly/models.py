"""The archived monthly reports (frozen figures + PDF) and the job claims that keep the
scheduler's work idempotent across processes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..access import roles
from ..auth.models import User
from ..db import db, one_of, utcnow
from ..directory.models import Region

JOB_STATUSES = ["running", "done", "failed"]


class MonthlyReport(db.Model):
    """One version of a region's monthly report; `figures` is what the PDF was made from."""

    __tablename__ = "monthly_reports"
    __table_args__ = (
        UniqueConstraint("region_id", "month", "version",
                         name="uq_monthly_reports_region_month_version"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("version = 1 OR reason IS NOT NULL", name="regeneration_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    month: Mapped[str] = mapped_column(String(7))
    version: Mapped[int] = mapped_column(default=1)
    figures: Mapped[dict] = mapped_column(JSON)
    changes: Mapped[list] = mapped_column(JSON, default=list)
    reason: Mapped[str | None] = mapped_column(Text)
    storage_key: Mapped[str] = mapped_column(String(128), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    generated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # None: made by the scheduler
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    region: Mapped[Region] = relationship()
    generated_by: Mapped[User | None] = relationship()

    @property
    def filename(self) -> str:
        return f"monthly-report-{self.region.code}-{self.month}-v{self.version}.pdf"

    def can_view(self, user: User) -> bool:
        return roles.reads_monthly_reports(user) and user.institution.region.contains(self.region)

    def can_regenerate(self, user: User) -> bool:
        return roles.manages_monthly_reports(user) and user.institution.region.contains(self.region)

    def __repr__(self) -> str:
        return f"<MonthlyReport {self.month} region={self.region_id} v{self.version}>"


REQUEST_STATUSES = ["queued", "running", "done", "failed"]
OPEN_REQUEST_STATUSES = ("queued", "running")


class MonthlyReportRequest(db.Model):
    """A reader's request to make a finished month's report (again), waiting for the
    scheduler process, which runs it with the same job as its monthly run."""

    __tablename__ = "monthly_report_requests"
    __table_args__ = (one_of("status", REQUEST_STATUSES, "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))
    reason: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    report_id: Mapped[int | None] = mapped_column(ForeignKey("monthly_reports.id"))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    region: Mapped[Region] = relationship()
    requested_by: Mapped[User] = relationship()
    report: Mapped[MonthlyReport | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES

    def __repr__(self) -> str:
        return f"<MonthlyReportRequest {self.month} region={self.region_id} {self.status}>"


class JobRun(db.Model):
    """A scheduled job's claim on a unit of work: whoever inserts (job, key) first does it."""

    __tablename__ = "job_runs"
    __table_args__ = (
        UniqueConstraint("job", "key", name="uq_job_runs_job_key"),
        one_of("status", JOB_STATUSES, "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), default="running")
    owner: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<JobRun {self.key} {self.status}>"
