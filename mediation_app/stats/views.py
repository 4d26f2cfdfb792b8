"""The statistics page: figures for the user's region, charts, drill-down, exports."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    make_response,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import CONTENT_SECURITY_POLICY, replica
from ..access import policy, roles
from ..access.web import requires
from ..db import db, utcnow
from ..directory.models import Institution, Region
from ..downloads import content_disposition
from ..extensions import talisman
from ..labels import label, options
from ..tables import XLSX, table_download
from . import charts, ministry, prevented
from .definitions import (
    SHORTCUTS,
    Period,
    local_today,
    overdue_measured_on,
    shortcut_periods,
    this_month,
)
from .figure_tables import CHART_TITLES, chart_tables, counted_args, figure_links
from .forms import StatsForm
from .loop_closure import loop_closure
from .ministry_sheet import ministry_sheet
from .output import (
    AMOUNT,
    DAYS,
    INTEGER,
    PERCENT,
    PREVENTED_FIELDS,
    Sheet,
    percent,
    prevented_of,
    report_workbook,
    table_rows,
)
from .queries import Scope, referral_statistics
from .reading import figures_reading
from .rollups import DURATION_GROUPS, PageFigures, durations, page_figures, statistics

bp = Blueprint("stats", __name__, url_prefix="/stats")
CHARTS = {"trend": None, "channels": "channel", "types": "dispute_type", "regions": "region"}


def _own_region() -> Region:
    return current_user.institution.region


def _form() -> StatsForm:
    form = StatsForm(request.args)
    root = _own_region()
    regions = db.session.scalars(select(Region).where(Region.path.startswith(root.path),
                                                      Region.level.in_(("city", "district",
                                                                        "town", "village")))
                                 .order_by(Region.path))
    form.region_id.choices = options([(0, root.name)] + [(r.id, r.name) for r in regions
                                                         if r.id != root.id])
    institutions = db.session.scalars(
        select(Institution).join(Region).where(Region.path.startswith(root.path))
        .order_by(Institution.name))
    form.institution_id.choices = options([(0, _("Any institution"))]
                                          + [(i.id, i.name) for i in institutions])
    form.validate()
    default = this_month(local_today(utcnow()))        # the inputs show the period shown
    form.start.data = form.start.data or default.start
    form.end.data = form.end.data or default.end
    return form


def _period(form: StatsForm) -> Period:
    """The period asked for; by default the whole of this month (Beijing calendar)."""
    default = this_month(local_today(utcnow()))
    start = form.start.data if form.start.data and not form.start.errors else default.start
    end = form.end.data if form.end.data and not form.end.errors else default.end
    return Period(start, max(end, start))


def _shortcuts(args: dict, period: Period) -> list[dict]:
    """本月, 上月, 本季度, 本年: links to the page for that period, other filters kept."""
    names = {"this_month": _("This month"), "last_month": _("Last month"),
             "this_quarter": _("This quarter"), "this_year": _("This year")}
    found = shortcut_periods(local_today(utcnow()))
    return [{"name": names[key], "period": found[key], "current": found[key] == period,
             "url": url_for("stats.index", **dict(args, start=found[key].start.isoformat(),
                                                  end=found[key].end.isoformat()))}
            for key in SHORTCUTS]


def _scope(form: StatsForm) -> Scope:
    """The user's jurisdiction, narrowed by the filters. Mediators and liaisons see their
    own institution's figures only."""
    region = _own_region()
    if form.region_id.data:
        chosen = db.session.get(Region, form.region_id.data)
        if chosen is None or not region.contains(chosen):
            abort(404)
        region = chosen
    institution_id = (policy.figures_jurisdiction(current_user).institution_id
                      or form.institution_id.data or None)
    return Scope(region=region, institution_id=institution_id,
                 channel=form.channel.data or None, dispute_type=form.dispute_type.data or None)


def _names(model) -> dict[str, str]:
    """Codes to names of institutions or regions, read once per request (the charts, their
    tables and the durations all name the same groups)."""
    read = g.setdefault("stats_names", {})
    if model.__tablename__ not in read:
        read[model.__tablename__] = dict(db.session.execute(select(model.code, model.name)).all())
    return read[model.__tablename__]


