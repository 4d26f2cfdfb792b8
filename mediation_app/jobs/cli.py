"""`flask jobs worker`: an RQ worker for the app's queue (run it only with REDIS_URL set)."""

from __future__ import annotations

import logging

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from ..extensions import db
from .queue import QUEUE_NAME, connection, redis_url
from .runtime import use_app

NO_REDIS = ("未设置 REDIS_URL：任务在进程内运行，无需启动 worker。\n"
            "REDIS_URL is not set: jobs run in-process and no worker is needed.")


def run_worker(app: Flask, *, burst: bool = False) -> bool:
    """Work the queue until stopped (or, with burst, until it is empty); False without
    REDIS_URL."""
    from rq import Queue, Worker

    url = redis_url(app)
    if url is None:
        return False
    use_app(app)
    with app.app_context():
        db.engine.dispose()  # each job runs in a forked child: it opens its own connections
    redis = connection(url)
    worker = Worker([Queue(QUEUE_NAME, connection=redis)], connection=redis)
    worker.work(burst=burst, logging_level=logging.INFO)
    return True


def register(app: Flask) -> None:
    group = AppGroup("jobs", help="The job queue (RQ on Redis when REDIS_URL is set).")
    app.cli.add_command(group)

    @group.command("worker")
    @click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
    def worker_command(burst: bool):
        """Run jobs from the queue: ledger imports, requested monthly reports and documents
        to issue. Run one or more beside the web server when REDIS_URL is set; without it,
        say so and exit."""
        if not run_worker(current_app._get_current_object(), burst=burst):
            click.echo(NO_REDIS)
