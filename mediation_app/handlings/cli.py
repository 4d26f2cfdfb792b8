"""`flask workflows check`: validate the channel workflow definitions and the review checklist."""

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from ..review.catalog import checklist_path
from ..review.checklist import Checklist, ChecklistInvalid, load_checklist
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


def _is_checklist(path: Path) -> bool:
    return path.parent.name == "review" and path.suffix == ".yaml"


def _checklist_problems(path: Path) -> tuple[list[str], Checklist | None]:
    """The review checklist, by the rules the app loads it with at start."""
    if not path.is_file():
        return [f"{path}:1: cannot be read"], None
    try:
        return [], load_checklist(path)
    except ChecklistInvalid as invalid:
        return invalid.problems, None
    except UnicodeDecodeError:
        return [f"{path}:1: not UTF-8 text"], None


@workflows.command("check")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
def check_workflows_command(files):
    """Validate definitions and the review checklist (default: every file in WORKFLOWS_DIR
    and the app's checklist); exit 1 on problems."""
    folder = sorted(Path(current_app.config["WORKFLOWS_DIR"]).glob("*.yaml"))
    given = [Path(f) for f in files]
    lists = [p for p in given if _is_checklist(p)] if given else [checklist_path(
        current_app.config)]
    definitions = [p for p in given if not _is_checklist(p)]
    problems, catalog = _problems(definitions or folder, folder) \
        if definitions or not given else ([], None)
    checked = [_checklist_problems(path) for path in lists]
    problems = [str(problem) for problem in problems] + [
        problem for found, _checklist in checked for problem in found]
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(1)
    for definition in catalog or ():
        click.echo(f"OK {definition.name} v{definition.version}: {definition.title}")
    for path, (_found, checklist) in zip(lists, checked, strict=True):
        click.echo(f"OK {path.name} {checklist.name}: {len(checklist.items)} items, "
                   f"{len(checklist.grades)} grades")


def register(app: Flask) -> None:
    app.cli.add_command(workflows)