def _key_label(group: str | None):
    institutions = _names(Institution) if group == "institution" else {}
    regions = _names(Region) if group == "region" else {}

    def name(key: str) -> str:
        if group in ("channel", "dispute_type"):
            return label(group, key)
        return institutions.get(key) or regions.get(key) or key

    return name


@bp.get("/")
@requires(roles.reads_figures)
# the charts are drawn inline (their bars are links): each chart's own <style> carries the
# request's nonce, and no other inline style is allowed
@talisman(content_security_policy=CONTENT_SECURITY_POLICY,
          content_security_policy_nonce_in=["style-src"])
def index():
    """Figures, durable success, referrals and charts for the period and scope."""
    form = _form()
    period, scope = _period(form), _scope(form)
    now = utcnow()
    months = current_app.config["DURABLE_MONTHS"]
    reading = figures_reading(db.session)
    found = page_figures(reading, period, scope, group=form.by.data or None, now=now,
                         durable_months=months, first_sync=False, trend_in_full=False)
    referrals = referral_statistics(reading, period, scope, now=now)
    taken = durations(reading, period, scope, first_sync=False)
    stopped = prevented.total(prevented.from_rollups(reading, period, scope,
                                                     durable_months=months, first_sync=False))
    args = {key: value for key, value in request.args.items() if value}
    link = _case_list_link(scope)
    tables = chart_tables(found, CHARTS, _key_label, link, _ids, scope)
    drawn = {name: charts.with_style_nonce(chart_svg(name, found, now, tables[name]),
                                           request.csp_nonce) for name in CHARTS}
    return render_template("stats/index.html", form=form, report=found.report,
                           chart_tables=tables,
                           figure_link_of=figure_links(link, period, scope, found.report.group,
                                                       _ids),
                           referrals=referrals, key_label=_key_label(found.report.group),
                           args=args, durable_months=months, charts=drawn,
                           shortcuts=_shortcuts(args, period), durations=taken,
                           overdue_on=overdue_measured_on(period, now), prevented=stopped,
                           duration_groups=[(group, _key_label(group))
                                            for group in DURATION_GROUPS])


# what url_for leaves unquoted in a query string (werkzeug.urls)
_QUERY_SAFE = "!$'()*,/:;?@"


def _case_list_link(scope: Scope):
    """The case list's address for a figure: the route is built once per page, each of its
    hundred-odd figures only adds its filters (as url_for would: in order, None left out)."""
    base = url_for("cases.index")

    def link(figure: str, period: Period, extra: dict) -> str:
        filters = {**counted_args(figure, period, scope), **extra}
        return f"{base}?" + urlencode([(name, value) for name, value in filters.items()
                                       if value is not None], safe=_QUERY_SAFE)
    return link


def _ids(group: str) -> dict[str, int]:
    """Codes to ids of the institutions or regions (read once per request)."""
    model = Institution if group == "institution" else Region
    read = g.setdefault("stats_ids", {})
    if model.__tablename__ not in read:
        read[model.__tablename__] = dict(db.session.execute(select(model.code, model.id)).all())
    return read[model.__tablename__]


@bp.get("/charts/<name>.svg")
@requires(roles.reads_figures)
@talisman(content_security_policy={"default-src": "'none'", "style-src": "'unsafe-inline'"})
def chart(name: str):
    """A chart of the page as an SVG image (its styles are inline, its scripts removed)."""
    if name not in CHARTS:
        abort(404)
    form = _form()
    period, scope = _period(form), _scope(form)
    now = utcnow()
    svg = chart_svg(name, page_figures(figures_reading(db.session), period, scope, now=now,
                                       durable_months=current_app.config["DURABLE_MONTHS"],
                                       first_sync=False, trend_in_full=False),
                    now)
    response = make_response(svg)
    response.headers["Content-Type"] = "image/svg+xml; charset=utf-8"
    return response


