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

from flask import Flask, current_app, render_template
from markupsafe import Markup

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
class CasePanel:
    slot: str
    template: str
    context: Callable[[Case, object, datetime], dict | None]
    order: int = 100

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
