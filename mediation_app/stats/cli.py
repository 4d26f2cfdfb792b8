"""`flask stats`: the figures of DESIGN.md §5 (§7 contract), and `flask stats rebuild`."""

from __future__ import annotations

import time

import click
from flask import Flask
from sqlalchemy import select

from ..db import db, utcnow
from ..directory.models import Region
from ..transaction import unit_of_work
from .definitions import GROUPINGS, Period, local_today


def register(app: Flask) -> None:
    @app.cli.group("stats", invoke_without_command=True)
    @click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]),
                  help="first day (default: the first of this month)")
    @click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]),
                  help="last day (default: today)")
    @click.option("--by", "group", type=click.Choice(GROUPINGS))
    @click.option("--region", "region_code", help="region code: its whole subtree")
    @click.option("--format", "output", type=click.Choice(["table", "json"]), default="table")
    @click.pass_context
    def stats_command(context, start, end, group, region_code, output):
        """Statistics of DESIGN.md §5 for a period (`rebuild`: recompute the rollups)."""
        if context.invoked_subcommand is not None:
            return
        from .output import as_json, as_table
        from .queries import Scope
        from .rollups import statistics

        today = local_today()
        first = start.date() if start else today.replace(day=1)
        last = end.date() if end else today
        if last < first:
            raise click.UsageError("--to is before --from")
        region = None
        if region_code:
            region = db.session.scalar(select(Region).where(Region.code == region_code))
            if region is None:
                raise click.UsageError(f"no region with code {region_code}")
        with unit_of_work(db.session):
            report = statistics(db.session, Period(first, last), Scope(region=region),
                                group=group, now=utcnow(),
                                durable_months=app.config["DURABLE_MONTHS"])
        click.echo(as_json(report) if output == "json" else as_table(report))

    @stats_command.command("rebuild")
    def rebuild_command():
        """Recompute every rollup of the statistics from the cases."""
        from .maintenance import rebuild

        started = time.perf_counter()
        with unit_of_work(db.session):
            counted = rebuild(db.session)
        click.echo(f"rollups rebuilt in {time.perf_counter() - started:.1f} s: "
                   f"{counted['facts']} handlings, {counted['daily']} daily rows, "
                   f"{counted['monthly']} monthly rows, "
                   f"{counted['overdue']} overdue stretches")
