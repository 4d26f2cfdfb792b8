"""The review page of an archived case (案件评查): its reviews for every reader of the case,
the scoring form for the region's reviewers."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import policy
from ..access.web import visible_case_or_404
from ..db import db, utcnow
from ..labels import N_
from ..panels import register_with
from ..transaction import discard
from .catalog import checklist
from .forms import review_form
from .panels import PANELS
from .services import ReviewError, applicable_items, review_case, reviews_of

bp = Blueprint("review", __name__)
register_with(bp, PANELS)

REFUSALS = {
    "not_allowed": N_("Only a region reader above the case, whose institution did not handle "
                      "it, reviews an archived case file."),
    "incomplete": N_("Score every item of the checklist."),
    "out_of_range": N_("An item was given more than its points, or fewer than none."),
    "note_missing": N_("Say why points were taken off."),
}


@bp.route("/cases/<int:case_id>/review", methods=["GET", "POST"])
@login_required
def review(case_id: int):
    """An archived case's reviews, newest first; reviewers score it (again)."""
    case = visible_case_or_404(case_id)
    if not case.is_archived:
        abort(404)
    may_review = policy.can_review_case(current_user, case)
    items = applicable_items(checklist(), db.session, case)
    form = review_form(items) if may_review else None
    if form is not None and form.validate_on_submit():
        try:
            review_case(db.session, case, checklist=checklist(), marks=form.marks(),
                        actor=current_user, now=utcnow())
        except ReviewError as refusal:
            discard()
            flash(_(REFUSALS[refusal.code]), "error")
        else:
            flash(_("Review recorded; the institution has been told."), "success")
            return redirect(url_for("review.review", case_id=case.id))
    elif form is None and request.method == "POST":
        abort(403)
    return render_template("review/page.html", case=case, form=form, items=items,
                           reviews=reviews_of(db.session, case), checklist=checklist(),
                           english=str(get_locale()).startswith("en"))
