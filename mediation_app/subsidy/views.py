"""The subsidy statement page, with CSV, XLSX and PDF."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..access import roles
from ..access.web import requires
from ..db import db
from ..directory.models import Institution, Region
from ..documents.rendering import render_pdf
from ..downloads import pdf_response
from ..labels import label
from ..review.catalog import checklist
from ..stats.definitions import local_today, shift_month
from ..tables import table_download
from .services import DIFFICULTIES, OUTCOMES, statement

bp = Blueprint("subsidy", __name__, url_prefix="/subsidy")


def _institutions() -> list[Institution]:
    """Mediating institutions the user may see: their own, or those in their region."""
    if roles.subsidy_limited_to_institution(current_user):
        return [current_user.institution]
    return list(db.session.scalars(
        select(Institution).join(Region)
        .where(Region.path.startswith(current_user.institution.region.path),
               Institution.kind.in_(("peoples_committee", "professional_committee", "police",
                                     "traffic_police", "labour_bureau", "court")))
        .order_by(Institution.name)))


def _month() -> str:
    month = request.args.get("month") or shift_month(local_today().strftime("%Y-%m"), -1)
    try:
        shift_month(month, 0)
    except ValueError:
        abort(400)
    return month


def _statement():
    institutions = _institutions()
    chosen = request.args.get("institution_id", type=int)
    if chosen:
        institutions = [i for i in institutions if i.id == chosen]
        if not institutions:
            abort(404)
    month = _month()
    lines = statement(db.session, institution_ids=[i.id for i in institutions], month=month,
                      config=current_app.config)
    if roles.subsidy_limited_to_self(current_user):
        lines = [line for line in lines if line.mediator_id == current_user.id]
    return month, institutions, lines


def _rows(lines) -> tuple[list[str], list[list]]:
    columns = [(o, d) for o in OUTCOMES for d in DIFFICULTIES]
    grades = checklist().grades
    header = [_("Mediator")] + [f"{label('outcome', o)}·{label('difficulty', d)}" for o, d in columns] \
        + [f"评查{grade.label}" for grade in grades] + ["案件数", "补贴金额（元）"]
    rows = [[line.name] + [line.counts.get(c, 0) for c in columns]
            + [line.grades.get(grade.code, 0) for grade in grades]
            + [line.cases, f"{line.amount:.2f}"] for line in lines]
    return header, rows


def _review_factors() -> list[tuple[str, object]]:
    """Each review grade's label and its subsidy factor, for the statement's note."""
    factors = current_app.config.get("SUBSIDY_REVIEW_FACTORS") or {}
    return [(grade.label, factors.get(grade.code, 1)) for grade in checklist().grades]


@bp.get("/")
@requires(roles.sees_subsidies)
def index():
    """Cases by outcome and difficulty per mediator and month, times the rates."""
    month, institutions, lines = _statement()
    header, rows = _rows(lines)
    return render_template("subsidy/index.html", month=month, institutions=_institutions(),
                           chosen=request.args.get("institution_id", type=int), header=header,
                           rows=rows, rates=current_app.config["SUBSIDY_RATES"],
                           factors=_review_factors(),
                           args={k: v for k, v in request.args.items() if v})


@bp.get("/statement.<fmt>")
@requires(roles.sees_subsidies)
def download(fmt: str):
    """The statement as CSV, XLSX or PDF."""
    month, institutions, lines = _statement()
    header, rows = _rows(lines)
    name = f"subsidy-{month}"
    if fmt == "pdf":
        pdf = render_pdf("subsidy.html", month=month, institutions=institutions, header=header,
                         rows=rows, factors=_review_factors())
        return pdf_response(pdf, f"{name}.pdf")
    return table_download(header, rows, name, fmt)
