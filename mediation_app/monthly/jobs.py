"""The scheduler's jobs. Each takes the app, works in its own app context (its own database
session) and commits per unit of work; a JobRun claim per (job, key) makes every job safe
to run twice, or in two scheduler processes at once."""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import Flask

from ..db import db, utcnow
from ..deadlines.services import sweep
from ..directory.models import Region
from ..jobs import redis_url
from ..jobs.runtime import job_app
from ..stats.definitions import CHINA, shift_month
from ..stats.reading import figures_reading
from ..storage import Storage
from . import mail, requests
from .figures import Settings
from .models import MonthlyReport, MonthlyReportRequest
from .services import (
    claim_job,
    committee_readers,
    finish_job,
    generate_monthly_report,
    latest_report,
    months_reported,
    regions_with_readers,
)

log = logging.getLogger(__name__)
MONTHLY = "monthly"
SWEEP = "deadline_sweep"
MONTHLY_STALE_AFTER = timedelta(hours=2)
SWEEP_STALE_AFTER = timedelta(minutes=10)
CATCH_UP_MONTHS = 12
QUEUED_REQUEST_GRACE = timedelta(minutes=5)  # with Redis: a worker has it, or it was lost


@dataclass(frozen=True)
class Outcome:
    region_code: str
    month: str
    status: str  # generated, skipped (someone else has it or had it), failed
    report_id: int | None = None
    error: str | None = None


def owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_native_id()}"


def last_complete_month(now: datetime) -> str:
    """The month before `now` (naive UTC) on the calendar in China."""
    local = now.replace(tzinfo=UTC).astimezone(CHINA)
    return shift_month(local.strftime("%Y-%m"), -1)


def monthly_key(region_code: str, month: str) -> str:
    return f"monthly:{region_code}:{month}"


def _report_regions(app: Flask) -> list[tuple[int, str]]:
    with app.app_context():
        regions = [(region.id, region.code) for region in regions_with_readers(db.session)]
        db.session.rollback()
    return regions


def generate_once(app: Flask, region_id: int, month: str, *, now: datetime) -> Outcome:
    """Version 1 of a region's month, made by whoever claims it first; others skip."""
    me = owner()
    with app.app_context():
        session = db.session
        region = session.get(Region, region_id)
        key = monthly_key(region.code, month)
        if not claim_job(session, MONTHLY, key, owner=me, now=now,
                         stale_after=MONTHLY_STALE_AFTER):
            session.rollback()
            return Outcome(region.code, month, "skipped")
        session.commit()
        storage, report = Storage(app.config["MEDIATION_STORAGE"]), None
        try:
            if latest_report(session, region_id, month) is None:
                report = generate_monthly_report(
                    session, region=region, month=month, issuer_storage=storage, now=now,
                    settings=Settings.from_config(app.config),
                    figures_from=figures_reading(session))
            finish_job(session, MONTHLY, key, owner=me, now=utcnow())
            session.commit()
        except Exception as error:  # recorded on the claim, retried by the next run
            session.rollback()
            if report is not None:
                storage.delete(report.storage_key)
            log.exception("monthly report %s failed", key)
            finish_job(session, MONTHLY, key, owner=me, now=utcnow(), error=repr(error)[:2000])
            session.commit()
            return Outcome(region.code, month, "failed", error=str(error))
        if report is None:
            return Outcome(region.code, month, "skipped")
        return Outcome(region.code, month, "generated", report.id)


def run_monthly_reports(app: Flask, *, month: str | None = None,
                        now: datetime) -> list[Outcome]:
    """Last month's report (or `month`'s) for every region with committee readers, then
    mail each new one to the region's readers."""
    month = month or last_complete_month(now)
    outcomes = [generate_once(app, region_id, month, now=now)
                for region_id, _ in _report_regions(app)]
    for outcome in outcomes:
        if outcome.status == "generated":
            mail_report(app, outcome.report_id)
    return outcomes


def catch_up(app: Flask, now: datetime) -> list[Outcome]:
    """Reports missing for any of the last 12 complete months (MONTHLY_CATCH_UP_MONTHS; the
    scheduler was down on the first of a month). Only the latest month's new reports are
    mailed."""
    latest = last_complete_month(now)
    reach = app.config.get("MONTHLY_CATCH_UP_MONTHS", CATCH_UP_MONTHS)
    months = [shift_month(latest, offset) for offset in range(1 - reach, 1)]
    regions = _report_regions(app)
    with app.app_context():
        done = months_reported(db.session, months)
        db.session.rollback()
    outcomes = [generate_once(app, region_id, month, now=now)
                for month in months for region_id, _ in regions
                if (region_id, month) not in done]
    for outcome in outcomes:
        if outcome.status == "generated" and outcome.month == latest:
            mail_report(app, outcome.report_id)
    return outcomes


