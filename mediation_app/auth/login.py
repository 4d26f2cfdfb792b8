"""Flask-Login wiring: loading the signed-in user, idle sessions. Role checks: access.web.requires."""

import time

from flask import current_app, session
from flask_babel import lazy_gettext as _l
from flask_login import logout_user
from sqlalchemy.orm import joinedload

from ..db import db
from ..directory.models import Institution
from .models import User

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
        joinedload(User.institution).joinedload(Institution.region),
        *current_app.extensions.get(USER_LOAD_OPTIONS, ())])
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


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
