"""Signing in: one answer and one cost for every failure; API tokens; new users."""

import secrets
from datetime import datetime
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from .models import ApiToken, User


class LoginRefused(Exception):
    """Every refusal is the same to the person signing in: no hint whether the account exists."""


@cache
def _dummy_hash() -> str:
    """A hash made like real ones, checked when the account does not exist: same cost, same time."""
    return generate_password_hash(secrets.token_hex(16), method="scrypt")


def authenticate(session: Session, username: str, password: str, *, now: datetime) -> User:
    """Return the user, or raise LoginRefused for an unknown account, a wrong password or a
    deactivated account, after the same work in every case."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        check_password_hash(_dummy_hash(), password)
        raise LoginRefused()
    if not user.check_password(password) or not user.is_active:
        raise LoginRefused()
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
