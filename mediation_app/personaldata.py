"""Parties' ID numbers and phones at rest: AES-256-GCM with the data key, kept outside the
database (DATA_KEY in the environment, or the key file DATA_KEY_FILE, default
instance/data_key); a keyed blind index (HMAC-SHA256 with a second key, DATA_INDEX_KEY /
instance/data_index_key) answers exact searches and the repeat-dispute lookups.

Stored form: enc1:<key id>:<base64 of nonce + ciphertext>. Earlier keys listed in
DATA_OLD_KEYS (hex, comma-separated) still decrypt, so `flask data-keys rotate` can
re-encrypt every value under the current key."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from sqlalchemy import String
from sqlalchemy.types import TypeDecorator

PREFIX = "enc1"


def load_key(name: str, instance: Path) -> bytes:
    """A 32-byte key: hex in the environment variable `name`, else in the file named by
    `name`_FILE (default instance/<name lower-case>), created on first use."""
    if os.environ.get(name):
        return bytes.fromhex(os.environ[name].strip())
    path = Path(os.environ.get(f"{name}_FILE") or instance / name.lower())
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return bytes.fromhex(path.read_text().strip())


def old_keys() -> list[bytes]:
    return [bytes.fromhex(key.strip()) for key in os.environ.get("DATA_OLD_KEYS", "").split(",")
            if key.strip()]


def _key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


def _keys() -> tuple[bytes, dict[str, bytes]]:
    config = current_app.config
    current = config["DATA_KEY"]
    known = {_key_id(key): key for key in (*config.get("DATA_OLD_KEYS", ()), current)}
    return current, known


def encrypt(value: str, key: bytes | None = None) -> str:
    key = key or _keys()[0]
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(key).encrypt(nonce, value.encode(), None)
    return f"{PREFIX}:{_key_id(key)}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def is_encrypted(stored: str) -> bool:
    return stored.startswith(PREFIX + ":")


def decrypt(stored: str) -> str:
    """The plain value; a value stored before encryption is returned as it is."""
    if not is_encrypted(stored):
        return stored
    _prefix, key_id, payload = stored.split(":", 2)
    key = _keys()[1].get(key_id)
    if key is None:
        raise LookupError(f"no data key with id {key_id}: add it to DATA_OLD_KEYS")
    raw = base64.urlsafe_b64decode(payload)
    return AESGCM(key).decrypt(raw[:12], raw[12:], None).decode()


def _canonical(value: str) -> str:
    """What equal values share: NFKC, no spaces or dashes, upper case (an ID number's x)."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", value)).upper()


def blind_index(value: str | None, key: bytes | None = None) -> str | None:
    """The keyed index of a value for exact matches; None for no value."""
    if not value:
        return None
    key = key or current_app.config["DATA_INDEX_KEY"]
    return hmac.new(key, _canonical(value).encode(), hashlib.sha256).hexdigest()


class Encrypted(TypeDecorator):
    """A text column stored encrypted; Python code sees the plain value."""

    impl = String(255)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None or is_encrypted(value):
            return value
        return encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(value)


def index_default(column: str):
    """A column default computing the blind index of `column` from the row being inserted
    (ORM and Core inserts alike)."""

    def default(context):
        return blind_index(context.get_current_parameters().get(column))

    return default


def keep_indexes_current(model) -> None:
    """An ORM update of an indexed value updates its index too (model.__index_of__ maps
    each index column to the value it indexes)."""
    from sqlalchemy import event

    @event.listens_for(model, "before_update")
    def _reindex(_mapper, _connection, target):
        for index, column in model.__index_of__.items():
            setattr(target, index, blind_index(getattr(target, column)))
