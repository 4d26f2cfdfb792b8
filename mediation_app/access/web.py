"""The policy at the request's edge: look a case up or answer 404/403, and a view
decorator that admits users by a role test from access.roles."""

from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort
from flask_babel import gettext
from flask_login import current_user, login_required

from ..casefile.models import Case
from ..db import db
from . import policy


def visible_case_or_404(case_id: int, user=None, *, load=()) -> Case:
    case = policy.visible_case(db.session, user or current_user, case_id, load=load)
    if case is None:
        abort(404)
    return case


def refuse(case: Case):
    """403, saying why when the policy gives a reason (an archived case is read-only)."""
    reason = policy.refusal(case)
    abort(403, description=gettext(reason) if reason else None)


def changeable_case_or_404(case_id: int, user=None) -> Case:
    user = user or current_user
    case = visible_case_or_404(case_id, user)
    if not policy.can_change_case(user, case):
        refuse(case)
    return case


def requires(role_test: Callable) -> Callable:
    """Signed in and passing `role_test` (e.g. access.roles.reads_cases); else 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if not role_test(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator
