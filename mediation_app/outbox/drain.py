"""Sending what the outbox holds, after commit.

Each message is claimed with a conditional UPDATE (rowcount 1 wins) and the claim is
committed before sending, so two drains never send the same message. A process that dies
after a commit leaves the message queued; one that dies after claiming leaves a claim that
goes stale after CLAIM_LEASE and is taken again (the resend carries the same idempotency
key: the gateway's Idempotency-Key header, the email's Message-ID). A failed delivery is
retried with back-off; after MAX_ATTEMPTS it is marked failed and the sending institution
is told in its inbox."""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from .backends import Backends, DeliveryFailed, Envelope
from .models import OutboxMessage
from .signals import delivery_abandoned

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
CLAIM_LEASE = timedelta(minutes=10)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)


@dataclass
class DrainResult:
    sent: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_native_id()}"


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after the n-th failure, at most six hours."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)


def _claimable(now: datetime):
    return or_(and_(OutboxMessage.status.in_(("queued", "retried")),
                    OutboxMessage.next_attempt_at <= now),
               and_(OutboxMessage.status == "sending",
                    OutboxMessage.claimed_at < now - CLAIM_LEASE))


def due_ids(session: Session, *, now: datetime, limit: int = 100) -> list[int]:
    return list(session.scalars(select(OutboxMessage.id).where(_claimable(now))
                                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                                .limit(limit)))


def claim(session: Session, message_id: int, *, me: str, now: datetime) -> bool:
    result = session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id, _claimable(now))
        .values(status="sending", claimed_by=me, claimed_at=now,
                attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def drain(session: Session, backends: Backends, *, now: datetime,
          ids: list[int] | None = None, limit: int = 100,
          max_attempts: int = MAX_ATTEMPTS) -> DrainResult:
    """Send due messages (only `ids` when given), committing each claim and each result."""
    session.commit()
    result = DrainResult()
    me = owner()
    for message_id in (ids if ids is not None else due_ids(session, now=now, limit=limit)):
        if not claim(session, message_id, me=me, now=now):
            session.rollback()
            continue
        session.commit()
        _send_one(session, backends, message_id, me=me, now=now, max_attempts=max_attempts,
                  result=result)
    return result


def _send_one(session: Session, backends: Backends, message_id: int, *, me: str,
              now: datetime, max_attempts: int, result: DrainResult) -> None:
    message = session.get(OutboxMessage, message_id, populate_existing=True)
    envelope = Envelope(channel=message.channel, recipient=message.recipient,
                        subject=message.subject, body=message.body, key=message.key)
    try:
        backends.for_channel(message.channel).deliver(envelope)
    except DeliveryFailed as failure:
        _record_failure(session, message, str(failure), me=me, now=now,
                        max_attempts=max_attempts, result=result)
    except Exception as error:  # a backend bug must not stop the other messages
        log.exception("outbox message %s: backend error", message_id)
        _record_failure(session, message, f"{type(error).__name__}", me=me, now=now,
                        max_attempts=max_attempts, result=result)
    else:
        _finish(session, message_id, me, status="sent", sent_at=now, last_error=None)
        result.sent.append(message_id)
        log.info("outbox %s %s to %s sent", message.channel, message_id, envelope.masked)
    session.commit()


def _finish(session: Session, message_id: int, me: str, **values) -> bool:
    done = session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id,
                                    OutboxMessage.status == "sending",
                                    OutboxMessage.claimed_by == me)
        .values(claimed_by=None, **values).execution_options(synchronize_session=False))
    return done.rowcount == 1


def _record_failure(session: Session, message: OutboxMessage, error: str, *, me: str,
                    now: datetime, max_attempts: int, result: DrainResult) -> None:
    log.warning("outbox %s %s to %s failed (attempt %s): %s", message.channel, message.id,
                message.masked_recipient, message.attempts, error)
    if message.attempts >= max_attempts:
        if _finish(session, message.id, me, status="failed", failed_at=now,
                   last_error=error[:2000]):
            delivery_abandoned.send(session, message=message, now=now)
            result.failed.append(message.id)
        return
    if _finish(session, message.id, me, status="retried", last_error=error[:2000],
               next_attempt_at=now + backoff(message.attempts)):
        result.retried.append(message.id)
