"""The scheduler drains the outbox every minute, in its own app context, and the command
line can drain it too."""

from datetime import timedelta

from sqlalchemy import select

from mediation_app.extensions import db
from mediation_app.outbox.backends import Backends, ConsoleBackend
from mediation_app.outbox.jobs import run_drain
from mediation_app.outbox.models import OutboxMessage
from mediation_app.outbox.services import queue_message
from mediation_app.scheduler import build_scheduler


def test_the_scheduler_drains_the_outbox_every_minute(app):
    jobs = {job.id: job for job in build_scheduler(app).get_jobs()}
    assert jobs["outbox_drain"].trigger.interval == timedelta(minutes=1)


def test_the_job_sends_what_a_committed_transaction_queued(app):
    backends, saved = Backends(email=ConsoleBackend(), sms=ConsoleBackend()), \
        app.extensions["outbox"]
    app.extensions["outbox"] = backends
    try:
        with app.app_context():
            queue_message(db.session, channel="email", recipient="a@b.example", body="正文",
                          subject="主题", key="job-1", now=_now())
            db.session.commit()
        result = run_drain(app, now=_now())
        assert len(result.sent) == 1 and [e.key for e in backends.email.delivered] == ["job-1"]
        with app.app_context():
            assert db.session.scalar(select(OutboxMessage.status)) == "sent"
    finally:
        app.extensions["outbox"] = saved


def test_the_drain_command_reports_what_it_did(app):
    with app.app_context():
        queue_message(db.session, channel="sms", recipient="13912345678", body="正文",
                      key="cli-1", now=_now())
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["outbox", "drain"])
    assert result.exit_code == 0 and "sent 1" in result.output
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage.status)) == "sent"


def _now():
    from mediation_app.db import utcnow

    return utcnow()
