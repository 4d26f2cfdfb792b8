"""`mediation`: the installed application's command line. Without arguments (or with
`serve`) it brings the database schema up to date and serves the web app with gunicorn;
every `flask` command of the app is there too (`mediation scheduler run`, `mediation
seed-demo`, `mediation db upgrade`, ...), from any folder."""

from __future__ import annotations

import os
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from gunicorn.app.base import BaseApplication

from .webserver import gunicorn_settings, web_workers


def _create_app():
    from . import create_app

    return create_app()


class _Gunicorn(BaseApplication):
    """gunicorn serving an app object made here (no module path to import)."""

    def __init__(self, app, options: dict):
        self.application, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


cli = FlaskGroup(create_app=_create_app, add_version_option=False,
                 help="Dispute mediation case management (矛盾纠纷多元调解).")


@cli.command("serve")
@click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"),
              show_default="HOST or 127.0.0.1")
@click.option("--port", type=int, default=lambda: int(os.environ.get("PORT", 8000)),
              show_default="PORT or 8000")
@click.option("--workers", type=int, default=web_workers,
              show_default="WEB_WORKERS or one per core and one more")
@click.option("--upgrade/--no-upgrade", default=True,
              help="bring the database schema up to date first")
@with_appcontext
def serve_command(host: str, port: int, workers: int, upgrade: bool) -> None:
    """Serve the web app (the scheduler runs apart: `mediation scheduler run`)."""
    from flask_migrate import upgrade as upgrade_schema

    from .extensions import db

    if upgrade:
        upgrade_schema()
    db.engine.dispose()  # no connection may be shared by the forked workers
    click.echo(f"Serving on http://{host}:{port}/")
    _Gunicorn(current_app._get_current_object(),
              {**gunicorn_settings(), "bind": f"{host}:{port}", "workers": workers,
               "accesslog": "-"}).run()


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    cli.main(args=args or ["serve"], prog_name="mediation")
