"""The case page's panel of what a closed mediation prevented, and its correction page (the
holder's mediators, with a reason, until the case is archived)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import policy
from ..access.web import refuse, visible_case_or_404
from ..db import db, utcnow
from ..handlings.models import PreventedEscalation
from ..labels import N_
from ..panels import CasePanel, Read, Rows, first_row, register_with, shared
from ..transaction import discard
from .corrections import (
    CorrectionRefused,
    concluding_handling,
    correct_prevented,
    prevented_in,
    recorded,
)
from .forms import FIELDS, PreventedForm

REFUSALS = {
    "archived": policy.ARCHIVED_REFUSAL,
    "not_allowed": N_("Only the mediators of the institution holding the closed case correct "
                      "what its mediation prevented."),
    "no_conclusion": N_("The case was not concluded by a mediation of this institution."),
    "invalid": N_("Give the people as well as the cases, at least one person per case."),
    "reason_required": N_("Say why the figures are corrected."),
    "unchanged": N_("The figures are the same as before: nothing to correct."),
}


def _concluding(case):
    return concluding_handling(case) if case.closed_at is not None else None


def _reads(case, reader) -> dict:
    """The concluding handling's row, read with the other panels' lists."""
    handling = _concluding(case)
    if handling is None:
        return {}
    return {("prevented", handling.id): Read(
        {"row": Rows(PreventedEscalation, PreventedEscalation.handling_id == handling.id)},
        lambda row: prevented_in(first_row(row=row)))}


def _panel(case, reader, now) -> dict | None:
    handling = _concluding(case)
    if handling is None:
        return None
    found = shared(("prevented", handling.id), lambda: recorded(db.session, handling))
    may_correct = policy.can_correct_prevented(reader, case)
    if found.is_empty and not may_correct:
        return None
    return {"prevented": found.as_dict(), "may_correct": may_correct}


bp = Blueprint("prevented", __name__)
register_with(bp, (CasePanel("records", "stats/_prevented_panel.html", _panel, order=250,
                             reads=_reads),))


@bp.route("/cases/<int:case_id>/prevented", methods=["GET", "POST"])
@login_required
def correct(case_id: int):
    """Correct what the closed case's mediation prevented (audited, before and after)."""
    case = visible_case_or_404(case_id)
    if not policy.can_correct_prevented(current_user, case):
        refuse(case)
    handling = concluding_handling(case)
    if handling is None:
        abort(404)
    form = PreventedForm()
    if form.validate_on_submit():
        try:
            correct_prevented(db.session, case, form.figures(), reason=form.reason.data,
                              actor=current_user, now=utcnow())
        except CorrectionRefused as refusal:
            discard()
            flash(_(REFUSALS[refusal.code]), "error")
        else:
            flash(_("What the mediation prevented has been corrected."), "success")
            return redirect(url_for("cases.show", case_id=case.id))
    elif not form.is_submitted():
        for name, value in recorded(db.session, handling).as_dict().items():
            getattr(form, name).data = value
    return render_template("stats/prevented.html", case=case, form=form, fields=FIELDS)
