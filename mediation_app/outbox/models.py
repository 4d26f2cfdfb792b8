"""The outbox: one row per message to send by email or text message."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import db, one_of, utcnow
from ..domain.idcard import mask_phone

CHANNELS = ["email", "sms"]
# queued: waiting; sending: claimed by a drain; sent; retried: failed, will be tried again;
# failed: gave up after the last attempt (flagged to the sending institution)
STATUSES = ["queued", "sending", "sent", "retried", "failed"]


class OutboxMessage(db.Model):
    """A message written in the same transaction as the change it reports; nothing is sent
    before that transaction commits. `key` makes queuing idempotent."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        one_of("channel", CHANNELS, "channel"),
        one_of("status", STATUSES, "status"),
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(8))
    recipient: Mapped[str] = mapped_column(String(200))
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40), default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    status: Mapped[str] = mapped_column(String(8), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]

    @property
    def masked_recipient(self) -> str:
        return mask_recipient(self.channel, self.recipient)


def mask_recipient(channel: str, recipient: str) -> str:
    """A phone as 138****5678; an email as z***@example.org."""

    if channel == "sms":
        return mask_phone(recipient)
    name, _, domain = recipient.partition("@")
    return f"{name[:1]}***@{domain}" if domain else "***"
