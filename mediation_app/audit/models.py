from __future__ import annotations

import hmac
import json
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..db import db, one_of, utcnow
from .keys import mac

GENESIS = "0" * 64


class CaseEvent(db.Model):
    """One change to a case. `hash` covers this event and the previous event's hash."""

    __tablename__ = "case_events"
    __table_args__ = (UniqueConstraint("case_id", "seq", name="uq_case_events_case_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    seq: Mapped[int]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(48))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship()

    def compute_hash(self, key: bytes | None = None) -> str:
        """HMAC of the event under the audit key (kept outside the database)."""
        return mac(CaseEvent.payload(self), key)  # works on rows and plain records too

    def payload(self) -> str:
        return json.dumps(
            {
                "case_id": self.case_id,
                "seq": self.seq,
                "actor_id": self.actor_id,
                "at": self.at.isoformat(timespec="microseconds"),
                "action": self.action,
                "data": self.data,
                "prev_hash": self.prev_hash,
            },
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
            default=str,
        )


class AuditHead(db.Model):
    """Where each case's chain ends, and the case as its last event left it, under the audit
    key: deleting a case's last events, or changing the case without an event, shows."""

    __tablename__ = "audit_heads"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    length: Mapped[int]
    head_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(32))
    holder_institution_id: Mapped[int | None]
    mac: Mapped[str] = mapped_column(String(64))

    def payload(self) -> str:
        return (f"head|{self.case_id}|{self.length}|{self.head_hash}|{self.state}|"
                f"{self.holder_institution_id}")

    def seal(self, key: bytes | None = None) -> None:
        self.mac = mac(self.payload(), key)

    def is_sealed(self, key: bytes | None = None) -> bool:
        return hmac.compare_digest(self.mac, mac(self.payload(), key))


# how a password came to be set: a new account, its owner's change, an admin's reset, the
# command line
PASSWORD_WAYS = ["created", "changed", "reset", "cli"]


class AccountEvent(db.Model):
    """A password set: whose, by whom, when and how, with the names as they were then, under
    the audit key. Never the password or its hash."""

    __tablename__ = "account_events"
    __table_args__ = (one_of("via", PASSWORD_WAYS, "via"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(32), default="password.set")
    via: Mapped[str] = mapped_column(String(16))
    username: Mapped[str] = mapped_column(String(64))
    actor_name: Mapped[str | None] = mapped_column(String(100))
    mac: Mapped[str] = mapped_column(String(64))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])

    def payload(self) -> str:
        return (f"account|{self.user_id}|{self.actor_id}|"
                f"{self.at.isoformat(timespec='microseconds')}|{self.action}|{self.via}|"
                f"{self.username}|{self.actor_name}")

    def seal(self, key: bytes | None = None) -> None:
        self.mac = mac(self.payload(), key)

    def is_sealed(self, key: bytes | None = None) -> bool:
        return hmac.compare_digest(self.mac, mac(self.payload(), key))
