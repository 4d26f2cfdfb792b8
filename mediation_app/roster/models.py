from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..casefile.models import Party
from ..db import db, one_of, utcnow
from ..directory.models import Region

RECUSAL_STATUSES = ["pending", "granted", "refused"]


class MediatorProfile(db.Model):
    """A mediator's entry on the roster (调解员名册; 特邀调解员名册 for courts)."""

    __tablename__ = "mediator_profiles"
    __table_args__ = (CheckConstraint("max_load > 0", name="max_load_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    # dispute type codes the mediator is good at (DESIGN.md §5)
    specialties: Mapped[list] = mapped_column(JSON, default=list)
    qualifications: Mapped[str] = mapped_column(Text, default="")
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    is_listed: Mapped[bool] = mapped_column(default=True)
    is_invited: Mapped[bool] = mapped_column(default=False)
    max_load: Mapped[int] = mapped_column(default=15)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
    region: Mapped[Region] = relationship()


class RecusalRequest(db.Model):
    """回避: a party asks that a mediator step aside; the decision and the replacement
    are kept (人民调解法 art. 23(1): the party chooses or accepts the mediator). Staff record a
    request the party made in person; a party may also send one from their own page, and then
    nobody on the staff recorded it (`recorded_by_id` is empty, `party_id` is not)."""

    __tablename__ = "recusal_requests"
    __table_args__ = (
        one_of("status", RECUSAL_STATUSES, "status"),
        CheckConstraint("status = 'pending' OR decided_at IS NOT NULL", name="decided_at_set"),
        CheckConstraint("recorded_by_id IS NOT NULL OR party_id IS NOT NULL",
                        name="recorded_or_asked_by_party"),
        Index("uq_recusal_requests_one_pending", "case_id", "mediator_id", unique=True,
              sqlite_where=text("status = 'pending'"),
              postgresql_where=text("status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    mediator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))
    reason: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_note: Mapped[str | None] = mapped_column(Text)
    replacement_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    mediator: Mapped[User] = relationship(foreign_keys=[mediator_id])
    replacement: Mapped[User | None] = relationship(foreign_keys=[replacement_id])
    party: Mapped[Party | None] = relationship()


class MediatorChoice(db.Model):
    """The mediator a party chose from the roster on their own page (人民调解法 art. 19: the
    parties may choose the mediators; art. 23(1): a party chooses or accepts the mediator),
    for the institution holding the case to honour. One standing choice per party."""

    __tablename__ = "mediator_choices"
    __table_args__ = (
        UniqueConstraint("case_id", "party_id", name="uq_mediator_choices_case_party"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    mediator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    chosen_at: Mapped[datetime] = mapped_column(default=utcnow)

    mediator: Mapped[User] = relationship()
    party: Mapped[Party] = relationship()
