"""`flask certificates demo|import`: an institution's signing certificate."""

import secrets

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ..db import db, utcnow
from ..directory.models import Institution
from ..storage import Storage
from ..transaction import unit_of_work
from .certificates import CertificateError, demo_pkcs12, store_certificate

certificates = AppGroup("certificates", help="Institution signing certificates.")


def _institution(code: str) -> Institution:
    institution = db.session.scalar(select(Institution).where(Institution.code == code))
    if institution is None:
        raise click.UsageError(f"no institution with code {code}")
    return institution


def _store(institution: Institution, bundle: bytes, passphrase: bytes, *, is_demo: bool):
    config = current_app.config
    with unit_of_work(db.session):
        return store_certificate(db.session, institution, bundle, passphrase,
                                 storage=Storage(config["MEDIATION_STORAGE"]),
                                 secret_key=config["SECRET_KEY"], is_demo=is_demo, now=utcnow())


@certificates.command("demo")
@click.option("--institution", "code", required=True, help="institution code")
def demo_certificate_command(code):
    """Create a self-signed demo certificate for an institution (replaces its current one)."""
    institution = _institution(code)
    passphrase = secrets.token_urlsafe(24).encode()
    record = _store(institution, demo_pkcs12(institution, passphrase, now=utcnow()), passphrase,
                    is_demo=True)
    click.echo(f"demo certificate for {institution.name}: {record.subject}, "
               f"valid until {record.not_after:%Y-%m-%d}")


@certificates.command("import")
@click.option("--institution", "code", required=True, help="institution code")
@click.argument("file", type=click.File("rb"))
@click.option("--passphrase", prompt=True, hide_input=True, default="",
              help="the PKCS#12 passphrase")
def import_certificate_command(code, file, passphrase):
    """Import a real PKCS#12 (.p12/.pfx) signing certificate for an institution."""
    institution = _institution(code)
    try:
        record = _store(institution, file.read(), passphrase.encode(), is_demo=False)
    except CertificateError as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"imported {record.subject}, valid until {record.not_after:%Y-%m-%d}")


def register(app: Flask) -> None:
    app.cli.add_command(certificates)
