from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..access import roles
from ..auth.models import User
from ..cases.models import Attachment, Case, Handling
from ..db import db, one_of, utcnow
from ..directory.models import Institution
from ..workflow.loader import REFERRAL_KINDS

STATUSES = ["pending", "accepted", "returned", "withdrawn", "expired"]
RETURN_REASONS = ["not_our_remit", "outside_region", "incomplete_materials", "parties_refuse",
                  "already_handled", "other"]


class Referral(db.Model):
    """A proposal to move a case from one institution to another."""

    __tablename__ = "referrals"
    __table_args__ = (
        one_of("kind", list(REFERRAL_KINDS), "kind"),
        one_of("status", STATUSES, "status"),
        Index("uq_referrals_one_pending_per_case", "case_id", unique=True,
              sqlite_where=text("status = 'pending'"),
              postgresql_where=text("status = 'pending'")),
        Index("ix_referrals_inbox", "to_institution_id", "status", "created_at"),
        Index("ix_referrals_sent", "from_institution_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    from_institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    to_institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    from_handling_id: Mapped[int] = mapped_column(ForeignKey("handlings.id"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    accept_by: Mapped[datetime]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    return_reason: Mapped[str | None] = mapped_column(String(32))
    return_note: Mapped[str | None] = mapped_column(Text)
    new_handling_id: Mapped[int | None] = mapped_column(ForeignKey("handlings.id"), unique=True)
    # why the sender chose a receiver outside the ones with jurisdiction (None when inside)
    off_list_reason: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship()
    from_institution: Mapped[Institution] = relationship(foreign_keys=[from_institution_id])
    to_institution: Mapped[Institution] = relationship(foreign_keys=[to_institution_id])
    from_handling: Mapped[Handling] = relationship(foreign_keys=[from_handling_id])
    new_handling: Mapped[Handling | None] = relationship(foreign_keys=[new_handling_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    attachments: Mapped[list[Attachment]] = relationship(
        primaryjoin="Attachment.referral_id == Referral.id", order_by="Attachment.id",
        viewonly=True)

    @property
    def is_pending(self) -> bool:
        return self.status == "pending"

    def is_receiver(self, user: User) -> bool:
        return (user.institution_id == self.to_institution_id
                and roles.acts_for_institution(user))

    def is_sender(self, user: User) -> bool:
        return (user.institution_id == self.from_institution_id
                and roles.acts_for_institution(user))

    def can_decide(self, user: User) -> bool:
        return self.is_pending and self.is_receiver(user)

    def can_withdraw(self, user: User) -> bool:
        return self.is_pending and self.is_sender(user)
