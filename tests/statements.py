"""Counting the SQL statements a piece of work runs, to catch an N+1 when it appears."""

from contextlib import contextmanager

from sqlalchemy import event

from mediation_app.extensions import db


@contextmanager
def counted(app):
    """Yields the list of statements run while the block runs (BEGIN included)."""
    statements = []

    def count(_connection, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def listing(statements: list[str]) -> str:
    """The statements one a line (each cut at 160 characters), for a failure's message."""
    return "\n" + "\n".join(" ".join(statement.split())[:160] for statement in statements)
