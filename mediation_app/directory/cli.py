"""`flask regions import` and `flask institutions import` (CSV, all or nothing)."""

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from ..db import db
from ..transaction import unit_of_work
from .services import ImportRefused, import_institutions, import_regions

regions = AppGroup("regions", help="Manage the region tree.")
institutions = AppGroup("institutions", help="Manage institutions.")


def _run_import(importer, file, noun: str) -> None:
    try:
        with unit_of_work(db.session):
            count = importer(db.session, file)
    except ImportRefused as refusal:
        for problem in refusal.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"nothing imported: {len(refusal.problems)} problem(s)", err=True)
        sys.exit(1)
    click.echo(f"imported {count} {noun}")


@regions.command("import")
@click.argument("file", type=click.File(encoding="utf-8-sig"))
def import_regions_command(file):
    """Import regions from CSV code,name,level,parent_code (all or nothing)."""
    _run_import(import_regions, file, "regions")


@institutions.command("import")
@click.argument("file", type=click.File(encoding="utf-8-sig"))
def import_institutions_command(file):
    """Import institutions from CSV code,name,kind,region_code (all or nothing)."""
    _run_import(import_institutions, file, "institutions")


def register(app: Flask) -> None:
    app.cli.add_command(regions)
    app.cli.add_command(institutions)
