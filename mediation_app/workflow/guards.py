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
    # 治安调解: the eligibility found at acceptance (None: not yet recorded), and the parties
    # under 18 for whom no parent or other guardian is recorded
    police_eligible: bool | None = None
    minors_without_guardian: int = 0
    # 交通事故损害赔偿调解: whether the joint application came within ten days of the
    # 事故认定书 (None: dates not yet recorded), and whether the loss event is recorded
    traffic_applied_in_time: bool | None = None
    traffic_loss_event_recorded: bool = False


GUARDS: dict[str, Callable[[Facts], bool]] = {
    "agreement_signed": lambda f: f.agreement_signed,
    "has_session": lambda f: f.sessions >= 1,
    "within_confirmation_window": (
        lambda f: f.days_since_agreement is not None and f.days_since_agreement <= 30),
    "organisation_party_joined": lambda f: f.organisation_parties >= 1,
    "arrived_by_court_delegation": lambda f: f.arrived_by in ("delegate", "entrust"),
    "ruling_recorded": lambda f: f.ruling_recorded,
    # 公安机关办理行政案件程序规定 第一百七十八条、第一百七十九条 (治安调解)
    "eligibility_recorded": lambda f: f.police_eligible is not None,
    "eligible_for_police_mediation": lambda f: f.police_eligible is True,
    # 公安机关办理行政案件程序规定 第一百八十一条: a minor's parent or guardian is present
    "minors_accompanied": lambda f: f.minors_without_guardian == 0,
    # 道路交通事故处理程序规定 第八十六条: applied within ten days of the 事故认定书
    "accident_certificate_recorded": lambda f: f.traffic_applied_in_time is not None,
    "applied_within_ten_days": lambda f: f.traffic_applied_in_time is True,
    # 道路交通事故处理程序规定 第九十条: mediation counts from the event named for the loss
    "loss_event_recorded": lambda f: f.traffic_loss_event_recorded,
}


def failing(names: tuple[str, ...], facts: Facts) -> tuple[str, ...]:
    """The names of the guards that do not hold."""
    return tuple(name for name in names if not GUARDS[name](facts))
