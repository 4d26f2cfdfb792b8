"""A dispatcher gives a warning case to an institution. When the centre holds the case it
routes it (分流) with a dispatch referral; when another institution holds it, the centre
assigns the work to that holder (交办) with a supervision order. Referral rules are the
referral package's: this only chooses which of its functions to call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ..access import policy
from ..auth.models import User
from ..casefile import jurisdiction
from ..casefile.models import Case
from ..directory.models import Institution
from ..referrals.services import receivers, send_referral, sending_handling
from ..warnings.models import EarlyWarning
from ..warnings.services import mark_assigned
from ..workflow.catalog import Catalog
from .services import SupervisionError, issue_order


@dataclass(frozen=True)
class Targets:
    mode: str  # "dispatch" (分流) or "assign" (交办); "" when nothing can be done
    institutions: list[Institution]


def targets_for(session: Session, catalog: Catalog, case: Case, actor: User) -> Targets:
    if not policy.can_supervise(actor, case) or case.is_closed:
        return Targets("", [])
    if sending_handling(case, actor) is not None:
        region = actor.institution.region
        candidates = [institution for institution in
                      receivers(session, catalog, case, "dispatch", actor.institution)
                      if region.contains(institution.region)]
        expected, others = jurisdiction.split(session, case, "dispatch", actor.institution,
                                              candidates)
        return Targets("dispatch", expected + others)
    return Targets("assign", [case.holder_institution])


def assign_warning(session: Session, catalog: Catalog, warning: EarlyWarning, *,
                   institution: Institution, instruction: str, due_at: datetime,
                   off_list_reason: str | None, actor: User, now: datetime,
                   accept_working_days: int) -> None:
    case = warning.case
    targets = targets_for(session, catalog, case, actor)
    if institution not in targets.institutions:
        raise SupervisionError("bad_target")
    if targets.mode == "dispatch":
        referral = send_referral(session, catalog, case, kind="dispatch",
                                 to_institution=institution, reason=instruction, actor=actor,
                                 now=now, accept_working_days=accept_working_days,
                                 off_list_reason=off_list_reason)
        mark_assigned(session, warning, assignment="dispatch", institution=institution,
                      actor=actor, now=now, referral_id=referral.id)
        return
    order = issue_order(session, case, instruction=instruction, due_at=due_at,
                        is_listed=warning.flag == "major_group", actor=actor, now=now,
                        institution=institution, source="warning")
    mark_assigned(session, warning, assignment="assign", institution=institution, actor=actor,
                  now=now, supervision_order_id=order.id)
