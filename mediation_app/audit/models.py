from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..db import db, utcnow

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

    def compute_hash(self) -> str:
        payload = json.dumps(
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
        return hashlib.sha256(payload.encode()).hexdigest()
