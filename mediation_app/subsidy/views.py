"""The subsidy statement page, with CSV, XLSX and PDF (with REDIS_URL set, the PDF is
rendered by a queue worker while a page follows it)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..access import roles
from ..access.web import requires
from ..db import db
from ..downloads import pdf_response
from ..rendered import following_page, queue_render, render_of, rendered_download
from ..stats.definitions import local_today, shift_month
from ..tables import table_download
from .statements import (
    NotVisible,
    chosen_among,
    institutions_for,
    lines_for,
    review_factors,
    rows,
    statement_name,
    statement_pdf,
)

bp = Blueprint("subsidy", __name__, url_prefix="/subsidy")
STATEMENT_JOB = "subsidy_statement"


def _month() -> str:
    month = request.args.get("month") or shift_month(local_today().strftime("%Y-%m"), -1)
    try:
        shift_month(month, 0)
    except ValueError:
        abort(400)
    return month


def _chosen() -> int | None:
    return request.args.get("institution_id", type=int)


def _institutions(chosen: int | None, shown=None):
    """The institutions the statement covers: those the user sees (`shown`, read here when
    not given), or the one chosen among them; another's is not found."""
    try:
        return chosen_among(shown if shown is not None
                            else institutions_for(db.session, current_user), chosen)
    except NotVisible:
        abort(404)


def _lines(institutions):
    return lines_for(db.session, current_user, institutions, month=_month(),
                     config=current_app.config)


@bp.get("/")
@requires(roles.sees_subsidies)
def index():
    """Cases by outcome and difficulty per mediator and month, times the rates."""
    shown = institutions_for(db.session, current_user)
    header, body = rows(_lines(_institutions(_chosen(), shown)))
    return render_template("subsidy/index.html", month=_month(), institutions=shown,
                           chosen=_chosen(), header=header, rows=body,
                           rates=current_app.config["SUBSIDY_RATES"],
                           factors=review_factors(current_app.config),
                           args={k: v for k, v in request.args.items() if v})


@bp.get("/statement.<fmt>")
@requires(roles.sees_subsidies)
def download(fmt: str):
    """The statement as CSV, XLSX or PDF."""
    if fmt == "pdf":
        return _pdf()
    header, body = rows(_lines(_institutions(_chosen())))
    return table_download(header, body, f"subsidy-{_month()}", fmt)


def _pdf():
    month, chosen = _month(), _chosen()
    _institutions(chosen)  # another's institution is not found, before anything is queued
    if (job_id := queue_render(STATEMENT_JOB, month=month, institution_id=chosen,
                               locale=str(get_locale()))) is not None:
        return redirect(url_for("subsidy.statement_job", job_id=job_id))
    pdf = statement_pdf(db.session, current_user, month=month, chosen=chosen,
                        config=current_app.config)
    return pdf_response(pdf, statement_name(month))


@bp.get("/statement/jobs/<job_id>")
@requires(roles.sees_subsidies)
def statement_job(job_id: str):
    """The statement's PDF being rendered by a queue worker, then its download."""
    render = render_of(job_id, STATEMENT_JOB)
    again = {k: v for k, v in (("month", render.kwargs["month"]),
                               ("institution_id", render.kwargs["institution_id"])) if v}
    return following_page(render, title=_("Subsidy statement (PDF)"),
                          download_url=url_for("subsidy.statement_file", job_id=job_id),
                          again_url=url_for("subsidy.download", fmt="pdf", **again),
                          back_url=url_for("subsidy.index", **again))


@bp.get("/statement/jobs/<job_id>/file")
@requires(roles.sees_subsidies)
def statement_file(job_id: str):
    """The statement's PDF a queue worker rendered, for the user who asked for it."""
    return rendered_download(render_of(job_id, STATEMENT_JOB))
