"""The one scheduler process (`flask scheduler run`): monthly reports on the 1st, deadline
sweeps every 15 minutes, and a catch-up of missed reports at start. Never started inside
web workers. Its jobs claim their work in the database (monthly.models.JobRun), so a second
scheduler process started by mistake duplicates nothing."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from flask.cli import AppGroup

from .db import utcnow
from .monthly import jobs
from .stats.definitions import CHINA

log = logging.getLogger(__name__)
MONTHLY_GRACE_SECONDS = 6 * 24 * 3600  # a run delayed by up to six days still happens
SWEEP_GRACE_SECONDS = 10 * 60
REQUEST_POLL_SECONDS = 10  # a report asked for on the reports page starts within this


def _monthly_reports(app: Flask) -> None:
    outcomes = jobs.run_monthly_reports(app, now=utcnow())
    log.info("monthly reports: %s", _summary(outcomes))


def _catch_up(app: Flask) -> None:
    outcomes = jobs.catch_up(app, utcnow())
    log.info("catch-up of missed monthly reports: %s", _summary(outcomes))


def _report_requests(app: Flask) -> None:
    outcomes = jobs.run_requests(app, utcnow())
    if outcomes:
        log.info("requested monthly reports: %s", _summary(outcomes))


def _reap_imports(app: Flask) -> None:
    from .ledger.reaping import run_reaper

    reaped = run_reaper(app, utcnow())
    if reaped:
        log.warning("stale ledger imports marked failed: %s", ", ".join(map(str, reaped)))


def _audit_checkpoint(app: Flask) -> None:
    from .audit.cli import take_checkpoint

    with app.app_context():
        log.info("audit checkpoint written to %s", take_checkpoint(app))


def _deadline_sweep(app: Flask) -> None:
    jobs.run_deadline_sweep(app, utcnow())


def _drain_outbox(app: Flask) -> None:
    from .outbox.jobs import run_drain
    from .referrals.jobs import report_pending_outcomes

    report_pending_outcomes(app)
    result = run_drain(app)
    if result.sent or result.retried or result.failed:
        log.info("outbox: %s sent, %s retried, %s failed", len(result.sent),
                 len(result.retried), len(result.failed))


def _stats_rollups(app: Flask) -> None:
    from .stats.jobs import run_sync

    run_sync(app)


def _appointment_reminders(app: Flask) -> None:
    from .parties.jobs import run_appointment_reminders

    run_appointment_reminders(app)


def _rendered_files(app: Flask) -> None:
    from .rendered import forget_expired

    if forgotten := forget_expired(app):
        log.info("rendered PDFs past their day deleted: %s", forgotten)


def _summary(outcomes) -> str:
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    return ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing to do"


# (job, id, name, interval): the sweeps that run every so often
RECURRING = (
    (_report_requests, "report_requests", "requested monthly reports",
     {"seconds": REQUEST_POLL_SECONDS}),
    (_deadline_sweep, "deadline_sweep", "deadline sweep", {"minutes": 15}),
    (_drain_outbox, "outbox_drain", "outbox drain", {"minutes": 1}),
    (_reap_imports, "reap_imports", "stale ledger imports", {"minutes": 10}),
    (_audit_checkpoint, "audit_checkpoint", "audit checkpoint", {"hours": 1}),
    (_stats_rollups, "stats_rollups", "statistics rollups", {"minutes": 1}),
    (_appointment_reminders, "appointment_reminders", "appointment reminders", {"hours": 1}),
    (_rendered_files, "rendered_files", "rendered PDFs past their day", {"hours": 1}),
)
# (job, id, name): what runs once when the scheduler starts
AT_START = (
    (_catch_up, "catch_up", "catch up missed monthly reports"),
    (_reap_imports, "reap_imports_at_start", "stale ledger imports"),
)


def build_scheduler(app: Flask) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone=CHINA)
    scheduler.add_job(_monthly_reports, CronTrigger(day=1, hour=2, minute=0, timezone=CHINA),
                      args=[app], id="monthly_reports", name="monthly reports",
                      misfire_grace_time=MONTHLY_GRACE_SECONDS, coalesce=True, max_instances=1)
    for job, job_id, name, interval in RECURRING:
        scheduler.add_job(job, IntervalTrigger(**interval, timezone=CHINA), args=[app], id=job_id,
                          name=name, misfire_grace_time=SWEEP_GRACE_SECONDS, coalesce=True,
                          max_instances=1)
    for job, job_id, name in AT_START:
        scheduler.add_job(job, DateTrigger(run_date=datetime.now(CHINA), timezone=CHINA),
                          args=[app], id=job_id, name=name, misfire_grace_time=None,
                          max_instances=1)
    return scheduler


def _stop(_signum, _frame) -> None:
    raise SystemExit(0)


def run(app: Flask) -> None:
    """Run the scheduler in the foreground until interrupted (Ctrl-C or SIGTERM); a job
    under way is allowed to finish."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        logging.getLogger("weasyprint").setLevel(logging.WARNING)
        logging.getLogger("fontTools").setLevel(logging.WARNING)
        logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)  # every 10 s
    scheduler = build_scheduler(app)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)
    log.info("scheduler starting: %s", ", ".join(job.name for job in scheduler.get_jobs()))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("stopping: letting running jobs finish")
        if scheduler.running:
            scheduler.shutdown(wait=True)
    log.info("scheduler stopped")


def register(app: Flask) -> None:
    group = AppGroup("scheduler", help="The scheduler process.")
    app.cli.add_command(group)

    @group.command("run")
    def run_command():
        """Run scheduled jobs in the foreground: monthly reports (the 1st, 02:00 China time,
        with catch-up of missed months at start) and deadline sweeps every 15 minutes.
        Run exactly one; never inside the web server."""
        run(app)
