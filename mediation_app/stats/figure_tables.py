"""The charts of the statistics page are images: beside each, a table gives the same figures,
and each count links to the cases behind it (the page's /stats/cases list, narrowed by the
arguments given here)."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from ..labels import N_
from .definitions import month_period
from .rollups import PageFigures

CHART_TITLES = {"trend": N_("Last 12 months"), "channels": N_("By channel"),
                "types": N_("By dispute type"), "regions": N_("By region")}
TREND_FIGURES = ("received", "concluded")
BAR_FIGURES = ("success", "failure", "received", "overdue")


def month_args(month: str) -> dict:
    """A month of the trend as the period of the case list (whole month, not grouped)."""
    period = month_period(month)
    return {"start": period.start.isoformat(), "end": period.end.isoformat(), "by": ""}


def chart_tables(found: PageFigures, charts: dict[str, str | None],
                 key_label: Callable[[str | None], Callable[[str], str]]) -> dict[str, dict]:
    """{chart: {title, figures, rows}}; a row is (name, Figures, the case list's arguments)
    for each month of the trend and each bar group of the other charts."""
    tables = {"trend": {"title": _(CHART_TITLES["trend"]), "figures": TREND_FIGURES,
                        "rows": [(month, found.trend[month], month_args(month))
                                 for month in found.months]}}
    for name, group in charts.items():
        if group is None:
            continue
        name_of = key_label(group)
        tables[name] = {"title": _(CHART_TITLES[name]), "figures": BAR_FIGURES,
                        "rows": [(name_of(key), figures, {"group": group, "key": key})
                                 for key, figures in sorted(found.by[group].items())]}
    return tables
