"""The notification inbox, the unread count shown on every page, each user's choice of
channels, and each case's notification ledger."""

from flask import (
    Blueprint,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import with_expression

from ..access.web import visible_case_or_404
from ..auth.forms import EmptyForm
from ..auth.login import add_user_load_option
from ..auth.models import User
from ..db import db, utcnow
from ..labels import choices
from .dispatch import preferences_of, save_preferences
from .forms import PreferencesForm
from .ledger import ledger
from .models import Notification
from .services import mark_read, unread_count, unread_count_of_users

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
bp.record_once(lambda state: add_user_load_option(
    state.app, with_expression(User.unread_notifications, unread_count_of_users())))
UNREAD_KEY = "mediation.unread_notifications"


@bp.app_context_processor
def unread_notifications():
    """Counted once per request (a case page renders each of its panels separately); kept in
    the request's environ, which, unlike `g`, never outlives the request."""
    if not has_request_context() or not current_user.is_authenticated:
        return {"unread_notifications": 0}
    if UNREAD_KEY not in request.environ:
        loaded = getattr(current_user, "unread_notifications", None)  # loaded with the user
        request.environ[UNREAD_KEY] = loaded if loaded is not None else \
            unread_count(db.session, current_user)
    return {"unread_notifications": request.environ[UNREAD_KEY]}


@bp.get("/")
@login_required
def index():
    """My notifications, newest first."""
    query = select(Notification).where(Notification.user_id == current_user.id) \
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    page = db.paginate(query, per_page=30)
    return render_template("notifications/index.html", page=page, form=EmptyForm())


@bp.post("/read")
@login_required
def read():
    """Mark one notification (or all of them) as read."""
    if EmptyForm().validate_on_submit():
        target = request.form.get("id", type=int)
        mark_read(db.session, current_user, now=utcnow(), notification_id=target)
        if target:
            notification = db.session.get(Notification, target)
            if notification is not None and notification.user_id == current_user.id \
                    and notification.case_id:
                return redirect(url_for("cases.show", case_id=notification.case_id))
    return redirect(url_for("notifications.index"))


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    """What I receive by email and text message, per topic (the inbox gets everything)."""
    saved = preferences_of(db.session, [current_user.id]).get(current_user.id)
    form = PreferencesForm(obj=saved)
    form.email_topics.choices = form.sms_topics.choices = choices("notification_topic")
    if form.validate_on_submit():
        save_preferences(db.session, current_user, phone=form.phone.data,
                         email_topics=form.email_topics.data, sms_topics=form.sms_topics.data,
                         now=utcnow())
        flash(_("Your notification choices are saved."), "success")
        return redirect(url_for("notifications.preferences"))
    return render_template("notifications/preferences.html", form=form,
                           has_email=bool(current_user.email))


@bp.get("/cases/<int:case_id>")
@login_required
def case_ledger(case_id: int):
    """Every message sent about the case: to whom, by which channel, and its status."""
    case = visible_case_or_404(case_id)
    return render_template("notifications/ledger.html", case=case,
                           entries=ledger(db.session, case.id))
