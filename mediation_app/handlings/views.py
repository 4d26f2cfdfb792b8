"""Firing workflow steps on a case, recording the court's ruling, and the workflow diagrams."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access.web import changeable_case_or_404
from ..db import db, utcnow
from ..documents.issuer import current_issuer
from ..documents.services import DocumentError
from ..labels import explain
from ..transaction import discard
from .catalog import catalog
from .diagram import render_svg
from .forms import RulingForm, TransitionForm
from .rulings import Ruling, record_ruling
from .services import HandlingError, fire_transition

bp = Blueprint("handlings", __name__)


@bp.post("/cases/<int:case_id>/transitions/<name>")
@login_required
def transition(case_id: int, name: str):
    """Take one workflow step on a case (the buttons on the case page)."""
    case = changeable_case_or_404(case_id)
    form = TransitionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        handling = fire_transition(db.session, case, name, actor=current_user, now=utcnow(),
                                   note=form.note.data or "", reason=form.reason.data or None)
    except HandlingError as refusal:
        discard()
        flash(explain(refusal), "error")
    else:
        flash(_("Done: %(state)s", state=handling.state_label), "success")
    return redirect(url_for("cases.show", case_id=case_id))


@bp.post("/cases/<int:case_id>/ruling")
@login_required
def ruling(case_id: int):
    """Record the court's 民事裁定书 on a judicial confirmation, with its number and date."""
    case = changeable_case_or_404(case_id)
    form = RulingForm()
    if not form.validate_on_submit():
        flash(_("Give the ruling's number, date, judge and clerk."), "error")
        return redirect(url_for("cases.show", case_id=case.id))
    decision = Ruling(confirmed=form.decision.data == "confirmed", number=form.number.data.strip(),
                      dated_on=form.dated_on.data, judge=form.judge.data.strip(),
                      clerk=form.clerk.data.strip(), reasoning=(form.reasoning.data or "").strip())
    try:
        record_ruling(db.session, current_issuer(), case, decision, actor=current_user,
                      now=utcnow())
    except DocumentError:
        discard()
        flash(_("This procedure issues no ruling at this stage."), "error")
    except HandlingError as refusal:
        discard()
        flash(explain(refusal), "error")
    else:
        flash(_("Ruling recorded."), "success")
    return redirect(url_for("cases.show", case_id=case.id))


@bp.get("/workflows")
@login_required
def workflows():
    """Every channel workflow, drawn."""
    definitions = sorted(catalog(), key=lambda d: (d.channel or "~", d.name))
    return render_template("workflows/index.html", definitions=definitions)


@bp.get("/workflows/<name>")
@login_required
def workflow(name: str):
    """One workflow: its diagram, states, transitions and deadlines."""
    if name not in catalog().sources:
        abort(404)
    definition = catalog().get(name)
    return render_template("workflows/show.html", definition=definition,
                           svg=render_svg(definition))
