"""Starting handlings under a workflow and firing their transitions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..access import policy
from ..agreements.queries import signed_agreement_for_case
from ..audit.services import record_event
from ..auth.models import User
from ..casefile.models import Case, Handling, Referral
from ..directory.models import Institution
from ..workflow import TransitionRefused, fire
from ..workflow.calendar import due_at
from ..workflow.catalog import Source
from ..workflow.definition import TRANSFERRED, State
from ..workflow.guards import Facts
from . import traffic
from .catalog import stored_version
from .facts import facts_for
from .history import deadline_given, deadline_started
from .models import PreventedEscalation
from .periods import period_end
from .prevention import Prevented, problems
from .signals import handling_ended

CONCLUDED = ("success", "failure")


class HandlingError(ValueError):
    """A move the rules refuse. `code`: not_holder, still_held, concurrent, or a
    TransitionRefused code (unknown, wrong_state, wrong_role, unmet with `guards`)."""

    def __init__(self, code: str, guards: tuple[str, ...] = ()):
        super().__init__(code if not guards else f"{code}: {', '.join(guards)}")
        self.code = code
        self.guards = guards


def _deadline(state: State, now: datetime, current: datetime | None) -> datetime | None:
    """A state with a deadline starts a new one; otherwise the current one stands (kept
    after the handling ends, so statistics can tell whether it ended late)."""
    if state.deadline and not state.is_terminal:
        if state.deadline.extends and current is not None:
            return due_at(current, state.deadline)
        return due_at(now, state.deadline)
    return current


def start_handling(session: Session, case: Case, institution: Institution, source: Source, *,
                   actor: User | None, now: datetime, arrived_by: str | None = None) -> Handling:
    """Open the institution's handling of a case in the workflow's initial state."""
    if case.id is not None and case.current_handling is not None:
        raise HandlingError("still_held")
    handling = open_handling(session, case, institution, source, now=now,
                             arrived_by=arrived_by)
    if case.id is None:
        session.flush()
    record_opening(session, case, handling, source, actor=actor, now=now)
    session.flush()     # the handling, its deadline and the events written together
    return handling


def open_handling(session: Session, case: Case, institution: Institution, source: Source, *,
                  now: datetime, arrived_by: str | None = None) -> Handling:
    """The institution's handling of the case in the workflow's initial state, its first
    deadline and the case's mirror of it, added to the session but not written: a case
    being filed is written with it at once (see cases.services.file_case), which then
    records the opening (record_opening)."""
    definition = source.definition
    initial = definition.initial
    handling = Handling(
        institution=institution,
        workflow_version=stored_version(session, source),
        channel=definition.channel,
        is_mediation=definition.counts_as_mediation,
        arrived_by=arrived_by,
        state=initial.name,
        started_at=now,
        deadline_at=_deadline(initial, now, None),
    )
    case.handlings.append(handling)
    deadline_started(session, handling)
    case.mirror(handling)
    case.closed_at = None
    case.updated_at = now
    return handling


def record_opening(session: Session, case: Case, handling: Handling, source: Source, *,
                   actor: User | None, now: datetime) -> None:
    """The audit event of a handling opened (the case written, so its chain has an id)."""
    definition = source.definition
    institution = handling.institution
    record_event(session, case, "handling.opened", actor=actor, now=now,
                 institution=institution.code, workflow=f"{definition.name} v{definition.version}",
                 arrived_by=handling.arrived_by,
                 labels={"institution": institution.name, "workflow": definition.title,
                         "state": definition.initial.label})


def _check_reason(definition, target: State, reason: str | None) -> None:
    """A failure or withdrawal records one of the reasons its workflow declares for it."""
    declared = definition.reasons_for(target.outcome) if target.outcome else ()
    if not declared:
        return
    if not reason:
        raise HandlingError("reason_required")
    if reason not in {r.code for r in declared}:
        raise HandlingError("unknown_reason")


def fire_transition(session: Session, case: Case, name: str, *, actor: User, now: datetime,
                    note: str = "", reason: str | None = None,
                    prevented: Prevented | None = None) -> Handling:
    """Move the current handling along one transition, if the workflow allows it now. An
    end in failure or withdrawal needs a `reason` code the workflow declares; `note` is
    kept with it as free text. A conclusion (success or failure) may record what the
    mediation `prevented`; it is kept, and audited with the step, when any is above zero."""
    handling = case.current_handling
    if handling is None or not policy.can_change_case(actor, case):
        raise HandlingError("not_holder")
    definition = handling.definition
    wanted = definition.transition(name)
    facts = facts_for(session, handling, now=now) if wanted and wanted.requires else Facts()
    try:
        transition = fire(definition, handling.state, name, actor.role, facts)
    except TransitionRefused as refusal:
        raise HandlingError(refusal.code, refusal.guards) from None
    before = handling.state
    target = definition.state(transition.target)
    if target.is_terminal and _referral_waiting(session, handling):
        raise HandlingError("referral_pending")
    _check_reason(definition, target, reason)
    _check_prevented(handling, target, prevented)
    if not (target.outcome and definition.reasons_for(target.outcome)):
        reason = None
    _move(session, handling, target, now=now, reason=reason, note=note if reason else None)
    record_event(session, case, "handling.transition", actor=actor, now=now,
                 transition=name, label=transition.label,
                 changes={"state": [before, target.name]}, note=note or None,
                 labels={"state": [definition.state(before).label, target.label],
                         "institution": handling.institution.name},
                 reason=reason, reason_label=_reason_label(definition, reason),
                 prevented=_record_prevented(session, handling, prevented, actor=actor, now=now))
    if handling.outcome is not None:
        handling_ended.send(session, handling=handling, now=now)
    return handling


def _check_prevented(handling: Handling, target: State, prevented: Prevented | None) -> None:
    """Only the conclusion of a mediation records what it prevented, and only by the rule."""
    if prevented is None or prevented.is_empty:
        return
    if target.outcome not in CONCLUDED or not handling.is_mediation:
        raise HandlingError("prevented_not_concluding")
    if problems(prevented):
        raise HandlingError("prevented_invalid")


def _record_prevented(session: Session, handling: Handling, prevented: Prevented | None, *,
                      actor: User, now: datetime) -> dict | None:
    if prevented is None or prevented.is_empty:
        return None
    session.add(PreventedEscalation(handling_id=handling.id, recorded_by_id=actor.id,
                                    recorded_at=now, **prevented.as_dict()))
    session.flush()
    return prevented.as_dict()


def _referral_waiting(session: Session, handling: Handling) -> bool:
    """A referral sent from this handling still waits for an answer: ending the handling
    now would let a later acceptance reopen a closed case."""
    return session.scalar(select(Referral.id).where(
        Referral.from_handling_id == handling.id, Referral.status == "pending")) is not None


def _reason_label(definition, reason: str | None) -> str | None:
    declared = definition.reason(reason) if reason else None
    return declared.label if declared else None


def _move(session: Session, handling: Handling, target: State, *, now: datetime,
          reason: str | None = None, note: str | None = None) -> None:
    """Conditional update: a concurrent move of the same handling makes this one fail."""
    values = {"state": target.name, "deadline_at": _deadline(target, now, handling.deadline_at)}
    if values["deadline_at"] != handling.deadline_at:
        deadline_given(session, handling, values["deadline_at"], now=now)
    if not target.is_terminal:
        values["deadline_at"] = (period_end(session, handling)
                                 or traffic.deadline_entering(handling, target.name)
                                 or values["deadline_at"])
    if values["deadline_at"] != handling.deadline_at:
        deadline_given(session, handling, values["deadline_at"], now=now)
    if target.outcome:
        values.update(outcome=target.outcome, concluded_at=now,
                      mediator_id=handling.case.assigned_mediator_id)
    if reason:
        values.update(outcome_reason=reason, outcome_note=note or None)
    if target.outcome == "success" and handling.is_mediation:
        values["agreement_amount"] = _agreed_amount(session, handling)
    if handling.accepted_at is None and not target.is_terminal:
        values["accepted_at"] = now
    result = session.execute(
        update(Handling)
        .where(Handling.id == handling.id, Handling.state == handling.state,
               Handling.outcome.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise HandlingError("concurrent")
    for key, value in values.items():
        set_committed_value(handling, key, value)
    case = handling.case
    case.mirror(handling)
    case.updated_at = now
    if target.outcome and target.outcome != TRANSFERRED:
        case.closed_at = now
    session.flush()


def _agreed_amount(session: Session, handling: Handling):
    agreement = signed_agreement_for_case(session, handling.case_id)
    return agreement.amount if agreement is not None else None


def end_as_transferred(session: Session, handling: Handling, *, now: datetime) -> None:
    _move(session, handling, handling.definition.state(TRANSFERRED), now=now)
