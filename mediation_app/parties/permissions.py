"""Who on the staff side may answer online applications and send signing links.
Role questions go to the access policy; this module only names the rules of this package."""

from __future__ import annotations

from ..access import roles
from ..access.policy import can_change_case


def answers_applications(user) -> bool:
    """Staff who act for an institution (mediator, liaison, dispatcher) read its inbox."""
    return roles.acts_for_institution(user)


def may_answer(user, application) -> bool:
    """Only the institution the application was addressed to accepts or declines it."""
    return answers_applications(user) and application.institution_id == user.institution_id


def may_send_signing_links(user, case) -> bool:
    """Whoever may change the case may invite its parties to sign remotely."""
    return can_change_case(user, case)


def may_deliver(user, document) -> bool:
    """The institution that issued a document delivers it (电子送达)."""
    return roles.acts_for_institution(user) and document.institution_id == user.institution_id


def schedules_sessions(user, case) -> bool:
    """Whoever may change the case schedules its sessions."""
    return can_change_case(user, case)
