"""Who may read and keep the roster, and who may be put on it. Role questions go to the
access policy; these names are the rules of this package."""

from __future__ import annotations

from ..access import roles
from ..access.policy import can_change_case


def reads_roster(user) -> bool:
    """Staff who act for an institution, and region readers, read the roster."""
    return roles.acts_for_institution(user) or roles.reads_region(user)


def keeps_roster(user, mediator) -> bool:
    """Staff of the mediator's own institution keep the mediator's entry."""
    return roles.acts_for_institution(user) and user.institution_id == mediator.institution_id


def may_be_listed(user) -> bool:
    return roles.may_be_assigned_cases(user)


def assigns_mediators(user, case) -> bool:
    """Whoever may change the case assigns its mediator and decides recusals."""
    return can_change_case(user, case)
