"""治安调解: what the police record before they mediate, kept on the handling (`facts`).

- 公安机关办理行政案件程序规定 第一百七十八条: only violations caused by a dispute between
  people (民间纠纷引起) and minor in their circumstances (情节较轻), arising between
  relatives, neighbours, colleagues or schoolmates over trifles, provoked by the injured
  party's own fault, or otherwise better settled by mediation.
- 第一百七十九条: never where someone was hired to hurt another, in a gang fight or other
  寻衅滋事, after repeated violations, where a party clearly refuses mediation, where a party
  commits a new violation against the other during mediation, where the offender flees, or
  where mediation is otherwise unsuitable.
- 第一百八十一条: where a party is a minor, the parents or other guardian are told to attend;
  a minor of 16 or 17 living on their own earnings may agree that they are not told.

A workflow asks for these records by naming the guards `eligibility_recorded`,
`eligible_for_police_mediation` and `minors_accompanied` (workflows/police_mediation.yaml)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from ..access import policy
from ..audit.services import record_event
from ..auth.models import User
from ..casefile.models import Case, Handling, Party
from ..domain.idcard import age_on
from ..labels import label_zh

ELIGIBILITY_GUARDS = ("eligibility_recorded", "eligible_for_police_mediation")
GUARDIAN_GUARD = "minors_accompanied"
CIRCUMSTANCES = ("trifles_between_acquaintances", "injured_party_at_fault",
                 "better_settled_by_mediation")
EXCLUSIONS = ("hired_to_hurt", "gang_fight_or_provocation", "repeated_violations",
              "party_refuses", "new_violation_during_mediation", "offender_fled",
              "otherwise_unsuitable")
ADULT_AGE = 18
SELF_SUPPORTING_AGE = 16


class PoliceMediationError(ValueError):
    """`code`: not_holder, not_asked (the workflow records no such thing), ended,
    bad_circumstance, bad_exclusion, not_a_party, not_a_minor, guardian_required,
    waiver_too_young."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass
class Eligibility:
    """What the officer found at acceptance (第一百七十八条、第一百七十九条)."""

    civil_dispute: bool
    minor_circumstances: bool
    circumstance: str | None
    exclusions: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def eligible(self) -> bool:
        return (self.civil_dispute and self.minor_circumstances
                and self.circumstance is not None and not self.exclusions)


def asks_for(handling: Handling, guards: tuple[str, ...] | str) -> bool:
    """Does the handling's workflow require any of these guards on some step?"""
    names = (guards,) if isinstance(guards, str) else guards
    return any(name in transition.requires for transition in handling.definition.transitions
               for name in names)


def _open_handling(case: Case, actor: User, guards) -> Handling:
    handling = case.current_handling
    if handling is None or not policy.can_change_case(actor, case):
        raise PoliceMediationError("not_holder")
    if not asks_for(handling, guards):
        raise PoliceMediationError("not_asked")
    return handling


def _set(handling: Handling, key: str, value) -> None:
    """Replace the JSON column (a new dict, so the change is saved)."""
    handling.facts = {**(handling.facts or {}), key: value}


def eligibility_of(handling: Handling) -> dict | None:
    return (handling.facts or {}).get("police_eligibility")


def record_eligibility(session: Session, case: Case, data: Eligibility, *, actor: User,
                       now: datetime) -> Handling:
    """Record (or record again, if an exclusion arises later) whether the case may be
    mediated by the police; an audit event keeps each finding."""
    handling = _open_handling(case, actor, ELIGIBILITY_GUARDS)
    if data.circumstance is not None and data.circumstance not in CIRCUMSTANCES:
        raise PoliceMediationError("bad_circumstance")
    if any(code not in EXCLUSIONS for code in data.exclusions):
        raise PoliceMediationError("bad_exclusion")
    finding = {**asdict(data), "eligible": data.eligible, "recorded_at": now.isoformat(),
               "recorded_by": actor.id}
    _set(handling, "police_eligibility", finding)
    session.flush()
    record_event(session, case, "police.eligibility", actor=actor, now=now,
                 label=label_zh("police_finding", "eligible" if data.eligible else "not_eligible"),
                 eligible=data.eligible, civil_dispute=data.civil_dispute,
                 minor_circumstances=data.minor_circumstances, circumstance=data.circumstance,
                 exclusions=list(data.exclusions), note=data.note or None)
    return handling


def minors(case: Case, on: date) -> list[tuple[Party, int]]:
    """The parties (persons) under 18 on `on`, by the birth date in their ID number."""
    found = []
    for party in case.parties:
        age = age_on(party.id_number, on) if party.kind == "person" else None
        if age is not None and age < ADULT_AGE:
            found.append((party, age))
    return found


def guardians_of(handling: Handling) -> dict[str, dict]:
    return (handling.facts or {}).get("guardians", {})


def minors_without_guardian(handling: Handling, case: Case, on: date) -> list[Party]:
    recorded = guardians_of(handling)
    return [party for party, _age in minors(case, on) if str(party.id) not in recorded]


def record_guardian(session: Session, case: Case, party: Party, *, name: str, relation: str,
                    waived: bool, actor: User, now: datetime) -> Handling:
    """The parent or other guardian told to attend for a party under 18; or, for a party of
    16 or 17 living on their own earnings, that the party agreed they are not told."""
    handling = _open_handling(case, actor, GUARDIAN_GUARD)
    if party.case_id != case.id:
        raise PoliceMediationError("not_a_party")
    ages = {minor.id: age for minor, age in minors(case, now.date())}
    if party.id not in ages:
        raise PoliceMediationError("not_a_minor")
    if waived and ages[party.id] < SELF_SUPPORTING_AGE:
        raise PoliceMediationError("waiver_too_young")
    if not waived and not name.strip():
        raise PoliceMediationError("guardian_required")
    entry = {"name": "" if waived else name.strip(), "relation": "" if waived else relation.strip(),
             "waived": waived, "recorded_at": now.isoformat(), "recorded_by": actor.id}
    _set(handling, "guardians", {**guardians_of(handling), str(party.id): entry})
    session.flush()
    shown = (label_zh("police_guardian", "waived") if waived
             else "，".join(part for part in (entry["name"], entry["relation"]) if part))
    record_event(session, case, "police.guardian", actor=actor, now=now, label=party.name,
                 note=shown, guardian=entry["name"] or None, relation=entry["relation"] or None,
                 waived=waived)
    return handling
