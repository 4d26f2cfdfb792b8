"""What a referral's loop leaves behind: the outcome report sent back to the sender."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..casefile.models import Case, Handling, Referral
from ..db import db, utcnow
from ..directory.models import Institution


class OutcomeReport(db.Model):
    """办理结果反馈: what became of a referred case, sent back to the sender when the receiving
    handling ends. `loop_closure_hours` runs from that end to the sender's notice."""

    __tablename__ = "outcome_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    handling_id: Mapped[int] = mapped_column(ForeignKey("handlings.id"), unique=True)
    from_institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    to_institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    kind: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16))
    concluded_at: Mapped[datetime]
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    agreement_summary: Mapped[str | None] = mapped_column(Text)
    agreement_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    document_ids: Mapped[list] = mapped_column(JSON, default=list)
    # 委托 success: the court's own handling the case went back to
    returned_handling_id: Mapped[int | None] = mapped_column(ForeignKey("handlings.id"),
                                                             index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    notified_at: Mapped[datetime | None] = mapped_column(index=True)
    loop_closure_hours: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    read_at: Mapped[datetime | None]
    read_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    referral: Mapped[Referral] = relationship()
    case: Mapped[Case] = relationship()
    handling: Mapped[Handling] = relationship(foreign_keys=[handling_id])
    from_institution: Mapped[Institution] = relationship(foreign_keys=[from_institution_id])
    to_institution: Mapped[Institution] = relationship(foreign_keys=[to_institution_id])
