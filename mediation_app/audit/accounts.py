"""Password changes in the audit trail: one sealed row per password set (by its owner, by an
admin, by the command line, or with a new account), written in the same transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.models import User
from ..auth.signals import password_set
from .models import AccountEvent


@password_set.connect
def record_password_set(session: Session, *, user: User, actor: User | None, via: str,
                        now: datetime) -> AccountEvent:
    """Who set whose password, when and how; the user is flushed so it has its id."""
    if user.id is None:
        session.flush()
    event = AccountEvent(user_id=user.id, actor_id=actor.id if actor else None, at=now,
                         action="password.set",
                         via=via, username=user.username,
                         actor_name=actor.display_name if actor else None)
    event.seal()
    session.add(event)
    return event


def password_events(session: Session, user: User) -> list[AccountEvent]:
    """The user's password history, oldest first."""
    return list(session.scalars(select(AccountEvent).where(AccountEvent.user_id == user.id)
                                .order_by(AccountEvent.at, AccountEvent.id)))


def unsealed_account_events(session: Session) -> list[AccountEvent]:
    """Rows whose seal does not match their content (changed outside the application)."""
    return [event for event in session.scalars(select(AccountEvent).order_by(AccountEvent.id))
            if not event.is_sealed()]
