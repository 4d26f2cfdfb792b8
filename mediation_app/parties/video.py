"""Video rooms on a configured Jitsi Meet server, with a signed JWT where the server asks for
one (Jitsi's token authentication: HS256, aud "jitsi", iss the app id, sub the domain)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote, urlsplit

import jwt


@dataclass(frozen=True)
class JitsiConfig:
    base_url: str
    app_id: str | None = None
    app_secret: str | None = None

    @classmethod
    def from_config(cls, config) -> JitsiConfig | None:
        base = config.get("JITSI_BASE_URL")
        if not base:
            return None
        return cls(base_url=base.rstrip("/"), app_id=config.get("JITSI_APP_ID"),
                   app_secret=config.get("JITSI_APP_SECRET"))


def room_name(case_id: int) -> str:
    """Unguessable: the room is the only thing between a stranger and the session."""
    return f"tiaojie-{case_id}-{secrets.token_hex(8)}"


def room_url(jitsi: JitsiConfig, room: str, *, starts_at: datetime) -> str:
    url = f"{jitsi.base_url}/{quote(room)}"
    if not (jitsi.app_id and jitsi.app_secret):
        return url
    claims = {"aud": "jitsi", "iss": jitsi.app_id, "sub": urlsplit(jitsi.base_url).hostname,
              "room": room, "nbf": starts_at - timedelta(hours=1),
              "exp": starts_at + timedelta(hours=6)}
    return f"{url}?jwt={jwt.encode(claims, jitsi.app_secret, algorithm='HS256')}"
