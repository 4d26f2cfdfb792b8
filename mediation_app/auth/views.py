"""Sign in, sign out, and the language switch."""

from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..db import db, utcnow
from ..extensions import limiter
from .forms import EmptyForm, LoginForm
from .services import LoginPolicy, LoginRefused, authenticate

bp = Blueprint("auth", __name__)

REFUSALS = {
    "invalid": lambda: _("Wrong username or password."),
    "locked": lambda: _("Too many failed attempts: this account is locked for a while. "
                        "Try again later or ask an administrator."),
    "inactive": lambda: _("This account has been deactivated."),
}


def _login_policy() -> LoginPolicy:
    return LoginPolicy(
        max_failures=current_app.config["LOGIN_MAX_FAILURES"],
        lockout=timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"]),
    )


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("dashboard.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    """Sign in with username and password."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(db.session, form.username.data, form.password.data,
                                now=utcnow(), policy=_login_policy())
        except LoginRefused as refusal:
            db.session.commit()
            flash(REFUSALS[refusal.reason](), "error")
        else:
            db.session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Sign out."""
    if EmptyForm().validate_on_submit():
        current_user.end_sessions()  # a copy of this session's cookie is worthless now
        logout_user()
    return redirect(url_for("auth.login"))


@bp.post("/language/<code>")
def set_language(code: str):
    """Switch the interface language."""
    if code not in current_app.config["LANGUAGES"] or not EmptyForm().validate_on_submit():
        abort(400)
    session["locale"] = code
    return redirect(_safe_next(request.form.get("next")))
