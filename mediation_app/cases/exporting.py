"""The case list as a spreadsheet: the columns of the page, in Chinese, with what each
reader may read (summaries masked by the one rule, no ID numbers or phones)."""

from __future__ import annotations

from flask_babel import gettext as _

from ..access.masking import masked_in_text
from ..casefile.models import Case
from ..labels import label
from ..stats.definitions import local_today


def case_list_rows(cases: list[Case]) -> tuple[list[str], list[list]]:
    header = [_("Case number"), _("Summary"), _("Dispute type"), _("Channel"), _("State"),
              _("Filed"), _("Deadline"), _("Institution"), _("Mediator")]
    rows = [[case.case_no, masked_in_text(case.summary), label("dispute_type", case.dispute_type),
             label("channel", case.channel), label("state", case.state),
             _day(case.filed_at), _day(case.deadline_at),
             case.holder_institution.name if case.holder_institution else "",
             case.assigned_mediator.display_name if case.assigned_mediator else ""]
            for case in cases]
    return header, rows


def _day(instant):
    """The day in China of a stored (UTC) instant."""
    return local_today(instant) if instant else None
