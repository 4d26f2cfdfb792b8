"""The deadline sweep, run every few minutes by the scheduler. Every step is idempotent:
running it twice escalates, expires and reminds exactly once.

Overdue work is supervised (督办): a handling past its deadline, and a referral nobody
answered within its acceptance period, each get one supervision order from the governance
centre above, which the institution must answer. An unanswered referral expires only when
that order's grace period has passed too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..access import roles
from ..agreements.models import Agreement, Performance
from ..audit.services import record_event
from ..casefile.models import Case, Handling, Referral
from ..db import insert_if_absent
from ..notifications.dispatch import tell
from ..notifications.services import dispatchers_above, governance_centre_above, staff_of
from ..referrals.services import expire_overdue
from ..supervision.models import SupervisionOrder
from ..supervision.services import issue_automatic, mark_overdue, remind_due_soon
from ..workflow.calendar import CHINA, add_working_days
from .models import Escalation

OVERDUE_INSTRUCTION = ("该案件已超过办理期限（{deadline}），请于{due}前书面说明超期原因、"
                       "目前进展和办结时限。")
REFERRAL_INSTRUCTION = ("{sender}移交的{case_no}已超过签收期限（{accept_by}）仍未答复，"
                        "请于{due}前签收或说明理由退回。")


@dataclass
class SweepResult:
    escalated: int = 0
    escalated_referrals: int = 0
    expired_referrals: int = 0
    overdue_orders: int = 0
    reminders: int = 0
    order_reminders: int = 0
    overdue_performances: int = 0


def sweep(session: Session, *, now: datetime, config) -> SweepResult:
    reply_days = config.get("SUPERVISION_REPLY_WORKING_DAYS", 5)
    grace = timedelta(hours=config.get("REFERRAL_ESCALATION_GRACE_HOURS", 48))
    result = SweepResult()
    result.escalated = escalate_overdue(session, now=now, reply_working_days=reply_days)
    result.escalated_referrals = escalate_unanswered_referrals(session, now=now, grace=grace)
    close_orders_of_answered_referrals(session, now=now)
    result.expired_referrals = _expire_referrals(session, now=now, grace=grace)
    result.overdue_orders = mark_overdue(session, now=now)
    within = timedelta(hours=config.get("REMINDER_HOURS", 24))
    result.reminders = remind(session, now=now, within=within)
    result.order_reminders = remind_due_soon(session, now=now, within=within)
    result.overdue_performances = flag_overdue_performance(session, now=now)
    session.flush()
    return result


def escalate_overdue(session: Session, *, now: datetime, reply_working_days: int = 5) -> int:
    """A handling past its deadline: one escalation and one supervision order per deadline."""
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
        if centre is not None:
            _supervise_overdue_handling(session, handling, centre, now=now,
                                        reply_working_days=reply_working_days)
        key = f"overdue:{handling.id}:{handling.deadline_at.isoformat()}"
        recipients = staff_of(session, handling.institution_id)
        if centre is not None:
            recipients += staff_of(session, centre.id, role_test=roles.is_dispatcher)
        tell(session, recipients, kind="deadline.overdue", key=key, now=now, case_id=case.id,
             case_no=case.case_no, detail=handling.institution.name)
        count += 1
    return count


def _supervise_overdue_handling(session: Session, handling: Handling, centre, *, now: datetime,
                                reply_working_days: int) -> None:
    escalation_id = session.scalar(select(Escalation.id).where(
        Escalation.handling_id == handling.id, Escalation.deadline_at == handling.deadline_at))
    due = add_working_days(now, reply_working_days)
    issue_automatic(
        session, handling.case, centre=centre, institution=handling.institution,
        source="overdue", due_at=due, now=now, escalation_id=escalation_id,
        handling_id=handling.id,
        instruction=OVERDUE_INSTRUCTION.format(deadline=_day(handling.deadline_at),
                                               due=_day(due)))


def escalate_unanswered_referrals(session: Session, *, now: datetime, grace: timedelta) -> int:
    """A referral past its acceptance deadline: the centre above supervises the receiver,
    which has `grace` more to answer; sender, receiver and dispatchers are told, once."""
    late = session.scalars(
        select(Referral).where(Referral.status == "pending", Referral.accept_by < now)
        .where(~select(SupervisionOrder.id)
               .where(SupervisionOrder.referral_id == Referral.id).exists()))
    count = 0
    for referral in late:
        case = referral.case
        centre = governance_centre_above(session, case.region,
                                         exclude_id=referral.to_institution_id)
        recipients = (staff_of(session, referral.to_institution_id)
                      + staff_of(session, referral.from_institution_id))
        if centre is not None:
            due = referral.accept_by + grace
            order = issue_automatic(
                session, case, centre=centre, institution=referral.to_institution,
                source="referral", due_at=due, now=now, referral_id=referral.id,
                instruction=REFERRAL_INSTRUCTION.format(
                    sender=referral.from_institution.name, case_no=case.case_no,
                    accept_by=_day(referral.accept_by), due=_day(due)))
            if order is None:
                continue
            recipients += staff_of(session, centre.id, role_test=roles.is_dispatcher)
        # without a centre above, both sides are still told, once (the key)
        told = tell(session, recipients, kind="referral.escalated",
                    key=f"referral.escalated:{referral.id}", now=now, case_id=case.id,
                    case_no=case.case_no,
                    detail=f"{referral.from_institution.name} → {referral.to_institution.name}")
        count += 1 if centre is not None or told else 0
    return count


def close_orders_of_answered_referrals(session: Session, *, now: datetime) -> int:
    """Once the receiver accepts or returns the referral, its supervision order is done."""
    answered = list(session.scalars(
        select(SupervisionOrder).join(Referral, Referral.id == SupervisionOrder.referral_id)
        .where(SupervisionOrder.status.in_(("open", "overdue")),
               Referral.status.in_(("accepted", "returned", "withdrawn")))))
    for order in answered:
        result = session.execute(
            update(SupervisionOrder).where(SupervisionOrder.id == order.id,
                                           SupervisionOrder.status.in_(("open", "overdue")))
            .values(status="closed", closed_at=now,
                    close_note=f"转办已{_REFERRAL_ENDINGS[order.referral.status]}")
            .execution_options(synchronize_session=False))
        if result.rowcount == 1:
            session.refresh(order)
            record_event(session, order.case, "supervision.closed", actor=None, now=now,
                         order=order.id, institution=order.institution.code,
                         note=order.close_note, labels={"institution": order.centre.name})
    return len(answered)


_REFERRAL_ENDINGS = {"accepted": "签收", "returned": "退回", "withdrawn": "撤回"}


def _expire_referrals(session: Session, *, now: datetime, grace: timedelta) -> int:
    """Referrals still unanswered when the grace after escalation has passed expire."""
    expired = expire_overdue(session, now=now, grace=grace)
    for referral in expired:
        recipients = staff_of(session, referral.from_institution_id) + dispatchers_above(
            session, referral.case.region)
        tell(session, recipients, kind="referral.expired", key=f"expired:{referral.id}",
             now=now, case_id=referral.case_id, case_no=referral.case.case_no,
             detail=referral.to_institution.name)
    return len(expired)


def _day(moment: datetime) -> str:
    """A UTC time as the day it is in China, as people there write it."""
    local = moment.replace(tzinfo=UTC).astimezone(CHINA)
    return f"{local.year}年{local.month}月{local.day}日"


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
        count += tell(session, people, kind="deadline.reminder",
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
        count += tell(session, staff_of(session, handling.institution_id),
                        kind="performance.overdue", key=f"performance:{item.id}", now=now,
                        case_id=case.id, case_no=case.case_no, detail=item.description)
    return count
