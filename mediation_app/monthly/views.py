"""The monthly reports page: the archive of the user's region subtree, downloads, and
regeneration by an administrator."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..auth.login import roles_required
from ..db import db, utcnow
from ..documents.views import pdf_response
from ..storage import Storage
from .figures import Settings
from .forms import RegenerateForm
from .models import READER_ROLES, MonthlyReport
from .queries import earlier_versions, latest_versions
from .services import ReportError, generate_monthly_report

bp = Blueprint("monthly", __name__, url_prefix="/reports")


def _storage() -> Storage:
    return Storage(current_app.config["MEDIATION_STORAGE"])


def _report_or_404(report_id: int) -> MonthlyReport:
    report = db.session.get(MonthlyReport, report_id)
    if report is None or not report.can_view(current_user):
        abort(404)
    return report


@bp.get("/")
@roles_required(*READER_ROLES)
def index():
    """The newest version of every month's report in the user's region and below."""
    page = db.paginate(latest_versions(current_user.institution.region), per_page=24)
    return render_template("monthly/index.html", page=page,
                           older=earlier_versions(db.session, page.items),
                           form=RegenerateForm())


@bp.get("/<int:report_id>.pdf")
@roles_required(*READER_ROLES)
def download(report_id: int):
    """One version's PDF, exactly as archived."""
    report = _report_or_404(report_id)
    return pdf_response(_storage().read(report.storage_key), report.filename)


@bp.post("/<int:report_id>/regenerate")
@roles_required("admin")
def regenerate(report_id: int):
    """Make a new version from today's data, with the reason printed in it."""
    report = _report_or_404(report_id)
    if not report.can_regenerate(current_user):
        abort(404)
    form = RegenerateForm()
    if not form.validate_on_submit():
        flash(_("Say why the report is made again: the reason is printed in it."), "error")
        return redirect(url_for("monthly.index"))
    storage, made = _storage(), None
    try:
        made = generate_monthly_report(
            db.session, region=report.region, month=report.month, issuer_storage=storage,
            actor=current_user, reason=form.reason.data, now=utcnow(),
            settings=Settings.from_config(current_app.config))
        db.session.commit()
    except (IntegrityError, ReportError):
        db.session.rollback()
        if made is not None:
            storage.delete(made.storage_key)
        flash(_("The report could not be made again just now. Reload the page and retry."),
              "error")
        return redirect(url_for("monthly.index"))
    flash(ngettext("Version %(version)s made: %(num)s figure changed.",
                   "Version %(version)s made: %(num)s figures changed.", len(made.changes),
                   version=made.version), "success")
    return redirect(url_for("monthly.index"))
