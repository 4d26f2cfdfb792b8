"""The monthly reports page: the archive of the user's region subtree, downloads, and
requests to make a finished month's report (again), run as a job once committed (a queue
worker with REDIS_URL, else the scheduler process)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import transaction
from ..access import policy, roles
from ..access.web import requires
from ..db import db, utcnow
from ..directory.models import Region
from ..downloads import pdf_response
from ..jobs import enqueue
from ..stats.definitions import shift_month
from ..storage import Storage
from .forms import RequestForm
from .jobs import last_complete_month
from .models import MonthlyReport
from .queries import earlier_versions, latest_versions
from .requests import RequestRefused, recent_requests, request_report

bp = Blueprint("monthly", __name__, url_prefix="/reports")

REQUESTABLE_MONTHS = 24
REPORTED_LEVELS = ("city", "district", "town")


def _storage() -> Storage:
    return Storage(current_app.config["MEDIATION_STORAGE"])


def _report_or_404(report_id: int) -> MonthlyReport:
    report = db.session.get(MonthlyReport, report_id)
    if report is None or not report.can_view(current_user):
        abort(404)
    return report


def month_label(month: str) -> str:
    year, number = month.split("-")
    return _("%(year)s-%(month)s", year=year, month=int(number))


def _request_form() -> RequestForm | None:
    """The form to ask for a report, with the finished months and the user's regions."""
    if not roles.requests_monthly_reports(current_user):
        return None
    form = RequestForm()
    latest = last_complete_month(utcnow())
    months = [shift_month(latest, -offset) for offset in range(REQUESTABLE_MONTHS)]
    form.month.choices = [(month, month_label(month)) for month in months]
    root = current_user.institution.region
    regions = db.session.scalars(select(Region).where(Region.path.startswith(root.path),
                                                      Region.level.in_(REPORTED_LEVELS))
                                 .order_by(Region.path))
    form.region.choices = [(region.id, region.name) for region in regions] or [
        (root.id, root.name)]
    return form


def _render_index(form: RequestForm | None):
    root = current_user.institution.region
    page = db.paginate(latest_versions(root), per_page=24)
    requests = recent_requests(db.session, root)
    return render_template("monthly/index.html", page=page, form=form, requests=requests,
                           older=earlier_versions(db.session, page.items),
                           waiting=any(request.is_open for request in requests),
                           month_label=month_label)


@bp.get("/")
@requires(roles.reads_monthly_reports)
def index():
    """The newest version of every month's report in the user's region and below, the
    requests under way, and the form to ask for one."""
    return _render_index(_request_form())


@bp.post("/requests")
@requires(roles.reads_monthly_reports)
def request_one():
    """Queue a finished month's report (a new version, with its reason, if archived)."""
    form = _request_form()
    if form is None:
        abort(403)
    if form.validate_on_submit():
        region = db.session.get(Region, form.region.data)
        if region is None or not policy.may_request_monthly_report_of(current_user, region):
            abort(404)
        try:
            queued = request_report(db.session, region=region, month=form.month.data,
                                    reason=form.reason.data, actor=current_user, now=utcnow())
        except RequestRefused as refusal:
            transaction.discard()
            form.reason.errors = [*form.reason.errors, _(refusal.message)]
            return _render_index(form)
        request_id = queued.id
        transaction.after_commit(lambda: enqueue("monthly_request", request_id=request_id))
        flash(_("The report of %(month)s for %(region)s is queued: it appears here within a "
                "minute.", month=month_label(form.month.data), region=region.name), "success")
        return redirect(url_for("monthly.index"))
    transaction.discard()
    return _render_index(form)


@bp.get("/<int:report_id>.pdf")
@requires(roles.reads_monthly_reports)
def download(report_id: int):
    """One version's PDF, exactly as archived."""
    report = _report_or_404(report_id)
    return pdf_response(_storage().read(report.storage_key), report.filename)
