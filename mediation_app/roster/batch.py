"""Assigning several cases to one mediator from the case list (批量分派)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import Select, select
from wtforms import SelectField, SubmitField
from wtforms.validators import DataRequired

from ..access import policy, roles
from ..access.roles import staff_clause
from ..auth.models import User
from ..casefile.models import Case
from ..db import db
from ..labels import options

MOST_AT_ONCE = 100


class BatchAssignForm(FlaskForm):
    mediator_id = SelectField(_l("Assign the ticked cases to"), coerce=int,
                              validators=[DataRequired()])
    submit = SubmitField(_l("Assign"))


def assignable_mediators() -> Select:
    """The active staff of the user's institution who may be assigned cases, by name."""
    return (select(User).where(User.institution_id == current_user.institution_id,
                               staff_clause(roles.may_be_assigned_cases), User.is_active)
            .order_by(User.display_name))


def batch_assign_form() -> BatchAssignForm:
    form = BatchAssignForm()
    form.mediator_id.choices = options([(user.id, user.display_name)
                                        for user in db.session.scalars(assignable_mediators())])
    return form


def assignable_ids(cases: list[Case]) -> set[int]:
    """Which of the listed cases the user may assign (one statement for the page)."""
    ids = [case.id for case in cases]
    if not ids:
        return set()
    return set(db.session.scalars(select(Case.id).where(
        Case.id.in_(ids), policy.changeable_cases_clause(current_user, db.session))))
