"""flask audit verify | checkpoint | rekey."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from ..db import db, utcnow
from ..transaction import unit_of_work
from .accounts import unsealed_account_events
from .checkpoints import CheckpointForged, latest_checkpoint, write_checkpoint
from .keys import legacy_digest, mac
from .rekeying import rekey
from .verification import verify


def checkpoint_dir(app: Flask) -> Path:
    return Path(app.config.get("AUDIT_CHECKPOINT_DIR")
                or Path(app.config["MEDIATION_STORAGE"]) / "audit-checkpoints")


def take_checkpoint(app: Flask) -> Path:
    """Write a signed checkpoint of every chain's head (the scheduler does this hourly);
    in the application's context."""
    path = write_checkpoint(db.session, checkpoint_dir(app), now=utcnow())
    db.session.rollback()
    return path


def register(app: Flask) -> None:
    audit = AppGroup("audit", help="The audit trail.")
    app.cli.add_command(audit)

    @audit.command("verify")
    def verify_command():
        """Check every case's chain, head and the newest checkpoint, and the seal of every
        password event; exit 1 naming every broken entry."""
        try:
            checkpoint = latest_checkpoint(checkpoint_dir(current_app))
        except CheckpointForged as forged:
            click.echo(f"audit checkpoint {forged} does not carry a valid signature", err=True)
            sys.exit(1)
        report = verify(db.session, checkpoint=checkpoint)
        unsealed = [event.id for event in unsealed_account_events(db.session)]
        db.session.rollback()
        for broken in report.breaks:
            click.echo(f"audit chain broken at {broken}", err=True)
        for event_id in unsealed:
            click.echo(f"password event {event_id} does not match its seal (altered, or not "
                       f"keyed: run audit rekey)", err=True)
        if report.breaks or unsealed:
            click.echo(f"{len(report.breaks)} break(s) in {report.checked} events, "
                       f"{len(unsealed)} password event(s) unsealed", err=True)
            sys.exit(1)
        click.echo(f"audit chain intact: {report.checked} events checked in {report.cases} "
                   f"cases" + (f", checkpoint of {checkpoint['at']} matched" if checkpoint else "")
                   + "; password events sealed")

    @audit.command("checkpoint")
    def checkpoint_command():
        """Write a signed checkpoint of every chain's head outside the database."""
        click.echo(f"checkpoint written to {take_checkpoint(current_app)}")

    @audit.command("rekey")
    @click.option("--old-key-file", type=click.Path(exists=True, dir_okay=False),
                  help="the previous audit key; without it, chains hashed before keying "
                       "(plain SHA-256) are rekeyed")
    def rekey_command(old_key_file):
        """Re-hash every intact chain under the current audit key and seal its head."""
        if old_key_file:
            old_key = Path(old_key_file).read_text().strip().encode()

            def old(payload: str) -> str:
                return mac(payload, old_key)
        else:
            old = legacy_digest
        with unit_of_work(db.session):
            result = rekey(db.session, old=old)
        click.echo(f"rekeyed {result.events} events; {result.chains} chains sealed; "
                   f"{result.accounts} password events sealed again")
        if result.refused:
            click.echo("left alone, broken under both keys: cases "
                       + ", ".join(map(str, result.refused)), err=True)
        if result.refused_accounts:
            click.echo("left alone, sealed under neither key: password events "
                       + ", ".join(map(str, result.refused_accounts)), err=True)
        if result.refused or result.refused_accounts:
            sys.exit(1)
        take_checkpoint(current_app)
