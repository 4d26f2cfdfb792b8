"""The archive as the reports page lists it."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, func, select, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from ..directory.models import Region
from .models import MonthlyReport


def latest_versions(root: Region) -> Select:
    """The newest version of each region's month, for regions inside `root`."""
    newest = (select(MonthlyReport.region_id, MonthlyReport.month,
                     func.max(MonthlyReport.version).label("version"))
              .group_by(MonthlyReport.region_id, MonthlyReport.month).subquery())
    return (select(MonthlyReport)
            .join(newest, and_(newest.c.region_id == MonthlyReport.region_id,
                               newest.c.month == MonthlyReport.month,
                               newest.c.version == MonthlyReport.version))
            .join(Region, Region.id == MonthlyReport.region_id)
            .where(Region.path.startswith(root.path))
            .order_by(MonthlyReport.month.desc(), Region.path))


def earlier_versions(session: Session, reports: list[MonthlyReport]
                     ) -> dict[tuple[int, str], list[MonthlyReport]]:
    """The older versions of the listed reports, newest first."""
    pairs = [(report.region_id, report.month) for report in reports if report.version > 1]
    found: dict[tuple[int, str], list[MonthlyReport]] = defaultdict(list)
    if not pairs:
        return found
    rows = session.scalars(
        select(MonthlyReport)
        .where(tuple_(MonthlyReport.region_id, MonthlyReport.month).in_(pairs))
        .order_by(MonthlyReport.version.desc()))
    newest = {(report.region_id, report.month): report.version for report in reports}
    for report in rows:
        if report.version < newest[(report.region_id, report.month)]:
            found[(report.region_id, report.month)].append(report)
    return found
