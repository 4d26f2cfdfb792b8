"""Flask-Login wiring: loading the signed-in user, idle sessions. Role checks: access.web.requires."""

import time

from flask import current_app, flash, has_request_context, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from sqlalchemy.orm import joinedload

from ..db import db, utcnow
from ..directory.models import Institution
from .models import User
from .services import password_change_due

MAX_ID = 2**31 - 1
IDLE_STAMP_SECONDS = 30  # the last-seen time is refreshed at most this often
USER_LOAD_OPTIONS = "mediation.user_load_options"


def init_app(app, login_manager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        return user_for_session(session_id)

    app.before_request(end_idle_session)
    app.before_request(require_password_change)


def add_user_load_option(app, option) -> None:
    """Load something more with the signed-in user, in the same statement (e.g. the unread
    count every page shows, with `with_expression`)."""
    app.extensions.setdefault(USER_LOAD_OPTIONS, []).append(option)


def user_for_session(session_id: str) -> User | None:
    """The active user a session names, if it was signed in at their current session version."""
    user_id, _, version = session_id.partition(".")
    if not (user_id.isdigit() and version.isdigit()) or int(user_id) > MAX_ID:
        return None
    # one statement: the policy reads the user's institution and its region on every page,
    # and features may add what every page shows (see add_user_load_option)
    user = db.session.get(User, int(user_id), options=[
        joinedload(User.institution).joinedload(Institution.region), *_for_the_page()])
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


def _for_the_page() -> tuple:
    """What every page shows, when the request shows a page (GET): a form posted is answered
    with a redirect, and a page that a POST renders reads it when it needs it."""
    if has_request_context() and request.method != "GET":
        return ()
    return tuple(current_app.extensions.get(USER_LOAD_OPTIONS, ()))


def end_idle_session() -> None:
    """Sign out a session left idle longer than SESSION_IDLE_MINUTES."""
    if "_user_id" not in session:
        return
    now = time.time()
    idle_limit = current_app.config["SESSION_IDLE_MINUTES"] * 60
    last_seen = session.get("last_seen")
    if last_seen is not None and now - last_seen > idle_limit:
        logout_user()
        session.pop("last_seen", None)
        return
    if last_seen is None or now - last_seen > IDLE_STAMP_SECONDS:
        session["last_seen"] = now


# pages a user whose password must change may still open: signing in and out, the change
# page, the language switch, static files, and what is not signed in by session at all
PASSWORD_FREE_BLUEPRINTS = {"auth", "api", "health", "parties"}


def require_password_change() -> object | None:
    """等保 2.0 身份鉴别: after signing in with a password an admin set, or one older than
    PASSWORD_MAX_AGE_DAYS, every page leads to the change page until it is changed."""
    if request.endpoint in (None, "static") or request.blueprint in PASSWORD_FREE_BLUEPRINTS:
        return None
    if not current_user.is_authenticated or not password_change_due(
            current_user, now=utcnow(), max_age_days=current_app.config["PASSWORD_MAX_AGE_DAYS"]):
        return None
    flash(_("Please choose a new password before you continue."), "error")
    return redirect(url_for("auth.change_password"))
