from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..db import db, one_of, utcnow
from ..directory.models import Institution
from ..domain.codes import DocumentKind, values

DOCUMENT_KINDS = values(DocumentKind)


class Document(db.Model):
    """A stored PDF: its hash is what the verification page compares against."""

    __tablename__ = "documents"
    __table_args__ = (one_of("kind", DOCUMENT_KINDS, "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"), index=True)
    # set when the document was issued to go with a referral (the 司法确认 申请书)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(100))
    storage_key: Mapped[str] = mapped_column(String(128), unique=True)
    # the same document rendered with the parties' personal data masked, unsigned: what
    # readers who see the case masked download (None for documents issued before)
    masked_storage_key: Mapped[str | None] = mapped_column(String(128))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    verification_code: Mapped[str] = mapped_column(String(16), unique=True)
    is_signed: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    voided_at: Mapped[datetime | None]
    # a court's ruling is recorded with its number (案号) and the date it was made
    number: Mapped[str | None] = mapped_column(String(64))
    dated_on: Mapped[date | None]

    institution: Mapped[Institution] = relationship()
    created_by: Mapped[User | None] = relationship()

    maker_handling_id = None

    @property
    def maker_institution_id(self) -> int:
        return self.institution_id


class InstitutionCertificate(db.Model):
    """The PKCS#12 bundle an institution signs its PDFs with (kept under MEDIATION_STORAGE)."""

    __tablename__ = "institution_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), unique=True)
    storage_key: Mapped[str] = mapped_column(String(128))
    passphrase: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    not_after: Mapped[datetime]
    is_demo: Mapped[bool] = mapped_column(default=True)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    institution: Mapped[Institution] = relationship()
