"""道路交通事故损害赔偿调解 by the traffic police: the dates 《道路交通事故处理程序规定》
(公安部令第146号) names, kept on the handling (`facts`).

- 第八十六条: the parties apply jointly in writing within ten days of receiving the
  道路交通事故认定书 (or the 事故证明, or the review upholding it); a later application is
  not accepted.
- 第九十条: mediation starts on the day the rules name for the kind of loss: death, the
  day the funeral arrangements end (办理丧葬事宜时间结束之日); injury, the end of treatment
  (治疗终结之日); disability, the day it is assessed (定残之日); property, the day the loss
  is determined (确定损失之日). Where that day is already past when the application is
  accepted, mediation starts on acceptance. The 调解书 or 调解终结书 is due within ten days
  of the start. Where there are several losses (one person's treatment ends, another's
  disability is assessed later), each event is kept, one per person, and the period runs
  from the last of them: only then is the whole loss known.

- 第八十九条: those taking part in the mediation include the staff of the insurance company
  that insures the motor vehicle (承保机动车保险的保险公司人员), where there is one. Whether
  there is, and which company under which 交强险 policy, is kept on the handling; a case
  with no insurer is the ordinary case and needs no record.

Periods count as everywhere else (民事诉讼法 第八十五条, workflow/calendar.py): the start day
is not counted and a period ending on a holiday runs to the next working day. A workflow
asks for these records by naming the guards `accident_certificate_recorded`,
`applied_within_ten_days` and `loss_event_recorded` (workflows/traffic_accident.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from ..access import policy
from ..audit.services import record_event
from ..auth.models import User
from ..casefile.models import Case, Handling
from ..labels import label_zh
from ..workflow.calendar import china_date, end_of_day, last_day
from ..workflow.definition import Deadline
from .history import deadline_given
from .police import asks_for

APPLICATION_PERIOD = Deadline(days=10)  # 第八十六条
MEDIATION_PERIOD = Deadline(days=10)  # 第九十条第三款
# 第九十条第一款: the kind of loss, and the event mediation starts from
LOSS_KINDS = ("death", "injury", "disability", "property")
APPLICATION_GUARDS = ("accident_certificate_recorded", "applied_within_ten_days")
LOSS_EVENT_GUARD = "loss_event_recorded"
APPLICATION_KEY = "traffic_application"
LOSS_EVENT_KEY = "traffic_loss_event"  # the event the period runs from (the last one)
LOSS_EVENTS_KEY = "traffic_loss_events"  # every event recorded, one per person
PERSON_MAX = 50
INSURER_KEY = "traffic_insurer"
# a 交强险 policy number as insurers print it: letters and digits (hyphens and spaces dropped)
POLICY_NUMBER = re.compile(r"[A-Z0-9]{8,30}")
INSURER_NAME_MAX = 100


class TrafficMediationError(ValueError):
    """`code`: not_holder, not_asked (the workflow records no such dates), bad_kind,
    in_the_future, applied_before_certificate, not_accepted (the loss event is recorded
    once the application is accepted), person_too_long, insurer_name_missing,
    insurer_name_too_long, policy_number_missing, policy_number_bad."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# -- the rules (dates only) --------------------------------------------------------------

def last_day_to_apply(certificate_received_on: date) -> date:
    """第八十六条: the last day of the ten days from receiving the 事故认定书."""
    return last_day(certificate_received_on, APPLICATION_PERIOD)


def applied_in_time(certificate_received_on: date, applied_on: date) -> bool:
    return applied_on <= last_day_to_apply(certificate_received_on)


def mediation_starts_on(event_on: date, accepted_on: date | None) -> date:
    """第九十条: from the event the rules name for the loss; from acceptance where that
    event was already past when the application was accepted."""
    return max(event_on, accepted_on) if accepted_on else event_on


def mediation_due_on(event_on: date, accepted_on: date | None) -> date:
    """第九十条第三款: the last day of the ten days for the 调解书 or 调解终结书."""
    return last_day(mediation_starts_on(event_on, accepted_on), MEDIATION_PERIOD)


# -- what the traffic police record --------------------------------------------------------

