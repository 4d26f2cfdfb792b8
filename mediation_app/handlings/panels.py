"""The 治安调解 and 交通事故 panels beside the next steps: what was found on acceptance, and the guardians
of parties under 18, for workflows that ask for them (see police.py)."""

from __future__ import annotations

from datetime import date, datetime

from ..access import policy
from ..agreements.panels import case_record
from ..casefile.models import Case, Handling
from ..panels import CasePanel, shared
from ..workflow.guards import Facts
from . import police, traffic
from .facts import facts_from_record
from .forms import (
    GuardianForm,
    LossEventForm,
    PoliceEligibilityForm,
    TrafficApplicationForm,
    TrafficInsurerForm,
)


def page_facts(_session, handling: Handling, *, now: datetime) -> Facts:
    """The guards' facts for the case page, read once for its steps and its panels (the
    workflow's next steps, the referral buttons) from the records the panels show."""
    return shared(("facts", handling.id), lambda: facts_from_record(
        handling, case_record(handling.case_id), now=now))


def police_panel(case: Case, reader, now: datetime) -> dict | None:
    handling = case.current_handling
    if handling is None or not police.asks_for(handling, police.ELIGIBILITY_GUARDS):
        return None
    can_edit = policy.can_change_case(reader, case)
    minors = police.minors(case, now.date()) if police.asks_for(
        handling, police.GUARDIAN_GUARD) else []
    guardian_form = GuardianForm()
    guardian_form.party.choices = [(party.id, party.name) for party, _age in minors]
    return {
        "finding": police.eligibility_of(handling),
        "minors": minors,
        "guardians": police.guardians_of(handling),
        "can_edit": can_edit,
        "eligibility_form": PoliceEligibilityForm(),
        "guardian_form": guardian_form,
    }


def traffic_panel(case: Case, reader, now: datetime) -> dict | None:
    """The dates of 道路交通事故处理程序规定 第八十六条 and 第九十条 and the insurer of
    第八十九条, with what follows: of the current handling, or, once the case has gone on
    to a 交通事故人民调解委员会, of the traffic police's last handling, read only."""
    handling = _traffic_handling(case)
    if handling is None:
        return None
    current = handling is case.current_handling
    return {
        "traffic": traffic.dates_of(handling),
        "loss_events": [{**event, "occurred_on": date.fromisoformat(event["occurred_on"])}
                        for event in traffic.loss_events_of(handling)],
        "can_edit": current and policy.can_change_case(reader, case),
        "earlier_by": handling.institution if case.handlings[-1] is not handling else None,
        "application_form": TrafficApplicationForm(),
        "loss_event_form": LossEventForm(),
        "insurer": traffic.insurer_of(handling),
        "insurer_recorded": traffic.INSURER_KEY in (handling.facts or {}),
        "insurer_form": _insurer_form(handling),
    }


def _traffic_handling(case: Case) -> Handling | None:
    guards = traffic.APPLICATION_GUARDS + (traffic.LOSS_EVENT_GUARD,)
    return next((handling for handling in reversed(case.handlings)
                 if police.asks_for(handling, guards)), None)


def _insurer_form(handling) -> TrafficInsurerForm:
    found = traffic.insurer_of(handling) or {}
    return TrafficInsurerForm(formdata=None, present="present" if found else "none",
                              name=found.get("name", ""),
                              policy_number=found.get("policy_number", ""))


PANELS = (CasePanel("steps", "handlings/_police_panel.html", police_panel, order=5),
          CasePanel("steps", "handlings/_traffic_panel.html", traffic_panel, order=5))
