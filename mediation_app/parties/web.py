"""Flask edge shared by the public pages: the verifier, the party's own cookie, limits."""

from __future__ import annotations

from flask import current_app, g, request
from flask_login import AnonymousUserMixin

from ..db import db, utcnow
from ..storage import Storage
from .applications import UploadRules
from .models import PartyGrant
from .otp import CodePolicy, digest, normalise_phone
from .verification import Verifier, grant_for

GRANT_COOKIE = "party_grant"


def verifier() -> Verifier:
    config = current_app.config
    return Verifier(secret=config["SECRET_KEY"],
                    policy=CodePolicy(**config.get("PARTY_CODE_POLICY", {})),
                    codes_per_hour=config.get("PARTY_CODES_PER_HOUR", 5))


def upload_rules() -> UploadRules:
    config = current_app.config
    return UploadRules(storage=Storage(config["MEDIATION_STORAGE"]),
                       allowed=config["ATTACHMENT_TYPES"], max_bytes=config["ATTACHMENT_MAX_BYTES"])


def client_ip() -> str:
    return request.remote_addr or ""


def without_staff_session() -> None:
    """Public pages never load the signed-in staff user, even in a browser that has one."""
    g._login_user = AnonymousUserMixin()


def ip_limit() -> str:
    return current_app.config.get("PARTY_RATE_LIMIT_IP", "30 per hour")


def phone_limit() -> str:
    return current_app.config.get("PARTY_RATE_LIMIT_PHONE", "10 per hour")


def phone_key() -> str:
    """Rate-limit key per phone number typed in the form (hashed: never a phone in Redis)."""
    phone = request.form.get("phone") or request.form.get("applicant_phone") or ""
    return "phone:" + digest(current_app.config["SECRET_KEY"], "limit",
                             normalise_phone(phone))[:32]


def current_grant() -> PartyGrant | None:
    return grant_for(db.session, verifier(), request.cookies.get(GRANT_COOKIE), now=utcnow())


def set_grant_cookie(response, token: str):
    response.set_cookie(GRANT_COOKIE, token, max_age=30 * 60, httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response
