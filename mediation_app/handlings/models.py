"""What a handling keeps beside its row: every deadline it was given (for `overdue`), and the
court-delegated mediation period with its extensions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import db, utcnow


class DeadlineChange(db.Model):
    """A deadline given to a handling at `set_at` (None: no deadline from then on)."""

    __tablename__ = "deadline_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    handling_id: Mapped[int] = mapped_column(ForeignKey("handlings.id"), index=True)
    set_at: Mapped[datetime]
    deadline_at: Mapped[datetime | None]

    # set on a handling not yet written, so both go in the same flush
    handling = relationship("Handling")


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


def _prevented_checks() -> tuple:
    """The rule of handlings.prevention, in the database too."""
    checks = []
    for kind in ("criminal", "petition", "fight"):
        cases, people = f"{kind}_cases", f"{kind}_people"
        checks += [
            CheckConstraint(f"{cases} >= 0 AND {people} >= 0", name=f"{kind}_not_negative"),
            CheckConstraint(f"({cases} = 0 AND {people} = 0) OR ({cases} > 0 AND {people} >= "
                            f"{cases})", name=f"{kind}_people_per_case"),
        ]
    return tuple(checks)


class PreventedEscalation(db.Model):
    """What a concluded handling prevented, recorded by its mediator when closing it: cases
    and people of 民转刑, 群体性上访, 群体性械斗 (only when any is above zero)."""

    __tablename__ = "prevented_escalations"
    __table_args__ = _prevented_checks()

    handling_id: Mapped[int] = mapped_column(ForeignKey("handlings.id"), primary_key=True,
                                             autoincrement=False)
    criminal_cases: Mapped[int] = mapped_column(default=0)
    criminal_people: Mapped[int] = mapped_column(default=0)
    petition_cases: Mapped[int] = mapped_column(default=0)
    petition_people: Mapped[int] = mapped_column(default=0)
    fight_cases: Mapped[int] = mapped_column(default=0)
    fight_people: Mapped[int] = mapped_column(default=0)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
