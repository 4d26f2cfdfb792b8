"""Flask-Login wiring and the role check used by every view."""

from functools import wraps

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..db import db
from .models import User


def init_app(app, login_manager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.is_active else None


def roles_required(*roles: str):
    """Signed in and holding one of the roles; anything else is 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator
