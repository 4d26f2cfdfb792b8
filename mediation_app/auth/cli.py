"""`flask users create` and `flask users set-password`: accounts from the command line, under
the password rules the web forms apply (domain/passwords.py); refusals in Chinese."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ..db import db, utcnow
from ..directory.models import Institution
from ..domain.codes import Role, values
from ..labels import label_zh
from ..transaction import unit_of_work
from .models import User
from .services import PasswordRefused, create_user, password_problem, require_change_at_sign_in
from .services import set_password as set_user_password

users = AppGroup("users", help="Manage user accounts.")


def _refuse(message: str) -> None:
    """Stop with the reason in Chinese on stderr and exit status 1."""
    click.echo(f"错误：{message}", err=True)
    raise SystemExit(1)


def _refuse_password(code: str) -> None:
    _refuse(f"密码不符合要求：{label_zh('password_refusal', code)}")


@users.command("create")
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice(values(Role)))
@click.option("--institution", "institution_code", required=True, help="institution code")
@click.option("--display-name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="the initial password (prompted when omitted); at least 8 characters of "
                   "three kinds (capitals, small letters, digits, symbols), without the username")
@click.option("--no-change-at-sign-in", "keep_password", is_flag=True, default=False,
              help="let the user keep this password: by default, as for an account an admin "
                   "creates on the web, the user must replace it at first sign-in (use the "
                   "flag only when the password is the user's own, e.g. typed by them)")
def create_user_command(username, role, institution_code, display_name, password,
                        keep_password):
    """Add a user. The password follows the web's rules; the user replaces it at first
    sign-in unless --no-change-at-sign-in is given. Refusals exit with status 1."""
    institution = db.session.scalar(
        select(Institution).where(Institution.code == institution_code))
    if institution is None:
        _refuse(f"没有代码为 {institution_code} 的机构。")
    if db.session.scalar(select(User).where(User.username == username)):
        _refuse(f"用户名 {username} 已被使用。")
    problem = password_problem(password, username)
    if problem:
        _refuse_password(problem)
    now = utcnow()
    with unit_of_work(db.session):
        user = create_user(db.session, username=username, password=password, role=role,
                           institution=institution, display_name=display_name, via="cli",
                           now=now)
        if not keep_password:
            require_change_at_sign_in(user, now=now)
        else:
            user.password_changed_at = now
    click.echo(f"created {role} {username} at {institution.name}"
               + ("" if keep_password else " (password to be changed at first sign-in)"))


@users.command("set-password")
@click.option("--username", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="the new password (prompted when omitted), under the web's rules")
@click.option("--no-change-at-sign-in", "keep_password", is_flag=True, default=False,
              help="let the user keep this password: by default, as after an admin's reset on "
                   "the web, the user must replace it at the next sign-in")
def set_password_command(username, password, keep_password):
    """Reset a user's password (e.g. the only admin's). The password follows the web's rules
    and is none of the user's last ones; the user replaces it at the next sign-in unless
    --no-change-at-sign-in is given. Refusals exit with status 1."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        _refuse(f"没有用户名为 {username} 的用户。")
    with unit_of_work(db.session):
        try:
            set_user_password(user, password, now=utcnow(),
                              keep=current_app.config["PASSWORD_HISTORY"],
                              must_change=not keep_password, actor=None, via="cli")
        except PasswordRefused as refusal:
            _refuse_password(refusal.code)
        user.failed_logins = 0
        user.locked_until = None
    click.echo(f"password of {username} set"
               + ("" if keep_password else " (to be changed at next sign-in)"))


def register(app: Flask) -> None:
    app.cli.add_command(users)
