"""Proving a phone: one-time codes (hashed, short-lived, single use, attempt-limited),
lockout after repeated failures, and the short grant a proven party browses with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from . import texts
from .models import AccessFailure, PartyGrant, PhoneCode
from .otp import CodePolicy, digest, new_code, new_token, normalise_phone, same

GRANT_LIFETIME = timedelta(minutes=30)


class VerificationRefused(ValueError):
    """`code`: wrong_code (wrong, expired, used or unknown: one message for all), locked,
    too_many_codes."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Verifier:
    """The key every hash is made with, and the rules codes follow."""

    secret: str
    policy: CodePolicy = CodePolicy()
    codes_per_hour: int = 5

    def phone_digest(self, phone: str) -> str:
        return digest(self.secret, "phone", normalise_phone(phone))

    def lock_key(self, kind: str, value: str) -> str:
        return digest(self.secret, "lock", kind, value)

    def code_hash(self, phone_digest: str, purpose: str, target: str, code: str) -> str:
        return digest(self.secret, "code", phone_digest, purpose, target, code.strip())


def issue_code(session: Session, verifier: Verifier, *, phone: str, purpose: str, target: str,
               ip_address: str, now: datetime) -> str:
    """A new code for the phone; earlier unused codes for the same purpose stop working.
    Returns the code in clear, to be sent by text message and forgotten."""
    phone_digest = verifier.phone_digest(phone)
    sent_lately = session.scalar(select(func.count()).select_from(PhoneCode).where(
        PhoneCode.phone_digest == phone_digest, PhoneCode.created_at > now - timedelta(hours=1)))
    if sent_lately >= verifier.codes_per_hour:
        raise VerificationRefused("too_many_codes")
    session.execute(update(PhoneCode).where(
        PhoneCode.phone_digest == phone_digest, PhoneCode.purpose == purpose,
        PhoneCode.target == target, PhoneCode.used_at.is_(None)).values(used_at=now))
    code = new_code()
    session.add(PhoneCode(phone_digest=phone_digest, purpose=purpose, target=target,
                          code_hash=verifier.code_hash(phone_digest, purpose, target, code),
                          created_at=now, expires_at=verifier.policy.expires_at(now),
                          ip_address=(ip_address or "")[:45]))
    session.flush()
    return code


def is_locked(session: Session, verifier: Verifier, lock_keys: list[str], *,
              now: datetime) -> bool:
    since = now - verifier.policy.lockout_window
    counts = session.execute(select(AccessFailure.key_digest, func.count())
                             .where(AccessFailure.key_digest.in_(lock_keys),
                                    AccessFailure.at > since)
                             .group_by(AccessFailure.key_digest)).all()
    return any(count >= verifier.policy.lockout_failures for _key, count in counts)


def record_failure(session: Session, lock_keys: list[str], *, now: datetime) -> None:
    session.add_all(AccessFailure(key_digest=key, at=now) for key in lock_keys)
    session.flush()


def refuse(session: Session, lock_keys: list[str], *, now: datetime, code: str = "wrong_code"):
    """Count the failure against every key, then refuse. The caller keeps this flush:
    it is the one thing the request commits."""
    record_failure(session, lock_keys, now=now)
    raise VerificationRefused(code)


def check_code(session: Session, verifier: Verifier, *, phone: str, purpose: str, target: str,
               code: str, lock_keys: list[str], now: datetime) -> None:
    """Consume the code or refuse. Wrong, expired, reused and unknown codes get one answer."""
    if is_locked(session, verifier, lock_keys, now=now):
        raise VerificationRefused("locked")
    phone_digest = verifier.phone_digest(phone)
    row = session.scalar(select(PhoneCode).where(
        PhoneCode.phone_digest == phone_digest, PhoneCode.purpose == purpose,
        PhoneCode.target == target, PhoneCode.used_at.is_(None), PhoneCode.expires_at > now)
        .order_by(PhoneCode.created_at.desc(), PhoneCode.id.desc()).limit(1))
    if row is None or row.attempts >= verifier.policy.max_attempts:
        refuse(session, lock_keys, now=now)
    if not same(row.code_hash, verifier.code_hash(phone_digest, purpose, target, code)):
        row.attempts += 1
        refuse(session, lock_keys, now=now)
    used = session.execute(update(PhoneCode).where(PhoneCode.id == row.id,
                                                   PhoneCode.used_at.is_(None))
                           .values(used_at=now))
    if used.rowcount != 1:
        refuse(session, lock_keys, now=now)


def open_grant(session: Session, verifier: Verifier, *, now: datetime, case_id: int | None = None,
               application_id: int | None = None, party_id: int | None = None,
               signing_link_id: int | None = None) -> str:
    """Store a grant; return the token for the party's cookie (only its hash is kept)."""
    token = new_token()
    session.add(PartyGrant(token_hash=digest(verifier.secret, "grant", token), case_id=case_id,
                           application_id=application_id, party_id=party_id,
                           signing_link_id=signing_link_id, created_at=now,
                           expires_at=now + GRANT_LIFETIME))
    session.flush()
    return token


def grant_for(session: Session, verifier: Verifier, token: str | None, *,
              now: datetime) -> PartyGrant | None:
    if not token:
        return None
    return session.scalar(select(PartyGrant).where(
        PartyGrant.token_hash == digest(verifier.secret, "grant", token),
        PartyGrant.expires_at > now))


def send_code(session: Session, verifier: Verifier, *, phone: str, purpose: str, target: str,
              ip_address: str, now: datetime, case_id: int | None = None) -> None:
    """Issue a code and queue the text message carrying it."""
    code = issue_code(session, verifier, phone=phone, purpose=purpose, target=target,
                      ip_address=ip_address, now=now)
    minutes = int(verifier.policy.lifetime.total_seconds() // 60)
    texts.send_text(session, phone=phone, body=texts.code_text(code, minutes),
                    key=f"code:{purpose}:{verifier.phone_digest(phone)[:16]}:{now.isoformat()}",
                    kind="code", now=now, case_id=case_id)