def mail_report(app: Flask, report_id: int) -> int:
    """Send the PDF to the region's committee readers who have an email address; returns
    how many were addressed. Failures are logged, never raised."""
    settings = mail.MailSettings.from_config(app.config)
    if settings is None:
        return 0
    with app.app_context():
        try:
            report = db.session.get(MonthlyReport, report_id)
            recipients = [user.email for user in committee_readers(db.session, report.region)
                          if user.email]
            if not recipients:
                return 0
            pdf = Storage(app.config["MEDIATION_STORAGE"]).read(report.storage_key)
            mail.send(settings, mail.report_message(report, pdf, recipients, settings.sender))
            return len(recipients)
        except Exception:  # mail must never break the job
            log.exception("mailing monthly report %s failed", report_id)
            return 0
        finally:
            db.session.rollback()


def run_deadline_sweep(app: Flask, now: datetime):
    """mediation_app.deadlines.services.sweep under a lease: one process at a time."""
    me = owner()
    with app.app_context():
        session = db.session
        if not claim_job(session, SWEEP, SWEEP, owner=me, now=now,
                         stale_after=SWEEP_STALE_AFTER, repeatable=True):
            session.rollback()
            return None
        session.commit()
        try:
            result = sweep(session, now=now, config=app.config)
            finish_job(session, SWEEP, SWEEP, owner=me, now=utcnow())
            session.commit()
        except Exception as error:
            session.rollback()
            finish_job(session, SWEEP, SWEEP, owner=me, now=utcnow(), error=repr(error)[:2000])
            session.commit()
            raise
        return result


def run_requests(app: Flask, now: datetime) -> list[Outcome]:
    """Readers' queued requests, oldest first, each made by the same job as the monthly
    run: version 1 through `generate_once`, a new version with the request's reason.
    With REDIS_URL set the requests are jobs on the queue: only those still queued after
    QUEUED_REQUEST_GRACE (Redis lost them, no worker runs) are made here."""
    before = now - QUEUED_REQUEST_GRACE if redis_url(app) else None
    with app.app_context():
        waiting = requests.queued_request_ids(db.session, queued_before=before)
        db.session.rollback()
    return [outcome for request_id in waiting
            if (outcome := run_request(app, request_id, now=now)) is not None]


def request_job(request_id: int) -> None:
    """The queued job: make one reader's request in the worker's app (or the current one)."""
    outcome = run_request(job_app(), request_id, now=utcnow())
    if outcome is not None:
        log.info("requested monthly report %s: %s", request_id, outcome.status)


def run_request(app: Flask, request_id: int, *, now: datetime) -> Outcome | None:
    """One queued request, if this process claims it first; None if another one did."""
    with app.app_context():
        session = db.session
        if not requests.claim_request(session, request_id, now=utcnow()):
            session.rollback()
            return None
        session.commit()
        request = session.get(MonthlyReportRequest, request_id)
        region_id, region_code, month = request.region_id, request.region.code, request.month
        first_version = request.reason is None or latest_report(session, region_id, month) is None
        session.rollback()
        if first_version:
            outcome = generate_once(app, region_id, month, now=now)
        else:
            outcome = _regenerate(app, request_id, now=now)
        if outcome.status == "skipped":  # version 1 was made by someone else meanwhile
            report = latest_report(session, region_id, month)
            outcome = Outcome(region_code, month, "generated", report and report.id)
        request = session.get(MonthlyReportRequest, request_id)
        request.status = "done" if outcome.status == "generated" else "failed"
        request.report_id, request.error = outcome.report_id, outcome.error
        request.finished_at = utcnow()
        session.commit()
        return outcome


def _regenerate(app: Flask, request_id: int, *, now: datetime) -> Outcome:
    with app.app_context():
        session = db.session
        request = session.get(MonthlyReportRequest, request_id)
        storage, report = Storage(app.config["MEDIATION_STORAGE"]), None
        try:
            report = generate_monthly_report(
                session, region=request.region, month=request.month, issuer_storage=storage,
                actor=request.requested_by, reason=request.reason or "", now=now,
                settings=Settings.from_config(app.config), figures_from=figures_reading(session))
            session.commit()
        except Exception as error:
            session.rollback()
            if report is not None:
                storage.delete(report.storage_key)
            log.exception("monthly report request %s failed", request_id)
            return Outcome(request.region.code, request.month, "failed", error=str(error))
        return Outcome(request.region.code, request.month, "generated", report.id)
