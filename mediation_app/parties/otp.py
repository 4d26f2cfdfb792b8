"""One-time codes and tokens: made at random, kept only as keyed hashes. Framework-free."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

CODE_DIGITS = 6
NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone


@dataclass(frozen=True)
class CodePolicy:
    """How long a code lives, how many tries it allows, and when failures lock a key out."""

    lifetime: timedelta = timedelta(minutes=10)
    max_attempts: int = 5
    lockout_failures: int = 5
    lockout_window: timedelta = timedelta(minutes=30)

    def expires_at(self, now: datetime) -> datetime:
        return now + self.lifetime


def new_code() -> str:
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def new_number(prefix: str, now: datetime) -> str:
    """An application number such as SQ20261201-7K3M9Q: dated, and not guessable."""
    tail = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(6))
    return f"{prefix}{now:%Y%m%d}-{tail}"


def digest(secret: str, *parts: str) -> str:
    """A keyed hash (HMAC-SHA256): without the key a stolen table reveals neither the
    phones nor the codes, and a six-digit code cannot be brute-forced offline."""
    message = "\x1f".join(parts).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def same(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected, given)


def normalise_phone(raw: str) -> str:
    """Digits only; a leading +86 / 0086 country code is dropped."""
    digits = "".join(ch for ch in raw if ch.isdigit())
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix):]
    return digits


def is_mobile_number(phone: str) -> bool:
    """A mainland mobile number: 11 digits starting with 1[3-9]."""
    return len(phone) == 11 and phone.isdigit() and phone[0] == "1" and phone[1] in "3456789"
