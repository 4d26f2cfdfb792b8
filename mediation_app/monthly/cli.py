"""`flask report monthly` and `flask scheduler run` (DESIGN.md §7)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..db import db, utcnow
from ..directory.models import Region
from ..storage import Storage
from ..transaction import unit_of_work
from . import jobs
from .figures import Settings
from .models import MonthlyReport
from .services import ReportError, generate_monthly_report, latest_report, parse_month


def _region(code: str) -> Region:
    region = db.session.scalar(select(Region).where(Region.code == code))
    if region is None:
        raise click.UsageError(f"no region with code {code}")
    return region


def _copy(app: Flask, report: MonthlyReport, out: Path) -> None:
    source = Storage(app.config["MEDIATION_STORAGE"]).path_of(report.storage_key)
    target = out / report.filename if out.is_dir() else out
    shutil.copyfile(source, target)
    click.echo(f"wrote {target} (version {report.version}, {report.size} bytes)")


def _regenerate(app: Flask, region: Region, month: str, reason: str, now) -> MonthlyReport:
    storage, report = Storage(app.config["MEDIATION_STORAGE"]), None
    try:
        with unit_of_work(db.session):
            report = generate_monthly_report(db.session, region=region, month=month,
                                             issuer_storage=storage, reason=reason, now=now,
                                             settings=Settings.from_config(app.config))
    except Exception as error:
        db.session.rollback()
        if report is not None:  # recorded but not committed: keep no orphan file
            storage.delete(report.storage_key)
        if isinstance(error, IntegrityError):
            raise click.ClickException("another version was made at the same moment; "
                                       "try again") from None
        raise
    click.echo(f"generated {region.code} {month} version {report.version}: "
               f"{len(report.changes)} figure(s) changed")
    return report


def _one_region(app: Flask, code: str, month: str, *, regenerate: bool, reason: str | None,
                out: Path | None, now) -> None:
    region = _region(code)
    if regenerate:
        report = _regenerate(app, region, month, reason, now)
    else:
        region_id = region.id
        db.session.rollback()  # hold no transaction (on SQLite: no lock) while the job runs
        outcome = jobs.generate_once(app, region_id, month, now=now)
        if outcome.status == "failed":
            raise click.ClickException(f"the report could not be made: {outcome.error}")
        report = latest_report(db.session, region_id, month)
        if report is None:
            raise click.ClickException(f"the report for {code} {month} is being made by "
                                       "another process; try again shortly")
        verb = "generated" if outcome.status == "generated" else "already archived:"
        click.echo(f"{verb} {code} {month} version {report.version}")
    if out is not None:
        _copy(app, report, out)


def _every_region(app: Flask, month: str, out: Path | None, now) -> None:
    outcomes = jobs.run_monthly_reports(app, month=month, now=now)
    if not outcomes:
        click.echo("no region has committee readers: no report to make")
        return
    for outcome in outcomes:
        click.echo(f"{outcome.region_code} {month}: {outcome.status}"
                   + (f" ({outcome.error})" if outcome.error else ""))
    if out is not None:
        reports = [latest_report(db.session, _region(o.region_code).id, month) for o in outcomes]
        reports = [report for report in reports if report is not None]
        if len(reports) > 1 and not out.is_dir():
            raise click.UsageError(f"{len(reports)} regions have reports: give --region CODE, "
                                   "or an existing directory as --out")
        for report in reports:
            _copy(app, report, out)
    if any(outcome.status == "failed" for outcome in outcomes):
        sys.exit(1)


def register(app: Flask) -> None:
    report = AppGroup("report", help="Reports for the political-legal committee.")
    app.cli.add_command(report)

    @report.command("monthly")
    @click.option("--month", required=True, help="the month, YYYY-MM (it must be over)")
    @click.option("--region", "region_code",
                  help="region code (default: every region with committee readers)")
    @click.option("--out", type=click.Path(dir_okay=True, writable=True, path_type=Path),
                  help="copy the PDF here (a directory takes one file per region)")
    @click.option("--regenerate", is_flag=True,
                  help="make a new version even if the month is archived (needs --reason)")
    @click.option("--reason", help="why the report is made again (printed in the new version)")
    def monthly_command(month, region_code, out, regenerate, reason):
        """The monthly PDF: made once per region and month, then archived; an archived
        month is written out as it is unless --regenerate is given."""
        now = utcnow()
        try:
            month = parse_month(month, now=now)
        except ReportError as problem:
            raise click.BadParameter(str(problem), param_hint="--month") from None
        if regenerate and not region_code:
            raise click.UsageError("--regenerate needs --region")
        if regenerate and not (reason or "").strip():
            raise click.UsageError("--regenerate needs --reason: it is printed in the report")
        if region_code:
            _one_region(app, region_code, month, regenerate=regenerate, reason=reason,
                        out=out, now=now)
        else:
            _every_region(app, month, out, now)
