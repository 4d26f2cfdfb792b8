"""Who may ask for a monthly report to be made (to be folded into the access policy)."""

from __future__ import annotations

from ..auth.models import User
from ..directory.models import Region

REQUESTER_ROLES = ("committee", "dispatcher")


def may_request_reports(user: User) -> bool:
    """Committee readers and dispatchers: the readers of a region's figures."""
    return user.role in REQUESTER_ROLES


def may_request_report_of(user: User, region: Region) -> bool:
    return may_request_reports(user) and user.institution.region.contains(region)
