"""`flask users create`: add a user account."""

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from ..db import db
from ..directory.models import Institution
from ..domain.codes import Role, values
from ..transaction import unit_of_work
from .models import User
from .services import create_user

users = AppGroup("users", help="Manage user accounts.")


@users.command("create")
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice(values(Role)))
@click.option("--institution", "institution_code", required=True, help="institution code")
@click.option("--display-name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user_command(username, role, institution_code, display_name, password):
    """Add a user."""
    institution = db.session.scalar(
        select(Institution).where(Institution.code == institution_code))
    if institution is None:
        raise click.UsageError(f"no institution with code {institution_code}")
    if len(password) < 8:
        raise click.UsageError("the password needs at least 8 characters")
    if db.session.scalar(select(User).where(User.username == username)):
        raise click.UsageError(f"username {username} is taken")
    with unit_of_work(db.session):
        create_user(db.session, username=username, password=password, role=role,
                    institution=institution, display_name=display_name)
    click.echo(f"created {role} {username} at {institution.name}")


def register(app: Flask) -> None:
    app.cli.add_command(users)
