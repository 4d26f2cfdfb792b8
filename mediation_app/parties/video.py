"""Video rooms on a configured Jitsi Meet server, with a signed JWT where the server asks for
one (Jitsi's token authentication: HS256, aud "jitsi", iss the app id, sub the domain).

The appointment keeps the room's address only. Each participant gets a link of their own,
whose token names them (context.user: id and display name), so a leaked link tells whose
it was; only the mediator's token makes its holder a moderator."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote, unquote, urlsplit

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


@dataclass(frozen=True)
class Participant:
    """Who a link is for: `key` is "party-<id>" or "user-<id>", `name` what the room shows."""

    key: str
    name: str
    is_moderator: bool = False


def room_url(jitsi: JitsiConfig, room: str) -> str:
    """The room's address, without any token: what the appointment keeps."""
    return f"{jitsi.base_url}/{quote(room)}"


def participant_url(jitsi: JitsiConfig | None, video_url: str, participant: Participant, *,
                    starts_at: datetime) -> str:
    """The participant's own link to the room: plain where the server asks for no token."""
    room_link = video_url.split("?", 1)[0]
    if jitsi is None or not (jitsi.app_id and jitsi.app_secret):
        return room_link
    room = unquote(urlsplit(room_link).path.rsplit("/", 1)[-1])
    claims = {"aud": "jitsi", "iss": jitsi.app_id, "sub": urlsplit(jitsi.base_url).hostname,
              "room": room, "nbf": starts_at - timedelta(hours=1),
              "exp": starts_at + timedelta(hours=6), "moderator": participant.is_moderator,
              "context": {"user": {"id": participant.key, "name": participant.name,
                                   "moderator": participant.is_moderator}}}
    return f"{room_link}?jwt={jwt.encode(claims, jitsi.app_secret, algorithm='HS256')}"
