"""The sheet of 司法部《人民调解工作统计报表》 (layout and source: stats.ministry): a row per
dispute type under the total, Chinese headers, counts as whole numbers."""

from __future__ import annotations

from flask_babel import gettext as _

from ..labels import label
from .ministry import Row
from .output import AMOUNT, INTEGER, PERCENT, Sheet, percent


def _headers() -> list[str]:
    return [_("Dispute type"), _("Disputes received (cases)"), _("Disputes mediated (cases)"),
            _("Mediated successfully (cases)"), _("Success rate"),
            _("Oral agreements (cases)"), _("Written agreements (cases)"),
            _("Parties involved (people)"), _("Agreement amount (yuan)"),
            _("Applications for judicial confirmation (cases)"),
            _("Judicially confirmed as valid (cases)"),
            _("Judicial confirmation rejected (cases)"),
            label("prevented", "criminal_cases"), label("prevented", "criminal_people"),
            label("prevented", "petition_cases"), label("prevented", "petition_people"),
            label("prevented", "fight_cases"), label("prevented", "fight_people")]


def _cells(name: str, row: Row) -> list:
    figures, stopped = row.figures, row.prevented
    return [name, figures.received, figures.concluded, figures.success,
            percent(figures.success_rate), row.oral, row.written, figures.parties,
            figures.agreement_amount, row.applied, row.confirmed, row.rejected,
            stopped.criminal_cases, stopped.criminal_people, stopped.petition_cases,
            stopped.petition_people, stopped.fight_cases, stopped.fight_people]


def ministry_sheet(total: Row, rows: dict[str, Row]) -> Sheet:
    body = [_cells(_("Total"), total)]
    body += [_cells(label("dispute_type", kind), row) for kind, row in rows.items()]
    formats = {**{index: INTEGER for index in (1, 2, 3, 5, 6, 7, *range(9, 18))},
               4: PERCENT, 8: AMOUNT}
    return Sheet(_("People's mediation statistics"), _headers(), body, formats,
                 [18, 10, 10, 10, 10, 10, 10, 10, 14, 12, 12, 12, *([12] * 6)])
