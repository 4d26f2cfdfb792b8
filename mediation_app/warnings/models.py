"""A warning raised on a case: which rule or word raised it, and what the dispatcher did."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..casefile.models import Case
from ..db import db, one_of, utcnow
from ..directory.models import Institution
from .rules import FLAGS

STATUSES = ["open", "assigned", "dismissed", "cleared"]
ASSIGNMENTS = ["dispatch", "assign"]


class EarlyWarning(db.Model):
    """预警: one rule that fired on a case (a threshold, or a risk-lexicon rule with the words
    it matched). Raised once per case and rule; a dismissed warning stays dismissed.
    `open` until the dispatcher assigns the case (分流 or 交办) or dismisses the warning
    with a reason; `cleared` when the case no longer meets the rule."""

    __tablename__ = "early_warnings"
    __table_args__ = (
        UniqueConstraint("case_id", "rule", name="uq_early_warnings_case_rule"),
        one_of("flag", list(FLAGS), "flag"),
        one_of("status", STATUSES, "status"),
        CheckConstraint("assignment IS NULL OR assignment IN ('dispatch', 'assign')",
                        name="assignment"),
        CheckConstraint("status <> 'dismissed' OR (dismiss_reason IS NOT NULL"
                        " AND decided_at IS NOT NULL)", name="dismissed_with_reason"),
        CheckConstraint("status <> 'assigned' OR assigned_institution_id IS NOT NULL",
                        name="assigned_with_institution"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    flag: Mapped[str] = mapped_column(String(20))
    rule: Mapped[str] = mapped_column(String(32))
    term: Mapped[str] = mapped_column(String(100), default="")
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    dismiss_reason: Mapped[str | None] = mapped_column(Text)
    assignment: Mapped[str | None] = mapped_column(String(16))
    assigned_institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"))
    supervision_order_id: Mapped[int | None] = mapped_column(ForeignKey("supervision_orders.id"))

    case: Mapped[Case] = relationship()
    decided_by: Mapped[User | None] = relationship()
    assigned_institution: Mapped[Institution | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status == "open"
