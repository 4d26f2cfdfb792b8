"""Who may supervise, answer and read supervision orders and act on warnings. Roles are
asked of the access policy (mediation_app/access/roles.py); these rules add the
supervision-specific conditions: a dispatcher of a governance centre supervises the cases
of its region; the supervised institution answers; its staff and the region's readers read."""

from __future__ import annotations

from ..access import roles
from ..access.policy import can_view_case
from ..casefile.models import Case
from .models import SupervisionOrder

CENTRE_KIND = "governance_centre"


def can_supervise(user, case: Case) -> bool:
    """A dispatcher of a governance centre whose region contains the case's region."""
    return can_supervise_anywhere(user) and user.institution.region.contains(case.region)


def can_issue_to(user, case: Case, institution_id: int | None) -> bool:
    """A centre supervises others, never itself."""
    return (can_supervise(user, case) and institution_id is not None
            and institution_id != user.institution_id)


def can_reply(user, order: SupervisionOrder) -> bool:
    """The staff of the supervised institution answer while the order is open or overdue."""
    return (order.is_answerable and roles.acts_for_institution(user)
            and user.institution_id == order.institution_id)


def can_close(user, order: SupervisionOrder) -> bool:
    """The issuing centre's dispatchers close an order that is not closed yet."""
    return (order.is_active and roles.is_dispatcher(user)
            and user.institution_id == order.centre_id)


def can_change_listing(user, order: SupervisionOrder) -> bool:
    """The issuing centre's dispatchers list (挂牌) or lift (摘牌) an order still active."""
    return can_close(user, order)


def is_party_to(user, order: SupervisionOrder) -> bool:
    """Staff of the issuing centre or of the supervised institution."""
    return roles.acts_for_institution(user) and user.institution_id in (order.centre_id,
                                                                        order.institution_id)


def can_print(user, order: SupervisionOrder) -> bool:
    """The printed 督办单 goes to the two institutions it is between, no one else."""
    return is_party_to(user, order)


def can_read(user, order: SupervisionOrder) -> bool:
    """The issuing centre, the supervised institution, and region readers above the case."""
    if is_party_to(user, order):
        return True
    return roles.reads_region(user) and can_view_case(user, order.case)


def reads_supervision(user) -> bool:
    """Who has a supervision list at all: everyone who reads cases."""
    return roles.reads_cases(user)


def can_supervise_anywhere(user) -> bool:
    """A dispatcher of a governance centre: has a warning desk for its region."""
    return roles.is_dispatcher(user) and user.institution.kind == CENTRE_KIND
