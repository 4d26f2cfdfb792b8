"""Many rows into one table at once, inside the session's transaction: COPY … FROM STDIN on
PostgreSQL (psycopg 3), Core executemany elsewhere. Both store what a Core insert stores:
columns missing from the rows get their Python defaults, JSON columns the dialect's JSON
text, typed columns their bound form. A constraint COPY breaks raises SQLAlchemy's
IntegrityError, as the insert would, and leaves the transaction to be rolled back."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from itertools import chain
from operator import itemgetter

from sqlalchemy import JSON, Table, insert, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator


def copies(session: Session) -> bool:
    """Whether bulk writes on this session go through COPY."""
    return session.get_bind().dialect.name == "postgresql"


def write_rows(session: Session, table: Table, rows: Iterable[dict]) -> None:
    """Insert `rows` (dicts with the same keys) into `table`. COPY sends each row as it
    comes: rows from a generator are built while the database writes the ones before (the
    generator must not use the session meanwhile)."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    if not copies(session):
        session.execute(insert(table), [first, *rows])
        return
    session.flush()
    connection = session.connection()
    columns, as_written = _row_plan(table, first.keys(), connection.dialect)
    names = ", ".join(f'"{column.name}"' for column in columns)
    statement = f'COPY "{table.name}" ({names}) FROM STDIN'
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            for row in chain((first,), rows):
                copy.write_row(as_written(row))
    except Exception as error:
        raise _wrapped(error, statement) from error
    finally:
        cursor.close()


def reserve_ids(session: Session, table: Table, count: int) -> list[int]:
    """`count` new ids from the sequence behind `table.id` (PostgreSQL), ascending."""
    if count == 0:
        return []
    found = session.scalars(
        text("SELECT nextval(:sequence) FROM generate_series(1, :count)"),
        {"sequence": _id_sequence(session, table), "count": count}).all()
    return sorted(found)


def _id_sequence(session: Session, table: Table) -> str:
    """The sequence behind `table.id`, asked of the database once per session."""
    known = session.info.setdefault("ledger_id_sequences", {})
    if table.name not in known:
        known[table.name] = session.scalar(text("SELECT pg_get_serial_sequence(:table, 'id')"),
                                           {"table": table.name})
    return known[table.name]


def _row_plan(table: Table, given, dialect) -> tuple[list, Callable[[dict], tuple]]:
    """The columns COPY writes and how a row becomes their values: the given values that
    need no conversion read at once, then the converted ones and the defaults."""
    plain, converted = [], []
    for column in table.columns:
        if column.key in given and not isinstance(column.type, JSON | TypeDecorator):
            plain.append(column)
        elif column.key in given or _has_default(column):
            converted.append(column)
    to_json = _json_text(dialect._json_serializer or json.dumps)
    convert = [_converter(column, given, dialect, to_json) for column in converted]
    read = _reader([column.key for column in plain])

    def as_written(row: dict) -> tuple:
        return (*read(row), *[value(row) for value in convert])

    return plain + converted, as_written


def _json_text(to_json: Callable[[object], str]) -> Callable[[object], str]:
    """`to_json`, but an empty list or dict (a column's default, on every row) is written
    from its text serialized once."""
    empty = {list: to_json([]), dict: to_json({})}

    def text(value) -> str:
        if not value and type(value) in empty:
            return empty[type(value)]
        return to_json(value)

    return text


def _reader(keys: list[str]) -> Callable[[dict], tuple]:
    """The values of `keys` in a row, as a tuple (itemgetter of one key gives the value)."""
    if len(keys) > 1:
        return itemgetter(*keys)
    return lambda row: tuple(row[key] for key in keys)


class _RowContext:
    """What a context-sensitive Python default reads of the row being inserted."""

    def __init__(self, row: dict):
        self.row = row

    def get_current_parameters(self, isolate_multiinsert_groups: bool = True) -> dict:
        return self.row


def _converter(column, given, dialect, to_json) -> Callable[[dict], object]:
    """How one column's value is read from a row and written: given or defaulted, then
    as JSON text or as its type binds it."""
    key = column.key
    if key in given:
        def read(row):
            return row[key]
    else:
        def read(row):
            return _default(column, row)
    if isinstance(column.type, JSON):  # None is JSON null unless the type says SQL NULL
        none_as_null = column.type.none_as_null

        def write(row):
            value = read(row)
            return None if value is None and none_as_null else to_json(value)
        return write
    if isinstance(column.type, TypeDecorator):
        bind = column.type.process_bind_param
        return lambda row: bind(read(row), dialect)
    return read


def _has_default(column) -> bool:
    default = column.default
    return default is not None and not default.is_sequence and not default.is_clause_element


def _default(column, row: dict):
    default = column.default
    if not _has_default(column):
        return None
    if default.is_callable:
        return default.arg(_RowContext(row))
    return default.arg


def _wrapped(error: Exception, statement: str) -> Exception:
    """psycopg's own errors as SQLAlchemy raises them for a statement."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - COPY runs on psycopg only
        return error
    if isinstance(error, psycopg.IntegrityError):
        return sa_exc.IntegrityError(statement, None, error)
    if isinstance(error, psycopg.Error):
        return sa_exc.DBAPIError.instance(statement, None, error, psycopg.Error)
    return error
