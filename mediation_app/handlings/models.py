"""What a handling keeps beside its row: every deadline it was given (for `overdue`), and the
court-delegated mediation period with its extensions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import db, utcnow


class DeadlineChange(db.Model):
    """A deadline given to a handling at `set_at` (None: no deadline from then on)."""

    __tablename__ = "deadline_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    handling_id: Mapped[int] = mapped_column(ForeignKey("handlings.id"), index=True)
    set_at: Mapped[datetime]
    deadline_at: Mapped[datetime | None]


class MediationPeriod(db.Model):
    """委派/委托调解期限: 30 days from 签收 of the court's referral, not from a later 受理;
    longer only with both parties' consent (PeriodExtension)."""

    __tablename__ = "mediation_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    handling_id: Mapped[int] = mapped_column(ForeignKey("handlings.id"), unique=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    started_at: Mapped[datetime]
    ends_at: Mapped[datetime]

    extensions: Mapped[list[PeriodExtension]] = relationship(order_by="PeriodExtension.id",
                                                             viewonly=True)


class PeriodExtension(db.Model):
    """One extension of a mediation period, with who consented."""

    __tablename__ = "period_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("mediation_periods.id"), index=True)
    previous_ends_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    consenting_parties: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
