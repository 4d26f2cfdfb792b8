"""The deadline sweep, run every few minutes by the scheduler. Every step is idempotent:
running it twice escalates, expires and reminds exactly once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..agreements.models import Agreement, Performance
from ..audit.services import record_event
from ..cases.models import Case, Handling
from ..db import insert_if_absent
from ..notifications.services import dispatchers_above, governance_centre_above, notify, staff_of
from ..referrals.services import expire_overdue
from .models import Escalation


@dataclass
class SweepResult:
    escalated: int = 0
    expired_referrals: int = 0
    reminders: int = 0
    overdue_performances: int = 0


def sweep(session: Session, *, now: datetime, config) -> SweepResult:
    result = SweepResult()
    result.escalated = escalate_overdue(session, now=now)
    result.expired_referrals = _expire_referrals(session, now=now)
    result.reminders = remind(session, now=now, within=timedelta(
        hours=config.get("REMINDER_HOURS", 24)))
    result.overdue_performances = flag_overdue_performance(session, now=now)
    session.flush()
    return result


def escalate_overdue(session: Session, *, now: datetime) -> int:
    overdue = session.scalars(
        select(Handling).where(Handling.outcome.is_(None), Handling.deadline_at < now)
        .where(~select(Escalation.id).where(Escalation.handling_id == Handling.id,
                                            Escalation.deadline_at == Handling.deadline_at)
               .exists()))
    count = 0
    for handling in overdue:
        case = handling.case
        centre = governance_centre_above(session, case.region, exclude_id=handling.institution_id)
        if not insert_if_absent(session, Escalation, case_id=case.id, handling_id=handling.id,
                                deadline_at=handling.deadline_at, escalated_at=now,
                                to_institution_id=centre.id if centre else None):
            continue
        record_event(session, case, "handling.escalated", actor=None, now=now,
                     institution=handling.institution.code, deadline=handling.deadline_at,
                     to=centre.code if centre else None)
        key = f"overdue:{handling.id}:{handling.deadline_at.isoformat()}"
        recipients = staff_of(session, handling.institution_id)
        if centre is not None:
            recipients += staff_of(session, centre.id, roles=("dispatcher",))
        notify(session, recipients, kind="deadline.overdue", key=key, now=now, case_id=case.id,
               case_no=case.case_no, detail=handling.institution.name)
        count += 1
    return count


def _expire_referrals(session: Session, *, now: datetime) -> int:
    expired = expire_overdue(session, now=now)
    for referral in expired:
        recipients = staff_of(session, referral.from_institution_id) + dispatchers_above(
            session, referral.case.region)
        notify(session, recipients, kind="referral.expired", key=f"expired:{referral.id}",
               now=now, case_id=referral.case_id, case_no=referral.case.case_no,
               detail=referral.to_institution.name)
    return len(expired)


def remind(session: Session, *, now: datetime, within: timedelta) -> int:
    """Tell the people holding a case that its deadline is near, once per deadline."""
    soon = session.scalars(select(Handling).where(
        Handling.outcome.is_(None), Handling.deadline_at >= now,
        Handling.deadline_at < now + within))
    count = 0
    for handling in soon:
        case = handling.case
        people = [case.assigned_mediator] if case.assigned_mediator else staff_of(
            session, handling.institution_id)
        count += notify(session, people, kind="deadline.reminder",
                        key=f"reminder:{handling.id}:{handling.deadline_at.isoformat()}",
                        now=now, case_id=case.id, case_no=case.case_no,
                        detail=handling.deadline_at.isoformat(timespec="minutes"))
    return count


def flag_overdue_performance(session: Session, *, now: datetime) -> int:
    """An obligation of a signed agreement past its due date and not performed."""
    rows = session.execute(
        select(Performance, Agreement, Case)
        .join(Agreement, Agreement.id == Performance.agreement_id)
        .join(Case, Case.id == Agreement.case_id)
        .where(Performance.status == "pending", Performance.due_on < now.date(),
               Agreement.status == "signed"))
    count = 0
    for item, agreement, case in rows:
        handling = session.get(Handling, agreement.handling_id)
        count += notify(session, staff_of(session, handling.institution_id),
                        kind="performance.overdue", key=f"performance:{item.id}", now=now,
                        case_id=case.id, case_no=case.case_no, detail=item.description)
    return count
