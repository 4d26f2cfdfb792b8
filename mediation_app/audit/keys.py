"""The audit key: kept outside the database (AUDIT_KEY in the environment, or a key file
in the instance folder), so whoever can write the database cannot forge the chain."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from flask import current_app


def load_audit_key(instance: Path) -> bytes:
    """AUDIT_KEY from the environment, else the file AUDIT_KEY_FILE (default
    instance/audit_key), created with a random key on first use."""
    if os.environ.get("AUDIT_KEY"):
        return os.environ["AUDIT_KEY"].encode()
    path = Path(os.environ.get("AUDIT_KEY_FILE") or instance / "audit_key")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip().encode()


def audit_key() -> bytes:
    key = current_app.config["AUDIT_KEY"]
    return key.encode() if isinstance(key, str) else key


def mac(payload: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 of the payload under the audit key, as 64 hex digits."""
    return hmac.digest(key or audit_key(), payload.encode(), "sha256").hex()


def legacy_digest(payload: str) -> str:
    """How events were hashed before the chain was keyed (plain SHA-256)."""
    return hashlib.sha256(payload.encode()).hexdigest()
