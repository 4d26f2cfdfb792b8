"""Admin pages, limited to the admin's own region subtree."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..access import roles
from ..access.web import requires
from ..auth.forms import EmptyForm
from ..auth.models import ApiToken, User
from ..auth.services import (
    PasswordRefused,
    create_user,
    password_problem,
    require_change_at_sign_in,
    set_password,
)
from ..db import db, utcnow
from ..directory.models import Institution, Region
from ..directory.services import DirectoryError, create_institution, create_region
from ..labels import label, options
from ..transaction import discard
from .forms import (
    EditUserForm,
    InstitutionForm,
    NewTokenForm,
    NewUserForm,
    RegionForm,
    ResetPasswordForm,
)

bp = Blueprint("admin", __name__, url_prefix="/admin")
admin_only = requires(roles.is_admin)


def _root_path() -> str:
    return current_user.institution.region.path


def _regions() -> list[Region]:
    return list(db.session.scalars(
        select(Region).where(Region.path.startswith(_root_path())).order_by(Region.path)))


def _region_choices() -> list[tuple[int, str]]:
    depth = _root_path().count("/")
    return options([(r.id, "\u3000" * (r.path.count("/") - depth) + r.name) for r in _regions()])


def _institutions_query():
    return select(Institution).join(Region).where(Region.path.startswith(_root_path()))


def _institution_choices() -> list[tuple[int, str]]:
    institutions = db.session.scalars(_institutions_query().order_by(Institution.name))
    return options([(i.id, i.name) for i in institutions])


def _users_query():
    return select(User).join(Institution).join(Region).where(Region.path.startswith(_root_path()))


def _user_or_404(user_id: int) -> User:
    user = db.session.scalar(_users_query().where(User.id == user_id))
    if user is None:
        abort(404)
    return user


def _institution_or_404(institution_id: int) -> Institution:
    institution = db.session.scalar(_institutions_query().where(Institution.id == institution_id))
    if institution is None:
        abort(404)
    return institution


@bp.route("/regions", methods=["GET", "POST"])
@admin_only
def regions():
    """The region tree, and a form to add a region."""
    form = RegionForm()
    form.parent_id.choices = _region_choices()
    if form.validate_on_submit():
        parent = db.session.get(Region, form.parent_id.data)
        if db.session.scalar(select(Region).where(Region.code == form.code.data)):
            form.code.errors.append(_("This code is already used."))
        else:
            try:
                create_region(db.session, code=form.code.data, name=form.name.data,
                              level=form.level.data, parent=parent)
            except DirectoryError:
                discard()
                form.level.errors.append(_("This level cannot sit under the chosen parent."))
            else:
                flash(_("Region added."), "success")
                return redirect(url_for("admin.regions"))
    depth = _root_path().count("/")
    return render_template("admin/regions.html", form=form, regions=_regions(), depth=depth)


@bp.route("/institutions", methods=["GET", "POST"])
@admin_only
def institutions():
    """Institutions in the admin's region, and a form to add one."""
    form = InstitutionForm()
    form.region_id.choices = _region_choices()
    if form.validate_on_submit():
        if db.session.scalar(select(Institution).where(Institution.code == form.code.data)):
            form.code.errors.append(_("This code is already used."))
        else:
            create_institution(db.session, code=form.code.data, name=form.name.data,
                               short_name=form.short_name.data, kind=form.kind.data,
                               region=db.session.get(Region, form.region_id.data),
                               case_number_format=form.case_number_format.data)
            flash(_("Institution added."), "success")
            return redirect(url_for("admin.institutions"))
    listing = db.session.scalars(_institutions_query().order_by(Region.path, Institution.name))
    return render_template("admin/institutions.html", form=form, institutions=list(listing))