@dataclass(frozen=True)
class Application:
    """The parties' joint written application and the day the 事故认定书 reached them."""

    certificate_received_on: date
    applied_on: date


@dataclass(frozen=True)
class LossEvent:
    """The kind of loss and the day of the event 第九十条 names for it; `person`, whose loss
    it is, where there is more than one (an event for the same person replaces theirs)."""

    kind: str
    occurred_on: date
    person: str = ""


@dataclass(frozen=True)
class Insurer:
    """Whether an insurer takes part (第八十九条) and, if so, its name and the number of the
    交强险 policy it holds on the vehicle."""

    present: bool
    name: str = ""
    policy_number: str = ""


def insurer_problem(data: Insurer) -> str | None:
    """Why this record of the insurer cannot be kept, or None; no insurer is always fine."""
    if not data.present:
        return None
    name = data.name.strip()
    if not name:
        return "insurer_name_missing"
    if len(name) > INSURER_NAME_MAX:
        return "insurer_name_too_long"
    number = normal_policy_number(data.policy_number)
    if not number:
        return "policy_number_missing"
    return None if POLICY_NUMBER.fullmatch(number) else "policy_number_bad"


def normal_policy_number(text: str) -> str:
    return re.sub(r"[\s-]", "", text or "").upper()


def application_of(handling: Handling) -> dict | None:
    return (handling.facts or {}).get(APPLICATION_KEY)


def loss_event_of(handling: Handling) -> dict | None:
    return (handling.facts or {}).get(LOSS_EVENT_KEY)


def loss_events_of(handling: Handling) -> list[dict]:
    """Every loss event recorded, earliest first (a handling recorded before events were
    kept per person has its one event)."""
    facts = handling.facts or {}
    events = facts.get(LOSS_EVENTS_KEY)
    if events is None:
        single = facts.get(LOSS_EVENT_KEY)
        events = [{**single, "person": ""}] if single else []
    return sorted(events, key=lambda event: event["occurred_on"])


def insurer_of(handling: Handling) -> dict | None:
    """The insurer taking part, as recorded; None where there is none (or none recorded)."""
    found = (handling.facts or {}).get(INSURER_KEY)
    return found if found and found.get("present") else None


def _open_handling(case: Case, actor: User, guards) -> Handling:
    handling = case.current_handling
    if handling is None or not policy.can_change_case(actor, case):
        raise TrafficMediationError("not_holder")
    if not asks_for(handling, guards):
        raise TrafficMediationError("not_asked")
    return handling


def _set(handling: Handling, key: str, value) -> None:
    handling.facts = {**(handling.facts or {}), key: value}


def record_application(session: Session, case: Case, data: Application, *, actor: User,
                       now: datetime) -> Handling:
    """Record when the 事故认定书 was received and when the parties applied; whether the
    application came in time (第八十六条) is kept with it and decides acceptance."""
    handling = _open_handling(case, actor, APPLICATION_GUARDS)
    today = china_date(now)
    if data.certificate_received_on > today or data.applied_on > today:
        raise TrafficMediationError("in_the_future")
    if data.applied_on < data.certificate_received_on:
        raise TrafficMediationError("applied_before_certificate")
    finding = {"certificate_received_on": data.certificate_received_on.isoformat(),
               "applied_on": data.applied_on.isoformat(),
               "last_day": last_day_to_apply(data.certificate_received_on).isoformat(),
               "in_time": applied_in_time(data.certificate_received_on, data.applied_on),
               "recorded_at": now.isoformat(), "recorded_by": actor.id}
    _set(handling, APPLICATION_KEY, finding)
    session.flush()
    record_event(session, case, "traffic.application", actor=actor, now=now,
                 label=label_zh("traffic_finding", "in_time" if finding["in_time"] else "late"),
                 **{key: finding[key] for key in ("certificate_received_on", "applied_on",
                                                  "last_day", "in_time")})
    return handling


