"""`flask deadlines sweep`: escalate overdue work, expire referrals, remind (once)."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from ..db import db, utcnow
from ..transaction import unit_of_work
from .services import sweep

deadlines = AppGroup("deadlines", help="Deadlines and escalation.")


@deadlines.command("sweep")
def sweep_command():
    """Escalate overdue work, expire unanswered referrals and send reminders (once)."""
    with unit_of_work(db.session):
        result = sweep(db.session, now=utcnow(), config=current_app.config)
    click.echo(f"escalated {result.escalated}, expired referrals {result.expired_referrals},"
               f" reminders {result.reminders}, overdue performance "
               f"{result.overdue_performances}")


def register(app: Flask) -> None:
    app.cli.add_command(deadlines)
