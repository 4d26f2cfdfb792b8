"""Firing workflow steps on a case, and the workflow diagrams."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access.web import changeable_case_or_404
from ..db import db, utcnow
from ..labels import explain
from ..transaction import discard
from .catalog import catalog
from .diagram import render_svg
from .forms import TransitionForm
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