def record_loss_event(session: Session, case: Case, data: LossEvent, *, actor: User,
                      now: datetime) -> Handling:
    """Record, once the application is accepted, the kind of loss and the day of its event
    (第九十条), with the day mediation counts from and its last day; mediation already
    under way takes the deadline that follows from it."""
    handling = _open_handling(case, actor, LOSS_EVENT_GUARD)
    if data.kind not in LOSS_KINDS:
        raise TrafficMediationError("bad_kind")
    if data.occurred_on > china_date(now):
        raise TrafficMediationError("in_the_future")
    if handling.accepted_at is None:
        raise TrafficMediationError("not_accepted")
    person = data.person.strip()
    if len(person) > PERSON_MAX:
        raise TrafficMediationError("person_too_long")
    recorded = {"kind": data.kind, "occurred_on": data.occurred_on.isoformat(),
                "person": person, "recorded_at": now.isoformat(), "recorded_by": actor.id}
    events = [e for e in loss_events_of(handling) if e.get("person", "") != person]
    events = sorted([*events, recorded], key=lambda e: e["occurred_on"])
    last = events[-1]
    last_on, accepted = date.fromisoformat(last["occurred_on"]), accepted_on(handling)
    event = {**last, "starts_on": mediation_starts_on(last_on, accepted).isoformat(),
             "due_on": mediation_due_on(last_on, accepted).isoformat()}
    _set(handling, LOSS_EVENTS_KEY, events)
    _set(handling, LOSS_EVENT_KEY, event)
    due = mediation_due(handling)
    if handling.state in _states_with_period(handling) and due != handling.deadline_at:
        handling.deadline_at = due
        deadline_given(session, handling, due, now=now)
    session.flush()
    record_event(session, case, "traffic.loss_event", actor=actor, now=now,
                 label=label_zh("traffic_loss", data.kind), kind=data.kind,
                 occurred_on=recorded["occurred_on"], person=person, events=len(events),
                 **{key: event[key] for key in ("starts_on", "due_on")})
    return handling


def record_insurer(session: Session, case: Case, data: Insurer, *, actor: User,
                   now: datetime) -> Handling:
    """Record whether an insurer takes part in the mediation (第八十九条) and which: its name
    and 交强险 policy number; or that none does, which clears an earlier record."""
    handling = _open_handling(case, actor, APPLICATION_GUARDS)
    problem = insurer_problem(data)
    if problem:
        raise TrafficMediationError(problem)
    record = {"present": data.present,
              "name": data.name.strip() if data.present else "",
              "policy_number": normal_policy_number(data.policy_number) if data.present else "",
              "recorded_at": now.isoformat(), "recorded_by": actor.id}
    before = (handling.facts or {}).get(INSURER_KEY)
    _set(handling, INSURER_KEY, record)
    session.flush()
    record_event(session, case, "traffic.insurer", actor=actor, now=now,
                 label=label_zh("traffic_insurer", "present" if data.present else "none"),
                 present=data.present, name=record["name"],
                 policy_number=record["policy_number"],
                 before={key: before[key] for key in ("present", "name", "policy_number")}
                 if before else None)
    return handling


def accepted_on(handling: Handling) -> date | None:
    return china_date(handling.accepted_at) if handling.accepted_at else None


def _states_with_period(handling: Handling) -> set[str]:
    """The states whose deadline is the ten days of 第九十条 (those past the loss event)."""
    return {t.target for t in handling.definition.transitions if LOSS_EVENT_GUARD in t.requires}


def deadline_entering(handling: Handling, state: str) -> datetime | None:
    """The deadline a handling takes on entering `state`: the end of the 第九十条 period
    for the states past the loss event, None (the workflow's own) for the others."""
    return mediation_due(handling) if state in _states_with_period(handling) else None


def mediation_due(handling: Handling) -> datetime | None:
    """The end of the last day of the mediation period, once the loss event is recorded."""
    event = loss_event_of(handling)
    return end_of_day(date.fromisoformat(event["due_on"])) if event else None


def dates_of(handling: Handling) -> dict:
    """What is recorded, as dates: for the case page (documents read the same facts)."""
    found = {**(application_of(handling) or {}), **(loss_event_of(handling) or {})}
    return {key: date.fromisoformat(value) if key.endswith(("_on", "last_day")) else value
            for key, value in found.items() if not key.startswith("recorded_")}
