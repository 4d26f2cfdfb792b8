from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import db, utcnow


class Escalation(db.Model):
    """督办: a handling found past its deadline, reported to the governance centre above.
    One per handling and deadline, however often the sweep runs."""

    __tablename__ = "escalations"
    __table_args__ = (UniqueConstraint("handling_id", "deadline_at",
                                       name="uq_escalations_handling_deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    handling_id: Mapped[int] = mapped_column(ForeignKey("handlings.id"))
    deadline_at: Mapped[datetime]
    escalated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    to_institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