def chart_svg(name: str, found: PageFigures, now, table: dict | None = None) -> str:
    """The four charts of the page, drawn from the figures the page already has: counts on
    one axis (whole numbers), rates on their own; 超期 says the day it is judged at. With
    the chart's `table` (figure_tables), each bar or point links to its cases."""
    if name == "trend":
        monthly, labels = found.trend, found.months
        series = {"received": _("Cases received"), "concluded": _("Cases concluded")}
        return charts.trend(_(CHART_TITLES["trend"]), labels, {
            title: [getattr(monthly[m], figure) for m in labels]
            for figure, title in series.items()
        }, rates={
            _("Success rate %"): [float(monthly[m].success_rate)
                                  if monthly[m].success_rate is not None else None
                                  for m in labels],
        }, links=_chart_links(series, table))
    group = CHARTS[name]
    grouped = found.by[group]
    keys = sorted(grouped)
    name_of = _key_label(group)
    measured_on = overdue_measured_on(found.report.period, now)
    series = {"success": _("Successes"), "failure": _("Failures"),
              "received": _("Cases received"),
              "overdue": _("Overdue (as of %(date)s)", date=format_date(measured_on, "long"))}
    return charts.bars(_(CHART_TITLES[name]), [name_of(k) for k in keys], {
        title: [getattr(grouped[k], figure) for k in keys] for figure, title in series.items()
    }, links=_chart_links(series, table))


def _chart_links(series: dict[str, str], table: dict | None) -> dict | None:
    """Per series of a chart, (address, accessible name) of each of its values, from the
    rows of the chart's figure table (same order: months, or the sorted group keys)."""
    if table is None:
        return None
    return {title: [(links[figure], _("%(name)s, %(figure)s: %(count)s. List these cases",
                                      name=row_name, figure=label("figure", figure),
                                      count=getattr(figures_of, figure)))
                    for row_name, figures_of, links in table["rows"]]
            for figure, title in series.items()}


@bp.get("/export.<fmt>")
@requires(roles.reads_figures)
def export(fmt: str):
    """The figures table as CSV, or as an XLSX report (figures, referrals, durations)."""
    form = _form()
    period, scope = _period(form), _scope(form)
    now = utcnow()
    reading = figures_reading(db.session)
    report = statistics(reading, period, scope, group=form.by.data or None, now=now,
                        durable_months=current_app.config["DURABLE_MONTHS"], first_sync=False)
    name = f"statistics-{period.start.isoformat()}-{period.end.isoformat()}"
    stopped = prevented_by_group(reading, period, scope, report.group)
    if fmt != "xlsx":
        header, rows = table_rows(report, labels=_key_label(report.group), stopped=stopped)
        return table_download(header, rows, name, fmt)
    referrals = referral_statistics(reading, period, scope, now=now)
    # one reading of the durations serves both sheets (region only when the figures need it)
    groups = (*DURATION_GROUPS, "region") if report.group == "region" else DURATION_GROUPS
    every = durations(reading, period, scope, groups=groups, first_sync=False)
    response = make_response(report_workbook(
        _report_title(scope), _report_subtitle(period, now),
        [_figures_sheet(report, every, overdue_measured_on(period, now), stopped),
         _referrals_sheet(referrals), _durations_sheet(every)]))
    response.headers["Content-Type"] = XLSX
    response.headers["Content-Disposition"] = content_disposition(f"{name}.xlsx")
    return response


@bp.get("/ministry-report.xlsx")
@requires(roles.reads_figures)
def ministry_report():
    """司法部《人民调解工作统计报表》 of the period and scope (people's mediation only)."""
    form = _form()
    period, scope = _period(form), _scope(form)
    now = utcnow()
    total, rows = ministry.report_rows(figures_reading(db.session), period, scope, now=now,
                                       durable_months=current_app.config["DURABLE_MONTHS"],
                                       first_sync=False)
    response = make_response(report_workbook(
        _("%(place)s: people's mediation work statistics report", place=_place(scope)),
        _report_subtitle(period, now), [ministry_sheet(total, rows)]))
    response.headers["Content-Type"] = XLSX
    response.headers["Content-Disposition"] = content_disposition(
        f"peoples-mediation-{period.start.isoformat()}-{period.end.isoformat()}.xlsx")
    return response


def _place(scope: Scope) -> str:
    place = scope.region.name if scope.region else ""
    if scope.institution_id:
        institution = db.session.get(Institution, scope.institution_id)
        place = f"{place} {institution.name}" if institution else place
    return place


def _report_title(scope: Scope) -> str:
    return _("%(place)s: mediation statistics", place=_place(scope))


