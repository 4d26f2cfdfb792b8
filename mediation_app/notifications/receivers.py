"""Notifications raised by events other packages send (blinker signals), so that those
packages need not know the notifications package."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..outbox.signals import delivery_abandoned
from .services import notify, staff_of


@delivery_abandoned.connect
def tell_sender_of_abandoned_delivery(session: Session, *, message, now: datetime) -> None:
    """Tell the sending institution's staff in their inbox (never by the failing channel)."""
    if message.institution_id is None:
        return
    notify(session, staff_of(session, message.institution_id), kind="outbox_failed",
           key=f"outbox-failed:{message.id}", now=now, case_id=message.case_id,
           channel=message.channel, recipient=message.masked_recipient,
           subject=message.subject, attempts=message.attempts)
