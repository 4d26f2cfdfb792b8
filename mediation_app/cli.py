"""Commands of DESIGN.md §7 (the schema commands come from Flask-Migrate as `flask db`)."""

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from .auth.services import create_user
from .db import db, utcnow
from .directory.models import Institution
from .directory.services import ImportRefused, import_institutions, import_regions
from .domain.codes import Role, values


def _report_refusal(refusal: ImportRefused) -> None:
    for problem in refusal.problems:
        click.echo(f"error: {problem}", err=True)
    click.echo(f"nothing imported: {len(refusal.problems)} problem(s)", err=True)
    sys.exit(1)


def _run_import(importer, file, noun: str) -> None:
    try:
        count = importer(db.session, file)
    except ImportRefused as refusal:
        db.session.rollback()
        _report_refusal(refusal)
    db.session.commit()
    click.echo(f"imported {count} {noun}")


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


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load a demo city: regions, institutions, users per role, cases in many states."""
        from .demo import DEMO_PASSWORD, seed_demo
        from .documents.services import Issuer
        from .handlings.catalog import catalog
        from .storage import Storage

        issuer = Issuer(storage=Storage(app.config["MEDIATION_STORAGE"]),
                        secret_key=app.config["SECRET_KEY"],
                        public_url=app.config["PUBLIC_BASE_URL"] or "http://127.0.0.1:5000/")
        users = seed_demo(db.session, catalog=catalog(), issuer=issuer)
        db.session.commit()
        click.echo(f"demo data loaded; every demo account's password is {DEMO_PASSWORD}")
        for user in users:
            click.echo(f"  {user.username:<20} {user.role:<11} {user.institution.name}")
        _catch_up_monthly_reports(app)

    users = AppGroup("users", help="Manage user accounts.")
    app.cli.add_command(users)

    @users.command("create")
    @click.option("--username", required=True)
    @click.option("--role", required=True, type=click.Choice(values(Role)))
    @click.option("--institution", "institution_code", required=True, help="institution code")
    @click.option("--display-name")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def create_user_command(username, role, institution_code, display_name, password):
        """Add a user."""
        institution = db.session.scalar(
            select(Institution).where(Institution.code == institution_code))
        if institution is None:
            raise click.UsageError(f"no institution with code {institution_code}")
        if len(password) < 8:
            raise click.UsageError("the password needs at least 8 characters")
        from .auth.models import User

        if db.session.scalar(select(User).where(User.username == username)):
            raise click.UsageError(f"username {username} is taken")
        create_user(db.session, username=username, password=password, role=role,
                    institution=institution, display_name=display_name)
        db.session.commit()
        click.echo(f"created {role} {username} at {institution.name}")

    regions = AppGroup("regions", help="Manage the region tree.")
    app.cli.add_command(regions)

    @regions.command("import")
    @click.argument("file", type=click.File(encoding="utf-8-sig"))
    def import_regions_command(file):
        """Import regions from CSV code,name,level,parent_code (all or nothing)."""
        _run_import(import_regions, file, "regions")

    institutions = AppGroup("institutions", help="Manage institutions.")
    app.cli.add_command(institutions)

    @institutions.command("import")
    @click.argument("file", type=click.File(encoding="utf-8-sig"))
    def import_institutions_command(file):
        """Import institutions from CSV code,name,kind,region_code (all or nothing)."""
        _run_import(import_institutions, file, "institutions")

    workflows = AppGroup("workflows", help="Channel workflow definitions.")
    app.cli.add_command(workflows)

    @workflows.command("check")
    @click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
    def check_workflows_command(files):
        """Validate definitions (default: every file in WORKFLOWS_DIR); exit 1 on problems."""
        from pathlib import Path

        from .workflow.catalog import Catalog
        from .workflow.loader import DefinitionInvalid, Problem

        folder = sorted(Path(app.config["WORKFLOWS_DIR"]).glob("*.yaml"))
        paths = [Path(f) for f in files] or folder
        unreadable = [Problem(str(p), 1, "cannot be read") for p in paths if not p.is_file()]
        try:
            catalog = Catalog.load([p for p in paths if p.is_file()], alongside=folder)
        except DefinitionInvalid as invalid:
            problems = unreadable + invalid.problems
        else:
            problems = unreadable
        for problem in problems:
            click.echo(str(problem), err=True)
        if problems:
            sys.exit(1)
        for definition in catalog:
            click.echo(f"OK {definition.name} v{definition.version}: {definition.title}")

    from .stats.cli import register as register_stats

    register_stats(app)

    certificates = AppGroup("certificates", help="Institution signing certificates.")
    app.cli.add_command(certificates)

    def _institution(code: str) -> Institution:
        institution = db.session.scalar(select(Institution).where(Institution.code == code))
        if institution is None:
            raise click.UsageError(f"no institution with code {code}")
        return institution

    @certificates.command("demo")
    @click.option("--institution", "code", required=True, help="institution code")
    def demo_certificate_command(code):
        """Create a self-signed demo certificate for an institution (replaces its current one)."""
        import secrets

        from .documents.certificates import demo_pkcs12, store_certificate
        from .storage import Storage

        institution = _institution(code)
        passphrase = secrets.token_urlsafe(24).encode()
        record = store_certificate(
            db.session, institution, demo_pkcs12(institution, passphrase, now=utcnow()),
            passphrase, storage=Storage(app.config["MEDIATION_STORAGE"]),
            secret_key=app.config["SECRET_KEY"], is_demo=True, now=utcnow())
        db.session.commit()
        click.echo(f"demo certificate for {institution.name}: {record.subject}, "
                   f"valid until {record.not_after:%Y-%m-%d}")

    @certificates.command("import")
    @click.option("--institution", "code", required=True, help="institution code")
    @click.argument("file", type=click.File("rb"))
    @click.option("--passphrase", prompt=True, hide_input=True, default="",
                  help="the PKCS#12 passphrase")
    def import_certificate_command(code, file, passphrase):
        """Import a real PKCS#12 (.p12/.pfx) signing certificate for an institution."""
        from .documents.certificates import CertificateError, store_certificate
        from .storage import Storage

        institution = _institution(code)
        try:
            record = store_certificate(
                db.session, institution, file.read(), passphrase.encode(),
                storage=Storage(app.config["MEDIATION_STORAGE"]),
                secret_key=app.config["SECRET_KEY"], is_demo=False, now=utcnow())
        except CertificateError as problem:
            db.session.rollback()
            raise click.ClickException(str(problem)) from None
        db.session.commit()
        click.echo(f"imported {record.subject}, valid until {record.not_after:%Y-%m-%d}")

    deadlines = AppGroup("deadlines", help="Deadlines and escalation.")
    app.cli.add_command(deadlines)

    @deadlines.command("sweep")
    def sweep_command():
        """Escalate overdue work, expire unanswered referrals and send reminders (once)."""
        from .deadlines.services import sweep

        result = sweep(db.session, now=utcnow(), config=app.config)
        db.session.commit()
        click.echo(f"escalated {result.escalated}, expired referrals {result.expired_referrals},"
                   f" reminders {result.reminders}, overdue performance "
                   f"{result.overdue_performances}")

    from .audit.cli import register as register_audit

    register_audit(app)

    from .backup.cli import register as register_backup

    register_backup(app)
