"""The notification inbox, and the unread count shown on every page."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth.forms import EmptyForm
from ..db import db, utcnow
from .models import Notification
from .services import mark_read, unread_count

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_context_processor
def unread_notifications():
    if current_user.is_authenticated:
        return {"unread_notifications": unread_count(db.session, current_user)}
    return {"unread_notifications": 0}


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
