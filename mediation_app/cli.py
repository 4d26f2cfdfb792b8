"""Commands of DESIGN.md §7 (the schema commands come from Flask-Migrate as `flask db`).
Each package registers its own commands; this module adds `seed-demo` and wires them."""

import click
from flask import Flask, current_app

from . import scheduler
from .audit import cli as audit_cli
from .auth import cli as auth_cli
from .backup import cli as backup_cli
from .db import db, utcnow
from .deadlines import cli as deadlines_cli
from .directory import cli as directory_cli
from .documents import cli as documents_cli
from .handlings import cli as handlings_cli
from .jobs import cli as jobs_cli
from .ledger import cli as ledger_cli
from .monthly import cli as monthly_cli
from .stats import cli as stats_cli
from .transaction import unit_of_work

PACKAGES = (auth_cli, directory_cli, handlings_cli, documents_cli, deadlines_cli, stats_cli,
            audit_cli, ledger_cli, monthly_cli, backup_cli, scheduler, jobs_cli)


def _catch_up_monthly_reports(app: Flask) -> None:
    """The scheduler's catch-up, run once here so the demo's past months have their reports
    before the first page is opened."""
    from .monthly import jobs

    db.session.remove()  # hold no transaction (on SQLite: no lock) while the job runs
    outcomes = jobs.catch_up(app, utcnow())
    made = sum(outcome.status == "generated" for outcome in outcomes)
    failed = [outcome for outcome in outcomes if outcome.status == "failed"]
    click.echo(f"monthly reports of past months: {made} made, {len(failed)} failed")
    for outcome in failed:
        click.echo(f"  {outcome.region_code} {outcome.month}: {outcome.error}", err=True)


@click.command("seed-demo")
def seed_demo_command():
    """Load a demo city: regions, institutions, users per role, cases in many states."""
    from .demo import DEMO_PASSWORD, seed_demo
    from .documents.services import Issuer
    from .handlings.catalog import catalog
    from .storage import Storage

    config = current_app.config
    issuer = Issuer(storage=Storage(config["MEDIATION_STORAGE"]), secret_key=config["SECRET_KEY"],
                    public_url=config["PUBLIC_BASE_URL"] or "http://127.0.0.1:5000/")
    with unit_of_work(db.session):
        users = seed_demo(db.session, catalog=catalog(), issuer=issuer)
    click.echo(f"demo data loaded; every demo account's password is {DEMO_PASSWORD}")
    for user in users:
        click.echo(f"  {user.username:<20} {user.role:<11} {user.institution.name}")
    _catch_up_monthly_reports(current_app._get_current_object())


def register(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    for commands in PACKAGES:
        commands.register(app)
