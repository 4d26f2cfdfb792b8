"""The supervision order (督办单)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..casefile.models import Case, Handling, Referral
from ..db import db, one_of, utcnow
from ..directory.models import Institution

STATUSES = ["open", "replied", "closed", "overdue"]
# where an order comes from: a dispatcher's own decision, a handling past its deadline,
# a referral nobody answered in time, an early warning assigned to the holder (交办)
SOURCES = ["manual", "overdue", "referral", "warning"]
ACTIVE = ("open", "replied", "overdue")


class SupervisionOrder(db.Model):
    """督办单: a governance centre instructs the institution handling a case (or the one a
    referral waits on) to act by a due date; that institution answers in writing.
    `listed` marks 挂牌督办 for major cases. open → replied → closed; open past its due
    date → overdue (still answerable)."""

    __tablename__ = "supervision_orders"
    __table_args__ = (
        one_of("status", STATUSES, "status"),
        one_of("source", SOURCES, "source"),
        CheckConstraint("status <> 'replied' OR (reply IS NOT NULL AND replied_at IS NOT NULL)",
                        name="replied_with_text"),
        CheckConstraint("status <> 'closed' OR closed_at IS NOT NULL", name="closed_with_time"),
        CheckConstraint("centre_id <> institution_id", name="not_self_supervised"),
        Index("ix_supervision_orders_institution_status", "institution_id", "status"),
        Index("ix_supervision_orders_centre_status", "centre_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    source: Mapped[str] = mapped_column(String(16))
    is_listed: Mapped[bool] = mapped_column(default=False)
    instruction: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None]
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    close_note: Mapped[str | None] = mapped_column(Text)
    # an automatic order is made once per escalation or unanswered referral
    escalation_id: Mapped[int | None] = mapped_column(ForeignKey("escalations.id"), unique=True)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"), unique=True)
    handling_id: Mapped[int | None] = mapped_column(ForeignKey("handlings.id"), index=True)

    case: Mapped[Case] = relationship()
    centre: Mapped[Institution] = relationship(foreign_keys=[centre_id])
    institution: Mapped[Institution] = relationship(foreign_keys=[institution_id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    replied_by: Mapped[User | None] = relationship(foreign_keys=[replied_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    referral: Mapped[Referral | None] = relationship()
    handling: Mapped[Handling | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def is_answerable(self) -> bool:
        return self.status in ("open", "overdue")
