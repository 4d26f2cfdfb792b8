from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..access import roles
from ..cases.queries import CaseFilters, awaiting_acceptance, list_cases, near_deadline
from ..db import db, utcnow
from ..referrals.queries import inbox

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@login_required
def index():
    """My open cases, deadlines close or past, and work waiting for me."""
    if roles.is_admin(current_user):
        return redirect(url_for("admin.users"))
    now = utcnow()
    handles_cases = roles.acts_for_institution(current_user)
    mine = list_cases(
        db.session, current_user,
        CaseFilters(mine_only=roles.is_mediator(current_user), open_only=True,
                    institution_id=current_user.institution_id if handles_cases else None),
        per_page=10, with_total=True,
    )
    warnings = list_cases(db.session, current_user,
                          CaseFilters(open_only=True, flagged_only=True), per_page=10,
                          with_total=False).items
    return render_template(
        "dashboard/index.html",
        warnings=warnings,
        incoming=inbox(db.session, current_user, limit=10) if handles_cases else [],
        mine=mine,
        deadlines=near_deadline(db.session, current_user, now=now,
                                within_days=current_app.config["DEADLINE_WARNING_DAYS"])
        if handles_cases else [],
        waiting=awaiting_acceptance(db.session, current_user) if handles_cases else [],
        now=now,
    )
