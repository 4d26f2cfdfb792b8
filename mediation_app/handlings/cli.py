"""`flask workflows check`: validate the channel workflow definitions."""

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from ..workflow.catalog import Catalog
from ..workflow.loader import DefinitionInvalid, Problem
from ..workflow.translations import load_english, untranslated

workflows = AppGroup("workflows", help="Channel workflow definitions.")


def _problems(paths: list[Path], folder: list[Path]) -> tuple[list[Problem], Catalog | None]:
    unreadable = [Problem(str(p), 1, "cannot be read") for p in paths if not p.is_file()]
    try:
        catalog = Catalog.load([p for p in paths if p.is_file()], alongside=folder,
                               templates=Path(current_app.config["REPORTS_DIR"]))
    except DefinitionInvalid as invalid:
        return unreadable + invalid.problems, None
    return unreadable + _without_english(catalog), catalog


def _without_english(catalog: Catalog) -> list[Problem]:
    english = load_english(current_app.config["WORKFLOWS_DIR"])
    return [problem for source in catalog.sources.values()
            for problem in untranslated(source.text, source.path, english)]


@workflows.command("check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
def check_workflows_command(files):
    """Validate definitions (default: every file in WORKFLOWS_DIR); exit 1 on problems."""
    folder = sorted(Path(current_app.config["WORKFLOWS_DIR"]).glob("*.yaml"))
    problems, catalog = _problems([Path(f) for f in files] or folder, folder)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        sys.exit(1)
    for definition in catalog:
        click.echo(f"OK {definition.name} v{definition.version}: {definition.title}")


def register(app: Flask) -> None:
    app.cli.add_command(workflows)
