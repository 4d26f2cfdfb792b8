"""`flask ledger import FILE [--dry-run]` and `flask ledger export FILE [filters]` (§7)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError

from ..db import db, utcnow
from ..handlings.catalog import catalog
from ..stats.jobs import hand_on_roll_up
from ..transaction import unit_of_work
from .services import (
    ImportRefused,
    UnknownCode,
    count_rows,
    export_ledger,
    import_ledger,
    ledger_filters,
    open_rows,
    open_writer,
)

PHASE_LABELS = {"checking": "checking rows", "writing": "writing cases"}
DATE = click.DateTime(formats=["%Y-%m-%d"])


class _Bars:
    """One click progress bar on stderr per phase of the import."""

    def __init__(self, total_rows: int | None):
        self.total_rows = total_rows
        self.bar = None
        self.shown = 0

    def phase(self, name: str) -> None:
        self.close()
        length = self.total_rows if name == "checking" else None
        self.bar = click.progressbar(length=length or 1, label=PHASE_LABELS[name], file=sys.stderr)
        self.bar.__enter__()

    def progress(self, processed: int, total: int | None) -> None:
        if self.bar is None:
            return
        if total and total != self.bar.length:
            self.bar.length = total
        self.bar.update(processed - self.shown)
        self.shown = processed

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
        self.bar, self.shown = None, 0


def _refuse(refusal: ImportRefused) -> None:
    for problem in refusal.problems:
        click.echo(str(problem), err=True)
    if refusal.left_out:
        click.echo(f"... and {refusal.left_out} more problem(s)", err=True)
    click.echo(f"nothing imported: {refusal.total} problem(s)", err=True)
    sys.exit(1)


def register(app: Flask) -> None:
    ledger = AppGroup("ledger", help="Import and export mediation ledgers (调解台账).")
    app.cli.add_command(ledger)

    @ledger.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--dry-run", is_flag=True, help="Only check the file; write nothing.")
    def import_command(file, dry_run):
        """Import a ledger (CSV, or .xlsx) with the columns of DESIGN.md §6, all or nothing."""
        bars = _Bars(count_rows(file))
        try:
            with open_rows(file) as rows, unit_of_work(db.session):
                result = import_ledger(db.session, rows, dry_run=dry_run, catalog=catalog(),
                                       now=utcnow(), progress=bars.progress, on_phase=bars.phase,
                                       filename=Path(file).name, total_rows=bars.total_rows)
        except ImportRefused as refusal:
            bars.close()
            db.session.rollback()
            _refuse(refusal)
        except IntegrityError:
            bars.close()
            db.session.rollback()
            click.echo("nothing imported: a case number was taken while importing; run again",
                       err=True)
            sys.exit(1)
        bars.close()
        if dry_run:
            click.echo(f"{result.checked} rows checked: no problems (dry run, nothing written)")
            return
        click.echo(f"imported {result.imported} cases")
        hand_on_roll_up()
        click.echo("the statistics will include the import within a minute "
                   "(rolled up in the background; figures read sooner include it too)")

    @ledger.command("export")
    @click.argument("file", type=click.Path(dir_okay=False))
    @click.option("--from", "received_from", type=DATE, help="received on or after YYYY-MM-DD")
    @click.option("--to", "received_to", type=DATE, help="received on or before YYYY-MM-DD")
    @click.option("--institution", help="institution code")
    @click.option("--region", help="region code (its whole subtree)")
    @click.option("--codes", is_flag=True,
                  help="English column keys and codes instead of Chinese headers and labels")
    def export_command(file, received_from, received_to, institution, region, codes):
        """Export cases as a ledger (CSV, or .xlsx by the file's extension)."""
        try:
            filters = ledger_filters(
                db.session, institution=institution, region=region,
                received_from=received_from.date() if received_from else None,
                received_to=received_to.date() if received_to else None)
        except UnknownCode as unknown:
            raise click.UsageError(str(unknown)) from None
        with open_writer(file, codes=codes) as write_row:
            count = export_ledger(db.session, write_row, filters=filters)
        db.session.rollback()
        click.echo(f"exported {count} cases")
