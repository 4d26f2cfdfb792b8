"""Database helpers shared by every package."""

from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, event, literal_column
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from .extensions import db


def utcnow() -> datetime:
    """Naive UTC: the database stores UTC and the locale layer converts for display."""
    return datetime.now(UTC).replace(tzinfo=None)


def one_of(column: str, allowed: list[str], name: str) -> CheckConstraint:
    quoted = ", ".join(f"'{value}'" for value in allowed)
    return CheckConstraint(f"{column} IN ({quoted})", name=name)


_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def dialect_insert(session: Session, model):
    """An INSERT with the session's dialect's ON CONFLICT clauses (PostgreSQL, SQLite)."""
    return _INSERTS[session.get_bind().dialect.name](model)


def insert_if_absent(session: Session, model, **values) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING: safe when concurrent transactions race to create.
    True when this call inserted the row."""
    statement = dialect_insert(session, model).values(**values).on_conflict_do_nothing()
    # rowcount is -1 for this statement on PostgreSQL: ask for the inserted row instead
    return session.execute(statement.returning(literal_column("1"))).first() is not None


def configure_engine(engine: Engine) -> None:
    """Errors without row values; SQLite: foreign keys, WAL, and write-locking transactions
    so concurrent writers queue on the busy timeout instead of failing on lock upgrade."""
    event.listen(engine, "handle_error", _without_row_values)
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _without_row_values(context) -> None:
    """PostgreSQL explains a failed statement with the row's values ("DETAIL: Failing row
    contains (..., <ID number>, <phone>, ...)", "Key (...)=(...) already exists"): keep the
    first line only, so the error can be logged (parameters are hidden by hide_parameters).
    The full diagnostics stay on the error's `diag` for code that needs the constraint."""
    for error in (context.original_exception, context.sqlalchemy_exception):
        if error is not None and error.args and "\n" in str(error.args[0]):
            error.args = (str(error.args[0]).split("\n", 1)[0], *error.args[1:])


__all__ = ["db", "utcnow", "one_of", "configure_engine", "dialect_insert", "insert_if_absent"]
