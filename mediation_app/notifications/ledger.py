"""A case's notification ledger: every message about it — in the inbox, by email, by text
message — with its recipient (addresses and phones masked), channel and delivery status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.models import User
from ..outbox.services import ledger_for_case
from .models import Notification


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str
    channel: str  # inbox, email, sms
    recipient: str  # a user's name and institution, or a masked address or phone
    status: str  # unread, read; queued, sending, sent, retried, failed
    attempts: int = 1
    error: str | None = None


def ledger(session: Session, case_id: int) -> list[Entry]:
    rows = session.execute(select(Notification, User).join(User, User.id == Notification.user_id)
                           .where(Notification.case_id == case_id))
    entries = [Entry(at=n.created_at, kind=n.kind, channel="inbox",
                     recipient=_who(user), status="read" if n.read_at else "unread")
               for n, user in rows]
    for message in ledger_for_case(session, case_id):
        user = session.get(User, message.recipient_user_id) if message.recipient_user_id \
            else None
        recipient = message.masked_recipient
        if user is not None:
            recipient = f"{_who(user)} · {recipient}"
        entries.append(Entry(at=message.created_at, kind=message.kind, channel=message.channel,
                             recipient=recipient, status=message.status,
                             attempts=message.attempts, error=message.last_error))
    return sorted(entries, key=lambda e: (e.at, e.channel))


def _who(user: User) -> str:
    return f"{user.display_name}（{user.institution.name}）"
