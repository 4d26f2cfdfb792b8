"""Which transitions a role may fire now, and firing one."""

from __future__ import annotations

from dataclasses import dataclass

from .definition import Definition, Transition
from .guards import Facts, failing


class TransitionRefused(Exception):
    """`code` is unknown, wrong_state, wrong_role or unmet (then `guards` names them)."""

    def __init__(self, code: str, guards: tuple[str, ...] = ()):
        super().__init__(code if not guards else f"{code}: {', '.join(guards)}")
        self.code = code
        self.guards = guards


@dataclass(frozen=True)
class Option:
    """A transition the role may fire from this state; `blocked_by` lists unmet guards."""

    transition: Transition
    blocked_by: tuple[str, ...]

    @property
    def allowed(self) -> bool:
        return not self.blocked_by


def available(definition: Definition, state: str, role: str, facts: Facts) -> list[Option]:
    return [
        Option(t, failing(t.requires, facts))
        for t in definition.transitions
        if state in t.sources and role in t.roles
    ]


def fire(definition: Definition, state: str, name: str, role: str, facts: Facts) -> Transition:
    transition = definition.transition(name)
    if transition is None:
        raise TransitionRefused("unknown")
    if state not in transition.sources:
        raise TransitionRefused("wrong_state")
    if role not in transition.roles:
        raise TransitionRefused("wrong_role")
    unmet = failing(transition.requires, facts)
    if unmet:
        raise TransitionRefused("unmet", unmet)
    return transition
