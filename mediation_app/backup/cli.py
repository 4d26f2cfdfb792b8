"""flask backup create | restore."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .. import personaldata_cli
from ..db import db, utcnow
from .archive import RestoreRefused, create_backup, restore_backup


def register(app: Flask) -> None:
    personaldata_cli.register(app)  # the data keys go with what backups cannot hold
    backup = AppGroup("backup", help="Backup and restore of the database and documents.")
    app.cli.add_command(backup)

    @backup.command("create")
    @click.option("--to", "directory", default="backups", show_default=True,
                  type=click.Path(file_okay=False), help="folder for the archive")
    def create_command(directory):
        """Archive the database and the document store together."""
        archive = create_backup(db.engine, current_app.config["MEDIATION_STORAGE"], directory,
                                now=utcnow())
        click.echo(f"backup written to {archive}")

    @backup.command("restore")
    @click.argument("archive", type=click.Path(exists=True, dir_okay=False))
    def restore_command(archive):
        """Restore an archive into an empty database and storage folder, then check it."""
        db.session.remove()
        try:
            manifest = restore_backup(db.engine, current_app.config["MEDIATION_STORAGE"],
                                      archive)
        except RestoreRefused as refusal:
            raise click.ClickException(str(refusal)) from None
        click.echo(f"restored the backup of {manifest.created_at}: "
                   f"{sum(manifest.counts.values())} rows, {len(manifest.files)} files checked")