@bp.route("/institutions/<int:institution_id>", methods=["GET", "POST"])
@admin_only
def edit_institution(institution_id: int):
    """Rename an institution or change its case number format."""
    institution = _institution_or_404(institution_id)
    form = InstitutionForm(obj=institution)
    form.region_id.choices = _region_choices()
    del form.code
    if form.validate_on_submit():
        for name in ("name", "short_name", "kind", "region_id", "case_number_format"):
            setattr(institution, name, getattr(form, name).data)
        flash(_("Institution saved."), "success")
        return redirect(url_for("admin.institutions"))
    return render_template("admin/institution_edit.html", form=form, institution=institution)


@bp.get("/users")
@admin_only
def users():
    """Users of the admin's region, paginated."""
    page = db.paginate(_users_query().order_by(User.username), per_page=50)
    return render_template("admin/users.html", page=page, action_form=EmptyForm())


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def new_user():
    """Create a user."""
    form = NewUserForm()
    form.institution_id.choices = _institution_choices()
    if form.validate_on_submit():
        problem = password_problem(form.password.data, form.username.data)
        if db.session.scalar(select(User).where(User.username == form.username.data)):
            form.username.errors.append(_("This username is taken."))
        elif problem:
            form.password.errors.append(label("password_refusal", problem))
        else:
            user = create_user(db.session, username=form.username.data,
                               password=form.password.data, role=form.role.data,
                               display_name=form.display_name.data,
                               institution=_institution_or_404(form.institution_id.data),
                               actor=current_user, now=utcnow())
            user.email = form.email.data or None
            require_change_at_sign_in(user, now=utcnow())
            flash(_("User created."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_only
def edit_user(user_id: int):
    """Change a user's name, role and institution; reset the password."""
    user = _user_or_404(user_id)
    form = EditUserForm(obj=user)
    form.institution_id.choices = _institution_choices()
    if form.validate_on_submit():
        user.display_name = form.display_name.data
        user.email = form.email.data or None
        user.role = form.role.data
        user.institution = _institution_or_404(form.institution_id.data)
        flash(_("User saved."), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_edit.html", form=form, user=user,
                           password_form=ResetPasswordForm(), action_form=EmptyForm())


@bp.post("/users/<int:user_id>/password")
@admin_only
def reset_password(user_id: int):
    """Set a new password and lift any lockout."""
    user = _user_or_404(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            set_password(user, form.password.data, now=utcnow(),
                         keep=current_app.config["PASSWORD_HISTORY"], must_change=True,
                         actor=current_user, via="reset")
        except PasswordRefused as refusal:
            flash(label("password_refusal", refusal.code), "error")
            return redirect(url_for("admin.edit_user", user_id=user.id))
        user.failed_logins = 0
        user.locked_until = None
        flash(_("Password reset."), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/active")
@admin_only
def toggle_active(user_id: int):
    """Deactivate or reactivate a user (the page asks for confirmation first)."""
    user = _user_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
    else:
        user.is_active = not user.is_active
        flash(_("User activated.") if user.is_active else _("User deactivated."), "success")
    return redirect(url_for("admin.users"))


@bp.route("/tokens", methods=["GET", "POST"])
@admin_only
def tokens():
    """API tokens of users in the admin's region; a new token is shown once."""
    form = NewTokenForm()
    users = db.session.scalars(_users_query().order_by(User.username))
    form.user_id.choices = options([(u.id, f"{u.username} ({u.display_name})") for u in users])
    secret = None
    if form.validate_on_submit():
        token, secret = ApiToken.issue(_user_or_404(form.user_id.data), form.name.data)
        db.session.add(token)
        flash(_("Token created. Copy it now: it will not be shown again."), "success")
    listing = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id.in_(_users_query().with_only_columns(User.id)))
        .order_by(ApiToken.created_at.desc()))
    return render_template("admin/tokens.html", form=form, tokens=list(listing), secret=secret,
                           action_form=EmptyForm())


@bp.post("/tokens/<int:token_id>/revoke")
@admin_only
def revoke_token(token_id: int):
    """Revoke an API token (the page asks for confirmation first)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or db.session.scalar(_users_query().where(User.id == token.user_id)) is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    token.revoked_at = token.revoked_at or utcnow()
    flash(_("Token revoked."), "success")
    return redirect(url_for("admin.tokens"))
