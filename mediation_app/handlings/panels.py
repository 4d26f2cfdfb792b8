"""The 治安调解 and 交通事故 panels beside the next steps: what was found on acceptance, and the guardians
of parties under 18, for workflows that ask for them (see police.py)."""

from __future__ import annotations

from datetime import datetime

from ..access import policy
from ..agreements.panels import case_record
from ..casefile.models import Case, Handling
from ..panels import CasePanel, shared
from ..workflow.guards import Facts
from . import police, traffic
from .facts import facts_from_record
from .forms import GuardianForm, LossEventForm, PoliceEligibilityForm, TrafficApplicationForm


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
    """The dates of 道路交通事故处理程序规定 第八十六条 and 第九十条, with what follows."""
    handling = case.current_handling
    if handling is None or not police.asks_for(handling, traffic.APPLICATION_GUARDS
                                               + (traffic.LOSS_EVENT_GUARD,)):
        return None
    return {
        "traffic": traffic.dates_of(handling),
        "can_edit": policy.can_change_case(reader, case),
        "application_form": TrafficApplicationForm(),
        "loss_event_form": LossEventForm(),
    }


PANELS = (CasePanel("steps", "handlings/_police_panel.html", police_panel, order=5),
          CasePanel("steps", "handlings/_traffic_panel.html", traffic_panel, order=5))
