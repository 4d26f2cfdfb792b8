"""What a workflow definition says, as immutable values."""

from __future__ import annotations

from dataclasses import dataclass

TRANSFERRED = "transferred"
# documents a referral can carry, each issued by a function registered under its kind
# (referrals/enclosures.py): the parties' joint application for 司法确认
ENCLOSABLE_DOCUMENTS = ("confirmation_application",)


@dataclass(frozen=True)
class Deadline:
    days: int
    unit: str = "calendar"  # or "working"
    extends: bool = False  # added to the deadline running, not counted from the move


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
    """This workflow may send a referral of `kind` from `sources` states; the documents
    named in `encloses` (kinds this workflow issues) are issued and attached to the
    referral as it is sent."""

    kind: str
    sources: tuple[str, ...]
    roles: tuple[str, ...]
    requires: tuple[str, ...] = ()
    encloses: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentSpec:
    """A document a workflow issues: which template prints it, under what title and seal,
    who signs it, the law it cites, and the states it may be issued in."""

    kind: str
    template: str
    title: str
    seal: str
    signers: tuple[str, ...]
    cites: str
    at: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()  # channel details the document prints (AgreementDetail)


@dataclass(frozen=True)
class OutcomeReason:
    """A typed reason a handling may end with one of `outcomes` (failure, withdrawn)."""

    code: str
    label: str
    outcomes: tuple[str, ...]


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
    documents: tuple[DocumentSpec, ...] = ()
    reasons: tuple[OutcomeReason, ...] = ()
    party_labels: tuple[tuple[str, str], ...] = ()  # (party role, what this channel calls it)

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

    def document(self, kind: str) -> DocumentSpec | None:
        return next((spec for spec in self.documents if spec.kind == kind), None)

    def reasons_for(self, outcome: str) -> tuple[OutcomeReason, ...]:
        return tuple(reason for reason in self.reasons if outcome in reason.outcomes)

    def reason(self, code: str) -> OutcomeReason | None:
        return next((reason for reason in self.reasons if reason.code == code), None)
