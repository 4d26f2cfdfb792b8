from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..db import db, one_of, utcnow
from ..directory.models import Institution, Region
from ..domain.codes import (
    Channel,
    DisputeType,
    Outcome,
    PartyKind,
    PartyRole,
    Source,
    values,
)
from ..domain.idcard import mask_id_number, mask_phone
from ..personaldata import Encrypted, index_default, keep_indexes_current
from ..workflow import Definition, parse_definition
from ..workflow.loader import REFERRAL_KINDS


class CaseCounter(db.Model):
    """The last case number used per institution and year; bumped in the filing transaction."""

    __tablename__ = "case_counters"

    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(default=0)


class Case(db.Model):
    """One dispute. `holder_*`, `channel`, `state` and `deadline_at` mirror the
    current handling so that lists filter and sort on one table."""

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("numbering_institution_id", "year", "seq", name="uq_cases_number"),
        UniqueConstraint("numbering_institution_id", "case_no", name="uq_cases_case_no"),
        one_of("dispute_type", values(DisputeType), "dispute_type"),
        one_of("source", values(Source), "source"),
        CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
        CheckConstraint("party_count >= 0", name="party_count_not_negative"),
        Index("ix_cases_holder_filed", "holder_institution_id", "filed_at", "id"),
        Index("ix_cases_region_filed", "region_id", "filed_at", "id"),
        Index("ix_cases_state_filed", "state", "filed_at", "id"),
        Index("ix_cases_dispute_type_filed", "dispute_type", "filed_at", "id"),
        Index("ix_cases_channel_filed", "channel", "filed_at", "id"),
        Index("ix_cases_filed_id", "filed_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_no: Mapped[str] = mapped_column(String(64), index=True)
    numbering_institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    year: Mapped[int]
    seq: Mapped[int]
    dispute_type: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(32))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    summary: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    party_count: Mapped[int] = mapped_column(default=0)
    received_on: Mapped[date]
    filed_at: Mapped[datetime] = mapped_column(default=utcnow)
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # optimistic concurrency: every ORM update checks and raises it (not bulk update())
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    assigned_mediator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    holder_institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    channel: Mapped[str | None] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(32))
    deadline_at: Mapped[datetime | None] = mapped_column(index=True)
    closed_at: Mapped[datetime | None]
    # set once, when the holder files the closed case away (归档): the case is read-only after
    archived_at: Mapped[datetime | None]
    # early-warning flags (预警): group, major_group, large_amount, repeat, risk_words
    warning_flags: Mapped[list] = mapped_column(JSON, default=list)
    is_flagged: Mapped[bool] = mapped_column(default=False, index=True)

    region: Mapped[Region] = relationship()
    holder_institution: Mapped[Institution] = relationship(foreign_keys=[holder_institution_id])
    numbering_institution: Mapped[Institution] = relationship(
        foreign_keys=[numbering_institution_id]
    )
    filed_by: Mapped[User | None] = relationship(foreign_keys=[filed_by_id])
    assigned_mediator: Mapped[User | None] = relationship(foreign_keys=[assigned_mediator_id])
    parties: Mapped[list[Party]] = relationship(
        back_populates="case", order_by="Party.position", cascade="all, delete-orphan"
    )
    handlings: Mapped[list[Handling]] = relationship(
        back_populates="case", order_by="Handling.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="case", order_by="Attachment.id", cascade="all, delete-orphan"
    )

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def current_handling(self) -> Handling | None:
        open_ones = [h for h in self.handlings if h.outcome is None]
        return open_ones[-1] if open_ones else None

    def mirror(self, handling: Handling) -> None:
        """Copy the current handling's facts onto the case."""
        self.holder_institution = handling.institution
        self.channel = handling.channel
        self.state = handling.state
        self.deadline_at = handling.deadline_at if handling.outcome is None else None

    def __repr__(self) -> str:
        return f"<Case {self.case_no}>"


class Party(db.Model):
    __tablename__ = "parties"
    __table_args__ = (
        one_of("role", values(PartyRole), "role"),
        one_of("kind", values(PartyKind), "kind"),
        CheckConstraint("sex IS NULL OR sex IN ('male', 'female')", name="sex"),
        # recurring disputes and early warning look people up by name and phone
        Index("ix_parties_name_phone", "name", "phone_index"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    role: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), default=PartyKind.PERSON.value)
    name: Mapped[str] = mapped_column(String(100))
    sex: Mapped[str | None] = mapped_column(String(8))
    # encrypted at rest (personaldata.py); found by their keyed blind indexes
    id_number: Mapped[str | None] = mapped_column(Encrypted())
    phone: Mapped[str | None] = mapped_column(Encrypted())
    id_number_index: Mapped[str | None] = mapped_column(
        String(64), index=True, default=index_default("id_number"))
    phone_index: Mapped[str | None] = mapped_column(String(64), default=index_default("phone"))
    address: Mapped[str | None] = mapped_column(String(200))
    representative_name: Mapped[str | None] = mapped_column(String(100))
    representative_phone: Mapped[str | None] = mapped_column(Encrypted())
    # the rest of 当事人基本情况 (人民调解法 art. 29): 民族, 出生日期, 职业, 工作单位
    ethnicity: Mapped[str | None] = mapped_column(String(16))
    birth_date: Mapped[date | None]
    occupation: Mapped[str | None] = mapped_column(String(100))
    employer: Mapped[str | None] = mapped_column(String(200))
    # optimistic concurrency, as on cases: an edit made from a stale form is refused
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship(back_populates="parties")

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    __index_of__ = {"id_number_index": "id_number", "phone_index": "phone"}

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def audit_view(self) -> dict:
        """What the audit trail keeps of a party: identifiers masked."""
        return {
            "name": self.name,
            "role": self.role,
            "kind": self.kind,
            "sex": self.sex,
            "id_number": self.masked_id_number,
            "phone": self.masked_phone,
        }


