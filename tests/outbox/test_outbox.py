"""The outbox: messages are queued in the caller's transaction, sent only after commit by a
drain that claims each one with a conditional UPDATE, retried with back-off, and flagged
to the sending institution when they keep failing."""

import json
import logging
import socket
import threading
from datetime import datetime, timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from mediation_app.notifications.models import Notification
from mediation_app.outbox.backends import (
    Backends,
    ConsoleBackend,
    DeliveryFailed,
    HttpSmsBackend,
    SmtpBackend,
)
from mediation_app.outbox.drain import CLAIM_LEASE, MAX_ATTEMPTS, claim, drain
from mediation_app.outbox.models import OutboxMessage
from mediation_app.outbox.services import queue_message

NOW = datetime(2026, 3, 2, 9, 0)
PHONE = "13912345678"


class FailingBackend:
    name = "failing"

    def __init__(self):
        self.tries = 0

    def deliver(self, envelope):
        self.tries += 1
        raise DeliveryFailed("gateway answered HTTP 503")


def _console() -> Backends:
    return Backends(email=ConsoleBackend(), sms=ConsoleBackend())


def _queue(session, key="k1", channel="sms", recipient=PHONE, **extra):
    return queue_message(session, channel=channel, recipient=recipient, body="您有一件移交待签收。",
                         subject="移交通知", key=key, now=NOW, **extra)


def _statuses(session):
    session.expire_all()
    return {m.key: (m.status, m.attempts) for m in session.scalars(select(OutboxMessage))}


def test_a_message_queued_in_a_rolled_back_transaction_is_never_sent(session):
    _queue(session)
    session.rollback()
    backends = _console()
    result = drain(session, backends, now=NOW)
    assert result.sent == [] and backends.sms.delivered == []
    assert _statuses(session) == {}


def test_queuing_the_same_key_twice_keeps_one_message(session):
    assert _queue(session) is not None
    assert _queue(session) is None
    session.commit()
    assert _statuses(session) == {"k1": ("queued", 0)}


def test_a_committed_message_is_sent_once_however_often_the_drain_runs(session):
    _queue(session)
    session.commit()
    backends = _console()
    first = drain(session, backends, now=NOW)
    second = drain(session, backends, now=NOW + timedelta(minutes=5))
    assert len(first.sent) == 1 and second.sent == []
    assert [e.recipient for e in backends.sms.delivered] == [PHONE]
    assert _statuses(session) == {"k1": ("sent", 1)}


def test_a_message_claimed_by_another_drain_is_not_sent_again(session):
    message = _queue(session)
    session.commit()
    assert claim(session, message.id, me="other-process", now=NOW)
    session.commit()
    backends = _console()
    assert drain(session, backends, now=NOW + timedelta(minutes=1)).sent == []
    assert backends.sms.delivered == []
    assert _statuses(session) == {"k1": ("sending", 1)}


def test_a_claim_left_by_a_process_that_died_is_taken_again_after_the_lease(session):
    message = _queue(session)
    session.commit()
    assert claim(session, message.id, me="died", now=NOW)
    session.commit()
    backends = _console()
    drain(session, backends, now=NOW + CLAIM_LEASE + timedelta(seconds=1))
    assert [e.key for e in backends.sms.delivered] == ["k1"]
    assert _statuses(session) == {"k1": ("sent", 2)}


def test_a_failed_delivery_is_retried_after_a_growing_wait(session):
    _queue(session)
    session.commit()
    failing = FailingBackend()
    backends = Backends(email=ConsoleBackend(), sms=failing)
    drain(session, backends, now=NOW)
    message = session.scalar(select(OutboxMessage))
    assert (message.status, message.attempts) == ("retried", 1)
    assert message.next_attempt_at == NOW + timedelta(minutes=1)
    assert "503" in message.last_error
    assert drain(session, backends, now=NOW + timedelta(seconds=30)).retried == []
    drain(session, backends, now=NOW + timedelta(minutes=1))
    session.refresh(message)
    assert (message.status, message.attempts, failing.tries) == ("retried", 2, 2)
    assert message.next_attempt_at == NOW + timedelta(minutes=3)


