"""Delivery backends behind one interface: `deliver(envelope)` returns when the message was
handed over and raises DeliveryFailed otherwise.

Chosen by configuration (app config first, else the environment):
OUTBOX_EMAIL_BACKEND = console | smtp (default console; smtp reads MAIL_SERVER, MAIL_PORT,
MAIL_USERNAME, MAIL_PASSWORD, MAIL_USE_TLS, MAIL_FROM), OUTBOX_SMS_BACKEND = console | http
(default console; http reads SMS_GATEWAY_URL, SMS_GATEWAY_TOKEN, SMS_GATEWAY_TIMEOUT)."""

from __future__ import annotations

import json
import logging
import os
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

from .models import mask_recipient

log = logging.getLogger(__name__)


class DeliveryFailed(RuntimeError):
    """The backend could not hand the message over; the text never holds the recipient."""


class OutboxMisconfigured(RuntimeError):
    pass


@dataclass(frozen=True)
class Envelope:
    channel: str
    recipient: str
    subject: str
    body: str
    key: str

    @property
    def masked(self) -> str:
        return mask_recipient(self.channel, self.recipient)


class Backend(Protocol):
    name: str

    def deliver(self, envelope: Envelope) -> None: ...


@dataclass
class ConsoleBackend:
    """Records the message as sent and logs it with the recipient masked; `delivered`
    keeps what went through (useful on a laptop and in tests)."""

    name: str = "console"
    delivered: list[Envelope] = field(default_factory=list)

    def deliver(self, envelope: Envelope) -> None:
        self.delivered.append(envelope)
        log.info("outbox %s to %s: %s", envelope.channel, envelope.masked, envelope.subject)


@dataclass(frozen=True)
class SmtpBackend:
    server: str
    port: int = 25
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    sender: str = "noreply@localhost"
    timeout: float = 20
    name: str = "smtp"

    def deliver(self, envelope: Envelope) -> None:
        message = EmailMessage()
        message["Subject"] = envelope.subject
        message["From"] = self.sender
        message["To"] = envelope.recipient
        # the same Message-ID on a resend lets the receiving side drop the duplicate
        message["Message-ID"] = make_msgid(idstring=envelope.key.replace(":", "."))
        message.set_content(envelope.body)
        try:
            with smtplib.SMTP(self.server, self.port, timeout=self.timeout) as smtp:
                if self.use_tls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryFailed(f"smtp: {type(error).__name__}: "
                                 f"{_without(str(error), envelope.recipient)}") from None


@dataclass(frozen=True)
class HttpSmsBackend:
    """POSTs JSON {"to", "text", "id"} with `Authorization: Bearer <token>` and an
    Idempotency-Key header (the outbox key); any 2xx answer means accepted."""

    url: str
    token: str
    timeout: float = 10
    name: str = "http"

    def deliver(self, envelope: Envelope) -> None:
        payload = json.dumps({"to": envelope.recipient, "text": envelope.body,
                              "id": envelope.key}, ensure_ascii=False).encode()
        request = urllib.request.Request(self.url, data=payload, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {self.token}", "Idempotency-Key": envelope.key})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            raise DeliveryFailed(f"sms gateway answered HTTP {error.code}") from None
        except (OSError, ValueError) as error:
            raise DeliveryFailed(f"sms gateway unreachable: {type(error).__name__}") from None
        if not 200 <= status < 300:
            raise DeliveryFailed(f"sms gateway answered HTTP {status}")


def _without(text: str, secret: str) -> str:
    return text.replace(secret, "***") if secret else text


def _setting(config, name: str, default=None):
    value = config.get(name)
    return value if value not in (None, "") else os.environ.get(name, default)


def _flag(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def email_backend(config) -> Backend:
    choice = (_setting(config, "OUTBOX_EMAIL_BACKEND") or "console").lower()
    if choice == "console":
        return ConsoleBackend()
    if choice != "smtp":
        raise OutboxMisconfigured(f"OUTBOX_EMAIL_BACKEND: unknown backend '{choice}'")
    server = _setting(config, "MAIL_SERVER")
    if not server:
        raise OutboxMisconfigured("OUTBOX_EMAIL_BACKEND=smtp needs MAIL_SERVER")
    username = _setting(config, "MAIL_USERNAME")
    return SmtpBackend(server=server, port=int(_setting(config, "MAIL_PORT", 25)),
                       username=username, password=_setting(config, "MAIL_PASSWORD"),
                       use_tls=_flag(_setting(config, "MAIL_USE_TLS", False)),
                       sender=_setting(config, "MAIL_FROM") or username or "noreply@localhost")


def sms_backend(config) -> Backend:
    choice = (_setting(config, "OUTBOX_SMS_BACKEND") or "console").lower()
    if choice == "console":
        return ConsoleBackend()
    if choice != "http":
        raise OutboxMisconfigured(f"OUTBOX_SMS_BACKEND: unknown backend '{choice}'")
    url, token = _setting(config, "SMS_GATEWAY_URL"), _setting(config, "SMS_GATEWAY_TOKEN")
    if not url or not token:
        raise OutboxMisconfigured("OUTBOX_SMS_BACKEND=http needs SMS_GATEWAY_URL and "
                                  "SMS_GATEWAY_TOKEN")
    return HttpSmsBackend(url=url, token=token,
                          timeout=float(_setting(config, "SMS_GATEWAY_TIMEOUT", 10)))


@dataclass
class Backends:
    email: Backend
    sms: Backend

    @classmethod
    def from_config(cls, config) -> Backends:
        return cls(email=email_backend(config), sms=sms_backend(config))

    def for_channel(self, channel: str) -> Backend:
        return self.email if channel == "email" else self.sms
