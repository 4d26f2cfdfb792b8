"""Readers' requests to make a finished month's report: a job on the queue when REDIS_URL is
set (mediation_app.jobs), else left for the scheduler process, which polls for them.

Services only flush: the request or the job that calls them commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..auth.models import User
from ..directory.models import Region
from ..labels import N_
from .models import OPEN_REQUEST_STATUSES, MonthlyReportRequest
from .services import ReportError, latest_report, parse_month


class RequestRefused(ValueError):
    """A request that cannot be queued; `message` is a msgid for the reader."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def open_request(session: Session, region_id: int, month: str) -> MonthlyReportRequest | None:
    return session.scalar(select(MonthlyReportRequest)
                          .where(MonthlyReportRequest.region_id == region_id,
                                 MonthlyReportRequest.month == month,
                                 MonthlyReportRequest.status.in_(OPEN_REQUEST_STATUSES))
                          .order_by(MonthlyReportRequest.id).limit(1))


def request_report(session: Session, *, region: Region, month: str, reason: str | None,
                   actor: User, now: datetime) -> MonthlyReportRequest:
    """Queue the month's report: version 1 when none is archived, otherwise a new version,
    which needs a reason (it is printed in the report). A request already waiting for the
    same region and month is returned instead of queueing a second one."""
    try:
        parse_month(month, now=now)
    except ReportError:
        raise RequestRefused(N_("Only a month that has ended can be reported.")) from None
    reason = (reason or "").strip() or None
    waiting = open_request(session, region.id, month)
    if waiting is not None:
        return waiting
    if reason is None and latest_report(session, region.id, month) is not None:
        raise RequestRefused(N_("This month is archived already: say why it is made again, "
                                "the reason is printed in the new version."))
    request = MonthlyReportRequest(region_id=region.id, month=month, reason=reason,
                                   requested_by_id=actor.id, status="queued", created_at=now)
    session.add(request)
    session.flush()
    return request


def queued_request_ids(session: Session, *, queued_before: datetime | None = None) -> list[int]:
    """Requests waiting to be made, oldest first; only those queued before `queued_before`
    when given."""
    query = select(MonthlyReportRequest.id).where(MonthlyReportRequest.status == "queued")
    if queued_before is not None:
        query = query.where(MonthlyReportRequest.created_at < queued_before)
    return list(session.scalars(query.order_by(MonthlyReportRequest.id)))


def claim_request(session: Session, request_id: int, *, now: datetime) -> bool:
    """queued -> running; True for exactly one of several processes trying at once."""
    result = session.execute(
        update(MonthlyReportRequest)
        .where(MonthlyReportRequest.id == request_id, MonthlyReportRequest.status == "queued")
        .values(status="running", started_at=now)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def recent_requests(session: Session, root: Region, *, limit: int = 10
                    ) -> list[MonthlyReportRequest]:
    """The newest requests for regions inside `root`, open ones first."""
    rows = session.scalars(
        select(MonthlyReportRequest).join(Region, Region.id == MonthlyReportRequest.region_id)
        .where(Region.path.startswith(root.path))
        .order_by(MonthlyReportRequest.id.desc()).limit(limit))
    return sorted(rows, key=lambda request: not request.is_open)
