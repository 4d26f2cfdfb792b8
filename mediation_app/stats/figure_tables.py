"""The figures of the statistics page (its cards, its grouped table, its charts and the
tables under them): every figure, bar and point links to the case list narrowed to exactly
the cases it counts (统计口径: the figure, its period, the page's scope and the row's or
bar's group), through the case list's own filters; the case list keeps to what the reader
may see."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from ..labels import N_
from .definitions import Period, month_period
from .queries import Scope
from .rollups import PageFigures

CHART_TITLES = {"trend": N_("Last 12 months"), "channels": N_("By channel"),
                "types": N_("By dispute type"), "regions": N_("By region")}
TREND_FIGURES = ("received", "concluded")
BAR_FIGURES = ("success", "failure", "received", "overdue")


def counted_args(figure: str, period: Period, scope: Scope) -> dict:
    """The case list's filters for the cases a figure of the period and scope counts."""
    args = {"figure": figure, "counted_from": period.start.isoformat(),
            "counted_to": period.end.isoformat()}
    if scope.region is not None:
        args["region_id"] = scope.region.id
    if scope.institution_id:
        args["handling_institution_id"] = scope.institution_id
    if scope.channel:
        args["handling_channel"] = scope.channel
    if scope.dispute_type:
        args["dispute_type"] = scope.dispute_type
    return args


def group_args(group: str, key: str, ids: Callable[[str], dict[str, int]],
               scope: Scope | None = None) -> dict:
    """A bar's group as a filter: the handling's channel or institution, the case's dispute
    type or region (`ids(group)`: codes to ids of institutions or regions; an unknown code
    becomes an id no list accepts, so the link lists nothing rather than more). The region
    group named for the scope's own region holds the disputes of that region itself, not of
    the regions below it (they have bars of their own)."""
    if group == "channel":
        return {"handling_channel": key}
    if group == "dispute_type":
        return {"dispute_type": key}
    if group == "institution":
        return {"handling_institution_id": ids(group).get(key, -1)}
    if group == "region":
        found = {"region_id": ids(group).get(key, -1)}
        if scope is None or scope.region is None or key == scope.region.code:
            found["region_only"] = 1
        return found
    raise ValueError(f"cannot link group {group}")


def figure_links(link: Callable[[str, Period, dict], str], period: Period, scope: Scope,
                 group: str | None, ids: Callable[[str], dict[str, int]]
                 ) -> Callable[..., str]:
    """The address of a figure of the page's cards (`key` None) or of its grouped table
    (`key` the row's group key): the case list narrowed the same way as the charts' links,
    a month row to its whole month (the figures of a month are whole months)."""
    def address(figure: str, key: str | None = None) -> str:
        if key is None:
            return link(figure, period, {})
        if group == "month":
            return link(figure, month_period(key), {})
        return link(figure, period, group_args(group, key, ids, scope))
    return address


def chart_tables(found: PageFigures, charts: dict[str, str | None],
                 key_label: Callable[[str | None], Callable[[str], str]],
                 link: Callable[[str, Period, dict], str],
                 ids: Callable[[str], dict[str, int]], scope: Scope) -> dict[str, dict]:
    """{chart: {title, figures, rows}}; a row is (name, Figures, {figure: link}) for each
    month of the trend and each bar group of the other charts. `link(figure, period,
    extra filters)` is the case list's address."""
    period = found.report.period
    tables = {"trend": {"title": _(CHART_TITLES["trend"]), "figures": TREND_FIGURES,
                        "rows": [(month, found.trend[month],
                                  {figure: link(figure, month_period(month), {})
                                   for figure in TREND_FIGURES})
                                 for month in found.months]}}
    for name, group in charts.items():
        if group is None:
            continue
        name_of = key_label(group)
        tables[name] = {"title": _(CHART_TITLES[name]), "figures": BAR_FIGURES,
                        "rows": [(name_of(key), figures,
                                  {figure: link(figure, period,
                                                        group_args(group, key, ids, scope))
                                   for figure in BAR_FIGURES})
                                 for key, figures in sorted(found.by[group].items())]}
    return tables
