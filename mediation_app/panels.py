"""The case page is composed of panels that feature packages register, so the case pages
know nothing of agreements, referrals or supervision.

A panel names a slot of the page ("steps": beside the workflow's next steps; "alerts":
above the case's details; "records": below the handlings), a template, and a function
giving that template's context for a case and a reader, or None when the panel has
nothing to show."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app, render_template
from markupsafe import Markup
from sqlalchemy import literal_column, select, union_all
from sqlalchemy.orm import Session

from .casefile.models import Case

SLOTS = ("steps", "alerts", "records")

_shared: ContextVar[dict | None] = ContextVar("case_page_shared", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    """While the case page renders, what it and its panels read more than once (the case's
    agreements, the guards' facts, its referrals) is read once: see `shared`."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def shared(key: Hashable, load: Callable[[], object]):
    """`load()`, once per page being rendered under `shared_reads`; outside it, each time."""
    memo = _shared.get()
    if memo is None:
        return load()
    if key not in memo:
        memo[key] = load()
    return memo[key]


@dataclass(frozen=True)
class Rows:
    """One list a page reads: the rows of `entity` meeting `where`, in `order_by`."""

    entity: Any
    where: Any
    order_by: tuple = ()


def first_row(**found: list):
    """A `Read.build` for one list of at most one row: the row, or None."""
    (rows,) = found.values()
    return rows[0] if rows else None


@dataclass(frozen=True)
class Read:
    """What `shared(key, load)` would load, declared instead as lists of rows and the value
    `build` makes of them (by default the one list itself), so that the page reads the
    lists of all its panels in one statement: see `read_ahead`."""

    lists: dict[str, Rows]
    build: Callable[..., object] | None = None

    def value(self, found: dict[str, list]):
        if self.build is None:
            (rows,) = found.values()
            return rows
        return self.build(**found)


def read_together(session: Session, lists: dict[str, Rows]) -> dict[str, list]:
    """Several lists in one statement. Each list gets a number; a row per number is outer
    joined to the list's table on that number and the list's condition, so the statement
    yields as many rows as the lists hold together (not their product), each row filling
    one list's columns. Each entity may appear in one list only."""
    names = list(lists)
    if not names:
        return {}
    if len({lists[name].entity for name in names}) < len(names):
        raise ValueError("read_together reads each entity in one list only")
    numbers = union_all(*(select(literal_column(str(n)).label("n"))
                          for n in range(len(names)))).subquery("lists")
    query = select(numbers.c.n, *(lists[name].entity for name in names)).select_from(numbers)
    for n, name in enumerate(names):
        query = query.outerjoin(lists[name].entity,
                                (numbers.c.n == literal_column(str(n))) & lists[name].where)
    query = query.order_by(numbers.c.n, *(column for name in names
                                          for column in lists[name].order_by))
    found: dict[str, list] = {name: [] for name in names}
    for row in session.execute(query):
        item = row[1 + row.n]
        if item is not None:
            found[names[row.n]].append(item)
    return found


def read_ahead(session: Session, reads: dict[Hashable, Read]) -> None:
    """Under `shared_reads`, read every declared value in one statement and keep it for
    `shared`, which then reads nothing for those keys."""
    memo = _shared.get()
    if memo is None:
        return
    pending = {key: read for key, read in reads.items() if key not in memo}
    lists = {f"{n}.{name}": rows for n, read in enumerate(pending.values())
             for name, rows in read.lists.items()}
    found = read_together(session, lists)
    for n, (key, read) in enumerate(pending.items()):
        memo[key] = read.value({name: found[f"{n}.{name}"] for name in read.lists})


def panel_reads(case: Case, reader) -> dict[Hashable, Read]:
    """What the registered panels declare they read of this case for this reader."""
    reads: dict[Hashable, Read] = {}
    for panel in current_app.extensions.get("case_panels", []):
        if panel.reads is not None:
            reads.update(panel.reads(case, reader))
    return reads


@dataclass(frozen=True)
class CasePanel:
    slot: str
    template: str
    context: Callable[[Case, object, datetime], dict | None]
    order: int = 100
    # what the panel (or its template's helpers) read through `shared`, declared so the
    # page reads it with the other panels' lists in one statement
    reads: Callable[[Case, object], dict[Hashable, Read]] | None = None

    def __post_init__(self):
        if self.slot not in SLOTS:
            raise ValueError(f"unknown case page slot {self.slot!r}; use one of {SLOTS}")


def register_case_panel(app: Flask, panel: CasePanel) -> None:
    panels = app.extensions.setdefault("case_panels", [])
    if panel not in panels:
        panels.append(panel)


def render_case_panels(case: Case, reader, now: datetime) -> dict[str, list[Markup]]:
    """Each slot's panels rendered for this reader, in their order; empty ones left out."""
    rendered: dict[str, list[Markup]] = defaultdict(list)
    for panel in sorted(current_app.extensions.get("case_panels", []), key=lambda p: p.order):
        context = panel.context(case, reader, now)
        if context is None:
            continue
        html = render_template(panel.template, case=case, **context)
        if html.strip():
            rendered[panel.slot].append(Markup(html))
    return rendered


def register_with(blueprint, panels) -> None:
    """Register a feature's panels on every app its blueprint is registered on."""
    blueprint.record_once(lambda state: [register_case_panel(state.app, p) for p in panels])
