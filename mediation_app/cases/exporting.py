"""The case list as a spreadsheet: the columns of the page, in Chinese, with what each
reader may read (summaries masked by the one rule, no ID numbers or phones)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.masking import masked_in_text
from ..auth.models import User
from ..casefile.models import Case
from ..directory.models import Institution
from ..labels import label
from ..stats.definitions import local_today


def case_list_rows(session: Session, cases: list[Case]) -> tuple[list[str], list[list]]:
    institutions, mediators = _holder_names(session, cases)
    header = [_("Case number"), _("Summary"), _("Dispute type"), _("Channel"), _("State"),
              _("Filed"), _("Deadline"), _("Institution"), _("Mediator")]
    rows = [[case.case_no, masked_in_text(case.summary), label("dispute_type", case.dispute_type),
             label("channel", case.channel), label("state", case.state),
             _day(case.filed_at), _day(case.deadline_at),
             institutions.get(case.holder_institution_id, ""),
             mediators.get(case.assigned_mediator_id, "")]
            for case in cases]
    return header, rows


def _holder_names(session: Session, cases: list[Case]) -> tuple[dict[int, str], dict[int, str]]:
    """The names of the cases' institutions and mediators, in two statements whatever
    their number."""
    institution_ids = {case.holder_institution_id for case in cases}
    mediator_ids = {case.assigned_mediator_id for case in cases} - {None}
    institutions = dict(session.execute(select(Institution.id, Institution.name)
                                        .where(Institution.id.in_(institution_ids))).all())
    mediators = dict(session.execute(select(User.id, User.display_name)
                                     .where(User.id.in_(mediator_ids))).all())
    return institutions, mediators


def _day(instant):
    """The day in China of a stored (UTC) instant."""
    return local_today(instant) if instant else None
