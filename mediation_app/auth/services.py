"""Signing in: one answer and one cost for every failure; API tokens; new users; passwords
as 等保 2.0 asks them to be chosen, aged and replaced (domain/passwords.py)."""

import secrets
from datetime import datetime
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import utcnow
from ..domain.passwords import is_expired, password_problems
from .models import ApiToken, User
from .signals import password_set


class PasswordRefused(ValueError):
    """`code`: too_short, too_few_kinds, contains_username, wrong_current, reused."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


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
                institution, display_name: str | None = None, actor: User | None = None,
                via: str = "created", now: datetime | None = None) -> User:
    """Add an account with its first password; the audit trail is told who set it (never
    the password)."""
    user = User(username=username, display_name=display_name or username, role=role,
                institution=institution)
    user.set_password(password)
    session.add(user)
    session.flush()
    _announce(session, user, actor=actor, via=via, now=now)
    return user


def _announce(session: Session | None, user: User, *, actor: User | None, via: str,
              now: datetime | None) -> None:
    password_set.send(session or object_session(user), user=user, actor=actor, via=via,
                      now=now or utcnow())


def password_problem(password: str, username: str) -> str | None:
    """The first reason 等保 2.0 would call the password weak, if any."""
    problems = password_problems(password, username)
    return problems[0] if problems else None


def require_change_at_sign_in(user: User, *, now: datetime) -> None:
    """An account an admin created: its owner replaces the initial password when signing in."""
    user.password_changed_at = now
    user.must_change_password = True


def _recent_hashes(user: User, keep: int) -> list[str]:
    return ([user.password_hash] if user.password_hash else []) + list(
        user.password_history or [])[:max(keep - 1, 0)]


def set_password(user: User, password: str, *, now: datetime, keep: int,
                 must_change: bool, actor: User | None, via: str = "reset") -> None:
    """Set a strong password that is none of the user's last `keep` ones. `must_change`:
    an admin set it, so its owner replaces it at the next sign-in. `actor` (None from the
    command line) and `via` go to the audit trail."""
    problem = password_problem(password, user.username)
    if problem:
        raise PasswordRefused(problem)
    recent = _recent_hashes(user, keep)
    if any(check_password_hash(old, password) for old in recent):
        raise PasswordRefused("reused")
    user.password_history = recent[:max(keep - 1, 0)]
    user.set_password(password)
    user.password_changed_at = now
    user.must_change_password = must_change
    _announce(None, user, actor=actor, via=via, now=now)


def change_own_password(user: User, *, current: str, new: str, now: datetime,
                        keep: int) -> None:
    """The owner replaces their password, proving they know the one in force."""
    if not user.check_password(current):
        raise PasswordRefused("wrong_current")
    set_password(user, new, now=now, keep=keep, must_change=False, actor=user, via="changed")


def password_change_due(user: User, *, now: datetime, max_age_days: int) -> bool:
    """An admin set the password, or it is older than the allowed age."""
    return user.must_change_password or is_expired(user.password_changed_at, now, max_age_days)
