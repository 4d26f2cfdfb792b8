"""Generate, version and store monthly reports; claim scheduled work in the database.

Services only flush: the job, command or request that calls them commits."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..access import roles
from ..access.roles import staff_clause
from ..auth.models import User
from ..directory.models import Institution, Region
from ..stats.definitions import month_period
from ..storage import Storage
from .figures import Settings, differences, field_label, freeze
from .models import JobRun, MonthlyReport
from .printing import render_report

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class ReportError(ValueError):
    """A report that cannot be made: bad or unfinished month, regeneration without reason."""


def parse_month(text: str, *, now: datetime) -> str:
    """'2026-10' if it is a month that has ended (in China) by `now`."""
    if not MONTH.match(text or ""):
        raise ReportError(f"the month must be written YYYY-MM, e.g. 2026-10 (got {text!r})")
    if month_period(text).ends_at > now:
        raise ReportError(f"{text} has not ended yet: a month is reported once it is over")
    return text


def regions_with_readers(session: Session) -> list[Region]:
    """Regions where at least one active committee reader's institution sits."""
    readers = (select(Institution.region_id).join(User, User.institution_id == Institution.id)
               .where(staff_clause(roles.receives_monthly_reports), User.is_active.is_(True)))
    return list(session.scalars(select(Region).where(Region.id.in_(readers))
                                .order_by(Region.path)))


def committee_readers(session: Session, region: Region) -> list[User]:
    return list(session.scalars(
        select(User).join(Institution, Institution.id == User.institution_id)
        .where(Institution.region_id == region.id, staff_clause(roles.receives_monthly_reports),
               User.is_active.is_(True)).order_by(User.id)))


def latest_report(session: Session, region_id: int, month: str) -> MonthlyReport | None:
    return session.scalar(select(MonthlyReport)
                          .where(MonthlyReport.region_id == region_id,
                                 MonthlyReport.month == month)
                          .order_by(MonthlyReport.version.desc()).limit(1))


def generate_monthly_report(session: Session, *, region: Region, month: str,
                            issuer_storage: Storage, actor: User | None = None,
                            reason: str | None = None, now: datetime,
                            settings: Settings | None = None,
                            figures_from: Session | None = None) -> MonthlyReport:
    """Freeze the month's figures, print them, store the PDF and record the version.
    A later version lists what differs from the one before and why it was made.
    `figures_from` is where the figures are read, its rollups already brought up to date
    (stats.reading.figures_reading); by default `session`."""
    parse_month(month, now=now)
    reason = (reason or "").strip() or None
    previous = latest_report(session, region.id, month)
    if previous is not None and reason is None:
        raise ReportError("regenerating a report needs a reason")
    frozen = freeze(figures_from or session, region, month, now=now,
                    settings=settings or Settings(), first_sync=figures_from is None)
    changes = [] if previous is None else [
        {**item, "label": field_label(item["field"], previous.figures, frozen)}
        for item in differences(previous.figures, frozen)]
    version = 1 if previous is None else previous.version + 1
    pdf = render_report(frozen, version=version, changes=changes, reason=reason,
                        generated_at=now)
    key, digest = issuer_storage.put("reports", pdf)
    try:
        report = MonthlyReport(region_id=region.id, month=month, version=version,
                               figures=frozen, changes=changes, reason=reason,
                               storage_key=key, sha256=digest, size=len(pdf), generated_at=now,
                               generated_by_id=actor.id if actor else None)
        session.add(report)
        session.flush()
    except Exception:
        issuer_storage.delete(key)
        raise
    return report


# --- claims: the database lock of the scheduled jobs ----------------------------------

def claim_job(session: Session, job: str, key: str, *, owner: str, now: datetime,
              stale_after: timedelta, repeatable: bool = False) -> bool:
    """Take (job, key): insert the claim, or take over a failed one, a 'running' one
    older than `stale_after` (its process died) and, for a repeatable job, a finished one.
    True for exactly one of several processes trying at once."""
    insert = _INSERTS[session.get_bind().dialect.name]
    inserted = session.execute(
        insert(JobRun).values(job=job, key=key, status="running", owner=owner, started_at=now)
        .on_conflict_do_nothing().returning(JobRun.id)).first()
    if inserted is not None:
        return True
    takeable = [JobRun.status == "failed",
                (JobRun.status == "running") & (JobRun.started_at < now - stale_after)]
    if repeatable:
        takeable.append(JobRun.status == "done")
    result = session.execute(
        update(JobRun).where(JobRun.job == job, JobRun.key == key, or_(*takeable))
        .values(status="running", owner=owner, started_at=now, finished_at=None, error=None)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def finish_job(session: Session, job: str, key: str, *, owner: str, now: datetime,
               error: str | None = None) -> None:
    """Mark our claim done (or failed, with the error); someone else's claim is left alone."""
    session.execute(
        update(JobRun).where(JobRun.job == job, JobRun.key == key, JobRun.owner == owner,
                             JobRun.status == "running")
        .values(status="failed" if error else "done", finished_at=now, error=error)
        .execution_options(synchronize_session=False))


def months_reported(session: Session, months: list[str]) -> set[tuple[int, str]]:
    """(region id, month) pairs that already have a report."""
    rows = session.execute(select(MonthlyReport.region_id, MonthlyReport.month).distinct()
                           .where(MonthlyReport.month.in_(months)))
    return {(region_id, month) for region_id, month in rows}
