"""What a workflow definition says, as immutable values."""

from __future__ import annotations

from dataclasses import dataclass

TRANSFERRED = "transferred"


@dataclass(frozen=True)
class Deadline:
    days: int
    unit: str = "calendar"  # or "working"


@dataclass(frozen=True)
class State:
    name: str
    label: str
    initial: bool = False
    outcome: str | None = None
    deadline: Deadline | None = None

    @property
    def is_terminal(self) -> bool:
        return self.outcome is not None


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReferralRule:
    """This workflow may send a referral of `kind` from `sources` states."""

    kind: str
    sources: tuple[str, ...]
    roles: tuple[str, ...]
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class Definition:
    name: str
    version: int
    title: str
    channel: str | None
    institution_kinds: tuple[str, ...]
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    sends: tuple[ReferralRule, ...] = ()
    receives: tuple[str, ...] = ()
    counts_as_mediation: bool = True
    max_sessions: int | None = None
    default_for_filing: bool = True

    def state(self, name: str) -> State:
        if name == TRANSFERRED:
            return State(TRANSFERRED, "移交", outcome=TRANSFERRED)
        return self.state_map()[name]

    def state_map(self) -> dict[str, State]:
        return {state.name: state for state in self.states}

    @property
    def initial(self) -> State:
        return next(state for state in self.states if state.initial)

    def transition(self, name: str) -> Transition | None:
        return next((t for t in self.transitions if t.name == name), None)

    def referral_rule(self, kind: str) -> ReferralRule | None:
        return next((rule for rule in self.sends if rule.kind == kind), None)
