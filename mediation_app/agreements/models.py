from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

if TYPE_CHECKING:
    from ..casefile.models import Handling

from ..auth.models import User
from ..db import db, one_of, utcnow
from ..domain.codes import AgreementForm, values


class MediationSession(db.Model):
    """调解记录: one sitting of the mediation."""

    __tablename__ = "mediation_sessions"
    __table_args__ = (
        CheckConstraint("start_time IS NULL OR end_time IS NULL OR end_time > start_time",
                        name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    handling_id: Mapped[int] = mapped_column(ForeignKey("handlings.id"), index=True)
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(200))
    mediators: Mapped[str] = mapped_column(String(200))
    attendees: Mapped[str] = mapped_column(Text)
    record: Mapped[str] = mapped_column(Text)
    # the sitting's local start and end time, and who kept the record (记录人)
    start_time: Mapped[time | None]
    end_time: Mapped[time | None]
    recorder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # optimistic concurrency, as on cases: an edit made from a stale form is refused
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    recorder: Mapped[User | None] = relationship(foreign_keys=[recorder_id])

    maker_institution_id = None

    @property
    def maker_handling_id(self) -> int:
        return self.handling_id


AGREEMENT_STATUSES = ["draft", "signed", "voided"]
PERFORMANCE_STATUSES = ["pending", "full", "partial", "none"]


class Agreement(db.Model):
    """调解协议书. Immutable once every signature is in; a correction is a new version
    that voids the previous one."""

    __tablename__ = "agreements"
    __table_args__ = (
        UniqueConstraint("case_id", "version", name="uq_agreements_case_version"),
        Index("uq_agreements_one_live_per_case", "case_id", unique=True,
              sqlite_where=text("status != 'voided'"),
              postgresql_where=text("status != 'voided'")),
        one_of("status", AGREEMENT_STATUSES, "status"),
        one_of("form", values(AgreementForm), "form"),
        CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    handling_id: Mapped[int] = mapped_column(ForeignKey("handlings.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    template: Mapped[str] = mapped_column(String(32))
    facts: Mapped[str] = mapped_column(Text)
    matters: Mapped[str] = mapped_column(Text)
    clauses: Mapped[list] = mapped_column(JSON, default=list)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    performance_manner: Mapped[str] = mapped_column(Text)
    performance_deadline: Mapped[date | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    signed_at: Mapped[datetime | None]
    voided_at: Mapped[datetime | None]
    void_reason: Mapped[str | None] = mapped_column(Text)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    # written (signed on screen) or oral (人民调解法 art. 28, 30: the mediator records it)
    form: Mapped[str] = mapped_column(String(8), default=AgreementForm.WRITTEN.value,
                                      server_default=AgreementForm.WRITTEN.value)
    # what the channel's document prints besides the common fields: the traffic items,
    # amounts and liability shares; the police 主持人, time, place, cause and course; the
    # court's judge and clerk
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    # optimistic concurrency of edits (`version` above numbers the corrected documents):
    # every ORM update checks and raises it; a draft saved from a stale form is refused
    row_version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": row_version}

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    handling: Mapped[Handling] = relationship(foreign_keys=[handling_id])
    signatures: Mapped[list[AgreementSignature]] = relationship(
        back_populates="agreement", order_by="AgreementSignature.id", cascade="all, delete-orphan")
    performances: Mapped[list[Performance]] = relationship(
        back_populates="agreement", order_by="Performance.due_on", cascade="all, delete-orphan")

    @property
    def is_editable(self) -> bool:
        return self.status == "draft" and not self.signatures

    maker_institution_id = None

    @property
    def maker_handling_id(self) -> int:
        return self.handling_id


class AgreementSignature(db.Model):
    """A signature drawn on screen by a party or the mediator, with who, when and where."""

    __tablename__ = "agreement_signatures"
    __table_args__ = (
        UniqueConstraint("agreement_id", "party_id", name="uq_agreement_signatures_party"),
        UniqueConstraint("agreement_id", "user_id", name="uq_agreement_signatures_user"),
        CheckConstraint("(party_id IS NULL) <> (user_id IS NULL)", name="one_signer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signer_name: Mapped[str] = mapped_column(String(100))
    image_png: Mapped[bytes] = mapped_column(LargeBinary)
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    ip_address: Mapped[str] = mapped_column(String(45))
    user_agent: Mapped[str] = mapped_column(String(300))

    agreement: Mapped[Agreement] = relationship(back_populates="signatures")


class Performance(db.Model):
    """履行: one obligation of the agreement with its due date and how it went."""

    __tablename__ = "performances"
    __table_args__ = (one_of("status", PERFORMANCE_STATUSES, "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    description: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    checked_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    agreement: Mapped[Agreement] = relationship(back_populates="performances")

    def is_overdue(self, today: date) -> bool:
        return self.status == "pending" and self.due_on < today

    maker_institution_id = None

    @property
    def case_id(self) -> int:
        return self.agreement.case_id

    @property
    def maker_handling_id(self) -> int:
        return self.agreement.handling_id


class FollowUp(db.Model):
    """回访 after a successful mediation."""

    __tablename__ = "follow_ups"
    __table_args__ = (CheckConstraint("satisfaction BETWEEN 1 AND 5", name="satisfaction_1_to_5"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    visited_on: Mapped[date]
    satisfaction: Mapped[int]
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    recorded_by: Mapped[User] = relationship()

    maker_handling_id = None

    @property
    def maker_institution_id(self) -> int:
        return self.recorded_by.institution_id


SESSION_RECORD_ROLES = ["party", "mediator", "recorder", "other"]


class SessionRecordSignature(db.Model):
    """A person present at a session who signed its 调解笔录 on screen, or who refused to
    sign (拒绝签名), which the mediator records with a note instead of a signature."""

    __tablename__ = "session_record_signatures"
    __table_args__ = (
        UniqueConstraint("session_id", "signer_key", name="uq_session_record_signatures_signer"),
        one_of("signer_role", SESSION_RECORD_ROLES, "signer_role"),
        CheckConstraint("(refused AND image_png IS NULL AND refusal_note IS NOT NULL) OR "
                        "(NOT refused AND image_png IS NOT NULL)", name="signed_or_refused"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("mediation_sessions.id"), index=True)
    # who on the session's list of those present: party:<id>, mediator:<name>, recorder:<id>,
    # other:<name>
    signer_key: Mapped[str] = mapped_column(String(120))
    signer_name: Mapped[str] = mapped_column(String(100))
    signer_role: Mapped[str] = mapped_column(String(16))
    image_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    refused: Mapped[bool] = mapped_column(default=False, server_default=false())
    refusal_note: Mapped[str | None] = mapped_column(Text)
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    ip_address: Mapped[str] = mapped_column(String(45))
    user_agent: Mapped[str] = mapped_column(String(300))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class RecordDocument(db.Model):
    """The document issued from one session record (调解笔录) or one follow-up visit
    (回访记录): at most one each."""

    __tablename__ = "record_documents"
    __table_args__ = (
        UniqueConstraint("session_id", name="uq_record_documents_session"),
        UniqueConstraint("follow_up_id", name="uq_record_documents_follow_up"),
        CheckConstraint("(session_id IS NULL) <> (follow_up_id IS NULL)", name="one_record"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), unique=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("mediation_sessions.id"))
    follow_up_id: Mapped[int | None] = mapped_column(ForeignKey("follow_ups.id"))
