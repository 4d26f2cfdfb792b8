"""Sign in, sign out, and the language switch."""

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
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from ..db import db, utcnow
from ..extensions import limiter
from ..labels import label
from .forms import ChangePasswordForm, EmptyForm, LoginForm
from .services import LoginRefused, PasswordRefused, authenticate, change_own_password
from .throttle import LoginThrottle, ThrottlePolicy

bp = Blueprint("auth", __name__)

def _throttle() -> LoginThrottle:
    config = current_app.config
    return LoginThrottle(limiter.storage, ThrottlePolicy(
        free_failures=config["LOGIN_FREE_FAILURES"],
        account_free_failures=config["LOGIN_ACCOUNT_FREE_FAILURES"],
        max_backoff_seconds=config["LOGIN_MAX_BACKOFF_SECONDS"],
        account_max_backoff_seconds=config["LOGIN_ACCOUNT_MAX_BACKOFF_SECONDS"]))


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
        throttle, address = _throttle(), get_remote_address()
        wait = throttle.wait_seconds(form.username.data, address)
        if wait:
            flash(_("Too many failed attempts. Please try again in %(seconds)s seconds.",
                    seconds=wait), "error")
            return render_template("auth/login.html", form=form), 429
        try:
            user = authenticate(db.session, form.username.data, form.password.data, now=utcnow())
        except LoginRefused:
            throttle.record_failure(form.username.data, address)
            flash(_("Wrong username or password."), "error")
        else:
            throttle.record_success(form.username.data, address)
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
        flash(_("You have signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.post("/language/<code>")
def set_language(code: str):
    """Switch the interface language."""
    if code not in current_app.config["LANGUAGES"] or not EmptyForm().validate_on_submit():
        abort(400)
    session["locale"] = code
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password (required when an admin set it or it has aged)."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_own_password(user, current=form.current_password.data,
                                new=form.new_password.data, now=utcnow(),
                                keep=current_app.config["PASSWORD_HISTORY"])
        except PasswordRefused as refusal:
            form.new_password.errors.append(label("password_refusal", refusal.code))
        else:
            db.session.flush()
            login_user(user)  # the new password ended every session, this one included
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("dashboard.index"))
    return render_template("auth/change_password.html", form=form)
