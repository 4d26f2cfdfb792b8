"""Online applications, one-time codes, access grants, remote signing links, ratings,
appointments and electronic delivery."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..db import db, one_of, utcnow
from ..directory.models import Institution, Region
from ..domain.codes import DisputeType, PartyKind, values
from ..domain.idcard import mask_id_number, mask_phone
from ..personaldata import Encrypted

APPLICATION_STATUSES = ["pending", "accepted", "declined"]
CODE_PURPOSES = ["apply", "follow", "sign"]


class Application(db.Model):
    """在线申请调解: what a party filed at the public page, waiting in an institution's inbox."""

    __tablename__ = "online_applications"
    __table_args__ = (
        one_of("status", APPLICATION_STATUSES, "status"),
        one_of("dispute_type", values(DisputeType), "dispute_type"),
        one_of("respondent_kind", values(PartyKind), "respondent_kind"),
        CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
        CheckConstraint("status != 'accepted' OR case_id IS NOT NULL", name="accepted_has_case"),
        CheckConstraint("status != 'declined' OR decline_reason IS NOT NULL",
                        name="declined_has_reason"),
        Index("ix_online_applications_inbox", "institution_id", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    chosen_by_party: Mapped[bool] = mapped_column(default=False)
    preferred_mediator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    dispute_type: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(String(200))
    facts: Mapped[str] = mapped_column(Text)
    claims: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    applicant_name: Mapped[str] = mapped_column(String(100))
    applicant_sex: Mapped[str | None] = mapped_column(String(8))
    # ID numbers and phones encrypted at rest, as for the parties of a case
    applicant_id_number: Mapped[str] = mapped_column(Encrypted())
    applicant_phone: Mapped[str] = mapped_column(Encrypted())
    applicant_address: Mapped[str] = mapped_column(String(200))
    respondent_kind: Mapped[str] = mapped_column(String(16), default="person")
    respondent_name: Mapped[str] = mapped_column(String(100))
    respondent_id_number: Mapped[str | None] = mapped_column(Encrypted())
    respondent_phone: Mapped[str | None] = mapped_column(Encrypted())
    respondent_address: Mapped[str | None] = mapped_column(String(200))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_ip: Mapped[str] = mapped_column(String(45), default="")
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decline_reason: Mapped[str | None] = mapped_column(Text)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)

    institution: Mapped[Institution] = relationship()
    region: Mapped[Region] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    preferred_mediator: Mapped[User | None] = relationship(foreign_keys=[preferred_mediator_id])
    files: Mapped[list[ApplicationFile]] = relationship(
        back_populates="application", order_by="ApplicationFile.id", cascade="all, delete-orphan")

    @property
    def masked_applicant_phone(self) -> str:
        return mask_phone(self.applicant_phone)

    @property
    def masked_applicant_id_number(self) -> str:
        return mask_id_number(self.applicant_id_number)

    @property
    def masked_respondent_id_number(self) -> str:
        return mask_id_number(self.respondent_id_number)

    @property
    def masked_respondent_phone(self) -> str:
        return mask_phone(self.respondent_phone)


class ApplicationFile(db.Model):
    """A JPEG, PNG or PDF sent with an application; it becomes a case attachment on accept."""

    __tablename__ = "application_files"
    __table_args__ = (CheckConstraint("size > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("online_applications.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(128), unique=True)

    application: Mapped[Application] = relationship(back_populates="files")


class ApplicationEvent(db.Model):
    """The audit trail of an application before it is a case (and of a decline)."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("online_applications.id"), index=True)
    action: Mapped[str] = mapped_column(String(48))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    data: Mapped[dict] = mapped_column(JSON, default=dict)


class PhoneCode(db.Model):
    """A one-time code sent by text message. Only keyed hashes of the phone and the code are
    kept; a code dies when used, when it expires, or after too many wrong tries."""

    __tablename__ = "phone_codes"
    __table_args__ = (
        one_of("purpose", CODE_PURPOSES, "purpose"),
        Index("ix_phone_codes_lookup", "phone_digest", "purpose", "target", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    phone_digest: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(8))
    # what the code opens: "" to apply, "case:12" / "application:7" to follow, "link:3" to sign
    target: Mapped[str] = mapped_column(String(64), default="")
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]
    ip_address: Mapped[str] = mapped_column(String(45), default="")


class AccessFailure(db.Model):
    """A wrong code, a phone that does not match, a wrong ID tail: counted per key for lockout."""

    __tablename__ = "party_access_failures"
    __table_args__ = (Index("ix_party_access_failures_key", "key_digest", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_digest: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class PartyGrant(db.Model):
    """What a party may open after proving the phone: one case (or one application), for a
    short while. The browser holds the token in its own cookie, apart from staff sessions."""

    __tablename__ = "party_grants"
    __table_args__ = (
        CheckConstraint("(case_id IS NULL) <> (application_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("online_applications.id"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))
    signing_link_id: Mapped[int | None] = mapped_column(ForeignKey("signing_links.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class SigningLink(db.Model):
    """A one-time link for one party to sign one agreement on their own phone."""

    __tablename__ = "signing_links"
    __table_args__ = (Index("ix_signing_links_agreement_party", "agreement_id", "party_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"))
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class PartyRating(db.Model):
    """回访 by the party: satisfaction 1-5 and a comment, once per party and case."""

    __tablename__ = "party_ratings"
    __table_args__ = (
        UniqueConstraint("case_id", "party_id", name="uq_party_ratings_case_party"),
        CheckConstraint("satisfaction BETWEEN 1 AND 5", name="satisfaction_1_to_5"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    satisfaction: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Appointment(db.Model):
    """A scheduled mediation session: time, place or video room; parties told by text."""

    __tablename__ = "appointments"
    __table_args__ = (Index("ix_appointments_case_starts", "case_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    place: Mapped[str] = mapped_column(String(200))
    video_url: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]


class DocumentDelivery(db.Model):
    """电子送达: a document sent to one party by link; the first download is recorded."""

    __tablename__ = "document_deliveries"
    __table_args__ = (
        UniqueConstraint("document_id", "party_id", name="uq_document_deliveries_document_party"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    delivered_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_downloaded_at: Mapped[datetime | None]
