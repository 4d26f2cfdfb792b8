"""Pages of a referral's loop: the outcome report (办理结果反馈) and the extension of a court
mediation period; and what the case page shows of them."""

from __future__ import annotations

from datetime import datetime, time, timezone

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..access import policy
from ..access.web import visible_case_or_404
from ..agreements.models import Agreement
from ..db import db, utcnow
from ..documents.models import Document
from ..handlings import periods
from ..labels import label
from ..panels import shared
from ..transaction import discard
from ..workflow.calendar import CHINA
from . import outcomes
from .forms import ExtendPeriodForm
from .records import OutcomeReport

bp = Blueprint("outcomes", __name__)


@bp.app_template_global()
def case_loop(case) -> dict:
    """For the case page: the outcome reports of the case, its court mediation period, and
    whether the reader may extend it."""
    session = db.session
    reports = shared(("outcome_reports", case.id), lambda: list(session.scalars(
        select(OutcomeReport).where(OutcomeReport.case_id == case.id).order_by(OutcomeReport.id))))
    handling = case.current_handling
    period = shared(("mediation_period", handling.id), lambda: periods.period_of(
        session, handling.id)) if handling is not None else None
    return {"reports": reports, "period": period,
            "can_extend": period is not None and policy.can_extend_period(current_user, handling)}


@bp.get("/outcome-reports/<int:report_id>")
@login_required
def show(report_id: int):
    """办理结果反馈: outcome, date, agreement summary and amount, documents."""
    report = db.session.get(OutcomeReport, report_id)
    if report is None or not policy.can_read_outcome_report(current_user, report):
        abort(404)
    outcomes.mark_read(db.session, report, user=current_user, now=utcnow())
    agreement = db.session.get(Agreement, report.agreement_id) if report.agreement_id else None
    documents = list(db.session.scalars(select(Document).where(
        Document.id.in_(report.document_ids or [])).order_by(Document.id)))
    return render_template("referrals/outcome.html", report=report, agreement=agreement,
                           documents=documents)


@bp.route("/cases/<int:case_id>/period", methods=["GET", "POST"])
@login_required
def extend_period(case_id: int):
    """Extend a 委派/委托 mediation period with both parties' consent."""
    case = visible_case_or_404(case_id)
    handling = case.current_handling
    period = periods.period_of(db.session, handling.id) if handling is not None else None
    if period is None or not policy.can_extend_period(current_user, handling):
        abort(403)
    form = ExtendPeriodForm()
    form.parties.choices = [(p.id, f"{p.name}（{label('party_role', p.role)}）")
                            for p in case.parties]
    if form.validate_on_submit():
        try:
            periods.extend_period(db.session, handling, periods.Extension(
                ends_at=end_of_day_utc(form.ends_at.data),
                consenting_party_ids=tuple(form.parties.data),
                note=(form.note.data or "").strip()), actor=current_user, now=utcnow())
        except periods.PeriodError as refusal:
            discard()
            flash(label("period_refusal", refusal.code), "error")
        else:
            flash(_("Mediation period extended."), "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("referrals/extend_period.html", case=case, period=period, form=form)


def end_of_day_utc(day) -> datetime:
    """23:59 of that day in China, as naive UTC."""
    return datetime.combine(day, time(23, 59), CHINA).astimezone(timezone.utc).replace(tzinfo=None)
