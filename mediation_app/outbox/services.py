"""Queuing messages in the caller's transaction. Nothing is sent here: the drain sends
after commit, so a rolled-back change never leaves a message behind."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import insert_if_absent
from .models import CHANNELS, OutboxMessage

QUEUED_IN_SESSION = "outbox_queued_ids"


class OutboxError(ValueError):
    pass


def queue_message(session: Session, *, channel: str, recipient: str, body: str, key: str,
                  now: datetime, subject: str = "", kind: str = "", case_id: int | None = None,
                  institution_id: int | None = None, recipient_user_id: int | None = None
                  ) -> OutboxMessage | None:
    """Queue one message; the same `key` is queued once (None when it already was).
    `institution_id` is the sending institution: it is told when delivery keeps failing."""
    if channel not in CHANNELS:
        raise OutboxError(f"unknown channel '{channel}'")
    if not recipient:
        raise OutboxError("a message needs a recipient")
    inserted = insert_if_absent(
        session, OutboxMessage, key=key[:200], channel=channel, recipient=recipient[:200],
        recipient_user_id=recipient_user_id, subject=subject[:200], body=body, kind=kind[:40],
        case_id=case_id, institution_id=institution_id, status="queued", attempts=0,
        created_at=now, next_attempt_at=now)
    if not inserted:
        return None
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.key == key[:200]))
    session.info.setdefault(QUEUED_IN_SESSION, []).append(message.id)
    return message


def ledger_for_case(session: Session, case_id: int) -> list[OutboxMessage]:
    """Every email and text message about the case, oldest first."""
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case_id)
                                .order_by(OutboxMessage.created_at, OutboxMessage.id)))