def _report_subtitle(period: Period, now) -> str:
    return _("Period: %(start)s to %(end)s. Generated %(at)s (Beijing time).",
             start=format_date(period.start, "long"), end=format_date(period.end, "long"),
             at=f"{format_date(local_today(now), 'long')} {format_time(now, 'HH:mm')}")


def prevented_by_group(reading, period: Period, scope: Scope, group: str | None) -> dict:
    """What was prevented, totals under None and (when grouped) per group key."""
    months = current_app.config["DURABLE_MONTHS"]
    found = {None: prevented.total(prevented.from_rollups(
        reading, period, scope, durable_months=months, first_sync=False))}
    if group:
        found.update({str(key): value for key, value in prevented.from_rollups(
            reading, period, scope, group=group, durable_months=months,
            first_sync=False).items() if key is not None})
    return found


def _figures_sheet(report, taken, measured_on, stopped: dict) -> Sheet:
    name_of = _key_label(report.group)
    header = [label("grouping", report.group) if report.group else _("Scope"),
              _("Cases received"), _("Cases concluded"), _("Successes"), _("Failures"),
              _("Success rate"), _("Durable success rate"), _("Cases withdrawn"),
              _("Cases transferred"), _("Parties involved"), _("Agreement amount (yuan)"),
              _("Overdue cases (as of %(date)s)", date=format_date(measured_on, "long")),
              _("Median days to conclusion"), _("90th percentile days to conclusion"),
              *[label("prevented", name) for name in PREVENTED_FIELDS]]
    rows = []
    for key, figures in [(None, report.totals), *report.groups]:
        days = taken.get(None if key is None else report.group, {}).get(key)
        rows.append([_("Total") if key is None else name_of(key), figures.received,
                     figures.concluded, figures.success, figures.failure,
                     percent(figures.success_rate), percent(figures.durable_success_rate),
                     figures.withdrawn, figures.transferred, figures.parties,
                     figures.agreement_amount, figures.overdue,
                     days.median if days else None, days.p90 if days else None,
                     *prevented_of(stopped, key).values()])
    formats = {**{i: INTEGER for i in (1, 2, 3, 4, 7, 8, 9, 11, *range(14, 20))},
               5: PERCENT, 6: PERCENT, 10: AMOUNT, 12: DAYS, 13: DAYS}
    return Sheet(_("Mediation figures"), header, rows, formats,
                 [24, 10, 10, 10, 10, 12, 12, 10, 10, 12, 16, 18, 14, 14, *[16] * 6])


def _referrals_sheet(referrals) -> Sheet:
    header = [_("Kind"), _("Sending institution"), _("Receiving institution"),
              _("Referrals sent"), _("Referrals accepted"), _("Referrals returned"),
              _("Referrals expired"), _("Still waiting"), _("Median hours to accept")]
    rows = [[label("referral_kind", r.kind), label("institution_kind", r.from_kind),
             label("institution_kind", r.to_kind), r.sent, r.accepted, r.returned, r.expired,
             r.pending, r.median_hours_to_accept] for r in referrals]
    return Sheet(_("Referral figures"), header, rows,
                 {**{i: INTEGER for i in range(3, 8)}, 8: DAYS},
                 [22, 18, 18, 10, 10, 10, 10, 10, 14])


def _durations_sheet(every) -> Sheet:
    header = [_("Group by"), _("Name"), _("Cases concluded"), _("Median days"),
              _("90th percentile (days)")]
    total = every[None][None]
    rows = [[_("Total"), "", total.count, total.median, total.p90]]
    for group in DURATION_GROUPS:
        name_of = _key_label(group)
        rows += [[label("grouping", group), name_of(key), d.count, d.median, d.p90]
                 for key, d in sorted(every[group].items())]
    return Sheet(_("Days to conclusion"), header, rows, {2: INTEGER, 3: DAYS, 4: DAYS},
                 [16, 24, 10, 14, 16])


@bp.app_template_global()
def loop_closure_panel(form) -> list:
    """For the statistics page: loop closure per channel pair over the page's period and
    scope (the statistics page's own reading of its filters)."""
    scope = _scope(form)
    return loop_closure(replica.reads(), _period(form), region=scope.region,
                        institution_id=scope.institution_id)