class Handling(db.Model):
    """One institution's stretch of work on a case, under its channel."""

    __tablename__ = "handlings"
    __table_args__ = (
        CheckConstraint(
            "outcome IS NULL OR outcome IN ({})".format(
                ", ".join(f"'{value}'" for value in values(Outcome))
            ),
            name="outcome",
        ),
        CheckConstraint(
            "channel IS NULL OR channel IN ({})".format(
                ", ".join(f"'{value}'" for value in values(Channel))
            ),
            name="channel",
        ),
        CheckConstraint(
            "(outcome IS NULL AND concluded_at IS NULL)"
            " OR (outcome IS NOT NULL AND concluded_at IS NOT NULL)",
            name="concluded_with_outcome",
        ),
        Index(
            "uq_handlings_one_open_per_case",
            "case_id",
            unique=True,
            sqlite_where=text("outcome IS NULL"),
            postgresql_where=text("outcome IS NULL"),
        ),
        Index("ix_handlings_institution_case", "institution_id", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    workflow_version_id: Mapped[int] = mapped_column(ForeignKey("workflow_versions.id"))
    channel: Mapped[str | None] = mapped_column(String(16))
    is_mediation: Mapped[bool] = mapped_column(default=True)
    arrived_by: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str | None] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(index=True)
    concluded_at: Mapped[datetime | None] = mapped_column(index=True)
    deadline_at: Mapped[datetime | None] = mapped_column(index=True)
    # the amount of the signed agreement when the handling ended in success (协议涉及金额)
    agreement_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    # the case's mediator when the handling reached its outcome (以案定补 credits them)
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # why a handling ended in failure or withdrawal: a code the workflow declares, and text
    outcome_reason: Mapped[str | None] = mapped_column(String(32), index=True)
    outcome_note: Mapped[str | None] = mapped_column(Text)
    # what the channel's rules need recorded (police eligibility, traffic dates, guardians)
    facts: Mapped[dict] = mapped_column(JSON, default=dict)

    case: Mapped[Case] = relationship(back_populates="handlings")
    institution: Mapped[Institution] = relationship()
    workflow_version: Mapped[WorkflowVersion] = relationship()

    @property
    def definition(self):
        return self.workflow_version.definition

    @property
    def state_label(self) -> str:
        return self.definition.state(self.state).label


keep_indexes_current(Party)


class Attachment(db.Model):
    __tablename__ = "attachments"
    __table_args__ = (CheckConstraint("size > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(128), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # set when the file was sent along with a referral (移交材料)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"),
                                                    index=True)

    case: Mapped[Case] = relationship(back_populates="attachments")
    uploaded_by: Mapped[User | None] = relationship()


class WorkflowVersion(db.Model):
    """The exact text of a definition some handling started with; never changed."""

    __tablename__ = "workflow_versions"
    __table_args__ = (UniqueConstraint("name", "sha256", name="uq_workflow_versions_name_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    stored_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def definition(self) -> Definition:
        return _parse(self.text, f"{self.name} v{self.version}")

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version} ({self.sha256[:8]})"


@lru_cache(maxsize=256)
def _parse(text: str, origin: str) -> Definition:
    return parse_definition(text, origin)


REFERRAL_STATUSES = ["pending", "accepted", "returned", "withdrawn", "expired"]
RETURN_REASONS = ["not_our_remit", "outside_region", "incomplete_materials", "parties_refuse",
                  "already_handled", "other"]


class Referral(db.Model):
    """A proposal to move a case from one institution to another."""

    __tablename__ = "referrals"
    __table_args__ = (
        one_of("kind", list(REFERRAL_KINDS), "kind"),
        one_of("status", REFERRAL_STATUSES, "status"),
        Index("uq_referrals_one_pending_per_case", "case_id", unique=True,
              sqlite_where=text("status = 'pending'"),
              postgresql_where=text("status = 'pending'")),
        Index("ix_referrals_inbox", "to_institution_id", "status", "created_at"),
        Index("ix_referrals_sent", "from_institution_id", "status", "created_at"),
        # the referral figures of a period read those decided in it or still undecided
        Index("ix_referrals_decided_at", "decided_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    from_institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    to_institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    from_handling_id: Mapped[int] = mapped_column(ForeignKey("handlings.id"), index=True)
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