def test_a_message_that_keeps_failing_is_flagged_to_the_sending_institution(session, make):
    committee = make.institution()
    mediator = make.user(role="mediator", institution=committee)
    outsider = make.user(role="mediator")
    _queue(session, institution_id=committee.id)
    session.commit()
    backends = Backends(email=ConsoleBackend(), sms=FailingBackend())
    at = NOW
    for _ in range(MAX_ATTEMPTS):
        drain(session, backends, now=at)
        at += timedelta(days=1)
    assert _statuses(session) == {"k1": ("failed", MAX_ATTEMPTS)}
    flags = session.scalars(select(Notification).where(Notification.kind == "outbox_failed"))
    told = {(n.user_id, n.params["recipient"]) for n in flags}
    assert told == {(mediator.id, "139****5678")}
    assert outsider.id not in {user_id for user_id, _ in told}


def test_log_lines_show_phones_masked(session, caplog):
    _queue(session)
    session.commit()
    with caplog.at_level(logging.INFO, logger="mediation_app.outbox"):
        drain(session, Backends(email=ConsoleBackend(), sms=FailingBackend()), now=NOW)
        drain(session, _console(), now=NOW + timedelta(hours=1))
    assert "139****5678" in caplog.text
    assert PHONE not in caplog.text


# ---------------------------------------------------------------------------------------
# real servers started by the tests


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    class Collect:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((envelope.rcpt_tos, envelope.content))
            return "250 OK"

    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


def test_email_goes_through_a_real_smtp_server(session, smtp_server):
    controller, handler = smtp_server
    _queue(session, channel="email", recipient="liaison@court.example", key="mail-1")
    session.commit()
    backend = SmtpBackend(server="127.0.0.1", port=controller.port,
                          sender="noreply@mediation.example")
    result = drain(session, Backends(email=backend, sms=ConsoleBackend()), now=NOW)
    assert len(result.sent) == 1
    [(recipients, content)] = handler.messages
    mail = message_from_bytes(content)
    assert recipients == ["liaison@court.example"]
    assert str(make_header(decode_header(mail["Subject"]))) == "移交通知"
    assert "您有一件移交待签收。" in mail.get_payload(decode=True).decode("utf-8")
    assert _statuses(session) == {"mail-1": ("sent", 1)}


def test_an_unreachable_smtp_server_leaves_the_email_to_retry(session):
    _queue(session, channel="email", recipient="liaison@court.example", key="mail-2")
    session.commit()
    backend = SmtpBackend(server="127.0.0.1", port=_free_port(), timeout=2)
    drain(session, Backends(email=backend, sms=ConsoleBackend()), now=NOW)
    message = session.scalar(select(OutboxMessage))
    assert message.status == "retried"
    assert "liaison@court.example" not in message.last_error


@pytest.fixture
def gateway():
    received, answers = [], []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), json.loads(body)))
            status = answers.pop(0) if answers else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/send", received, answers
    finally:
        server.shutdown()
        server.server_close()


def test_a_text_message_is_posted_to_the_http_gateway_with_the_token(session, gateway):
    url, received, _ = gateway
    _queue(session, key="sms-1")
    session.commit()
    sms = HttpSmsBackend(url=url, token="secret-token")
    drain(session, Backends(email=ConsoleBackend(), sms=sms), now=NOW)
    [(headers, payload)] = received
    assert payload == {"to": PHONE, "text": "您有一件移交待签收。", "id": "sms-1"}
    assert headers["Authorization"] == "Bearer secret-token"
    assert headers["Idempotency-Key"] == "sms-1"
    assert _statuses(session) == {"sms-1": ("sent", 1)}


def test_a_gateway_error_is_recorded_and_retried(session, gateway):
    url, received, answers = gateway
    answers.append(503)
    _queue(session, key="sms-2")
    session.commit()
    sms = HttpSmsBackend(url=url, token="t")
    drain(session, Backends(email=ConsoleBackend(), sms=sms), now=NOW)
    assert _statuses(session) == {"sms-2": ("retried", 1)}
    drain(session, Backends(email=ConsoleBackend(), sms=sms), now=NOW + timedelta(minutes=2))
    assert _statuses(session) == {"sms-2": ("sent", 2)}
    assert len(received) == 2


def test_backends_are_chosen_by_configuration():
    chosen = Backends.from_config({"OUTBOX_EMAIL_BACKEND": "smtp", "MAIL_SERVER": "mail.local",
                                   "MAIL_PORT": "2525", "OUTBOX_SMS_BACKEND": "http",
                                   "SMS_GATEWAY_URL": "http://127.0.0.1:9/send",
                                   "SMS_GATEWAY_TOKEN": "t"})
    assert (chosen.email.server, chosen.email.port) == ("mail.local", 2525)
    assert chosen.sms.url == "http://127.0.0.1:9/send"
    default = Backends.from_config({})
    assert (default.email.name, default.sms.name) == ("console", "console")
