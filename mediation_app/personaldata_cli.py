"""flask data-keys rotate: every party's ID number and phones re-encrypted under the
current DATA_KEY (earlier keys in DATA_OLD_KEYS still decrypt), and their blind indexes
recomputed with the current DATA_INDEX_KEY."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from .db import db
from .transaction import unit_of_work

ENCRYPTED = ("id_number", "phone", "representative_phone")


def rotate(session: Session, *, batch: int = 500) -> int:
    """Re-encrypt and re-index every party; return how many."""
    from .casefile.models import Party

    count = 0
    for party in session.scalars(select(Party).order_by(Party.id)
                                 .execution_options(yield_per=batch)):
        for column in ENCRYPTED:
            flag_modified(party, column)
        count += 1
        if count % batch == 0:
            session.flush()
    session.flush()
    return count


def register(app: Flask) -> None:
    keys = AppGroup("data-keys", help="Keys of the personal data encrypted at rest.")
    app.cli.add_command(keys)

    @keys.command("rotate")
    def rotate_command():
        """Re-encrypt ID numbers and phones under the current DATA_KEY and rebuild their
        indexes with DATA_INDEX_KEY (list the previous key in DATA_OLD_KEYS first)."""
        with unit_of_work(db.session):
            count = rotate(db.session)
        click.echo(f"re-encrypted the ID numbers and phones of {count} parties")
