"""Role rules of the referral loop, named so the access policy can fold them in."""

from __future__ import annotations

from ..access import roles


def may_extend_period(user, handling) -> bool:
    """The staff of the institution holding the open handling record an extension."""
    return (roles.acts_for_institution(user) and handling is not None
            and handling.outcome is None and user.institution_id == handling.institution_id)


def may_read_outcome_report(user, report) -> bool:
    """The sending and the receiving institution's staff read an outcome report."""
    return roles.acts_for_institution(user) and user.institution_id in (
        report.from_institution_id, report.to_institution_id)
