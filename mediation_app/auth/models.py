from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String, event, false
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship
from sqlalchemy.orm.base import NEVER_SET, NO_VALUE
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import db, one_of, utcnow
from ..directory.models import Institution
from ..domain.codes import Role, values


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (one_of("role", values(Role), "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    # for the monthly report by email (committee readers); optional
    email: Mapped[str | None] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # part of every session's identity: raising it ends every session signed in before
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # 身份鉴别: when the password was last set, whether the next sign-in must change it
    # (accounts an admin created or reset), and the hashes of the passwords before it
    password_changed_at: Mapped[datetime | None]
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    password_history: Mapped[list | None] = mapped_column(JSON)

    institution: Mapped[Institution] = relationship()
    # loaded with the signed-in user when the notifications ask (see auth.login): else None
    unread_notifications: Mapped[int | None] = query_expression()

    def get_id(self) -> str:
        """What the session remembers: the id and the session version it was signed in at."""
        return f"{self.id}.{self.session_version}"

    def end_sessions(self) -> None:
        """Sign this user out everywhere: sessions from before now are refused."""
        self.session_version = (self.session_version or 1) + 1

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


def _ends_sessions_when_changed(attribute) -> None:
    """A new password, role, institution or deactivation signs the user out everywhere."""

    @event.listens_for(attribute, "set", active_history=True)
    def _changed(user, value, old, _initiator):
        if old not in (NO_VALUE, NEVER_SET, None) and old != value:
            user.end_sessions()


for _attribute in (User.password_hash, User.role, User.institution_id, User.is_active):
    _ends_sessions_when_changed(_attribute)


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored, the secret is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @staticmethod
    def hash_secret(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        secret = "med_" + secrets.token_urlsafe(32)
        token = cls(user=user, name=name, prefix=secret[:12], token_hash=cls.hash_secret(secret))
        return token, secret

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
