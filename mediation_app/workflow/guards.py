"""Named preconditions a definition may require. The caller supplies the facts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Facts:
    """What is known about a handling when a transition is asked for."""

    sessions: int = 0
    agreement_signed: bool = False
    days_since_agreement: int | None = None
    organisation_parties: int = 0
    arrived_by: str | None = None  # the referral kind that opened this handling
    ruling_recorded: bool = False  # a 民事裁定书 with its number and date is on file


GUARDS: dict[str, Callable[[Facts], bool]] = {
    "agreement_signed": lambda f: f.agreement_signed,
    "has_session": lambda f: f.sessions >= 1,
    "within_confirmation_window": (
        lambda f: f.days_since_agreement is not None and f.days_since_agreement <= 30),
    "organisation_party_joined": lambda f: f.organisation_parties >= 1,
    "arrived_by_court_delegation": lambda f: f.arrived_by in ("delegate", "entrust"),
    "ruling_recorded": lambda f: f.ruling_recorded,
}


def failing(names: tuple[str, ...], facts: Facts) -> tuple[str, ...]:
    """The names of the guards that do not hold."""
    return tuple(name for name in names if not GUARDS[name](facts))
