"""Signing in with lockout after repeated failures."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import ApiToken, User


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int
    lockout: timedelta


class LoginRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def authenticate(session: Session, username: str, password: str, *, now: datetime,
                 policy: LoginPolicy) -> User:
    """Return the user or raise LoginRefused('invalid' | 'locked' | 'inactive')."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        raise LoginRefused("invalid")
    if user.is_locked(now):
        raise LoginRefused("locked")
    if not user.check_password(password):
        user.failed_logins += 1
        if user.failed_logins >= policy.max_failures:
            user.locked_until = now + policy.lockout
            user.failed_logins = 0
        session.flush()
        raise LoginRefused("invalid")
    if not user.is_active:
        raise LoginRefused("inactive")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    session.flush()
    return user


def user_for_token(session: Session, secret: str, *, now: datetime) -> User | None:
    token = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == ApiToken.hash_secret(secret))
    )
    if token is None or not token.is_active or not token.user.is_active:
        return None
    token.last_used_at = now
    return token.user


def create_user(session: Session, *, username: str, password: str, role: str,
                institution, display_name: str | None = None) -> User:
    user = User(username=username, display_name=display_name or username, role=role,
                institution=institution)
    user.set_password(password)
    session.add(user)
    session.flush()
    return user
