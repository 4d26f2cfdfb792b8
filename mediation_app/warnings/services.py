"""Raising early warnings on a case and telling the governance centre."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from ..audit.services import record_event
from ..cases.models import Case, Party
from ..notifications.services import dispatchers_above, notify
from .rules import WarningRules, flags_for


def repeats_between_same_parties(session: Session, case: Case, *, months: int) -> bool:
    """An earlier case (within `months`) shares at least two of this case's parties."""
    ours, theirs = aliased(Party), aliased(Party)
    same_person = or_(
        and_(ours.id_number.is_not(None), ours.id_number == theirs.id_number),
        and_(ours.phone.is_not(None), ours.name == theirs.name, ours.phone == theirs.phone))
    since = case.filed_at - timedelta(days=30 * months)
    query = (select(theirs.case_id)
             .select_from(ours).join(theirs, same_person)
             .join(Case, Case.id == theirs.case_id)
             .where(ours.case_id == case.id, theirs.case_id != case.id,
                    Case.filed_at >= since, Case.filed_at <= case.filed_at)
             .group_by(theirs.case_id)
             .having(func.count(ours.id.distinct()) >= 2)
             .limit(1))
    return session.scalar(query) is not None


def evaluate(session: Session, case: Case, rules: WarningRules, *, now: datetime) -> list[str]:
    """Recompute the case's flags; record and announce the ones that are new."""
    flags, words = flags_for(
        rules, parties=case.party_count, amount=case.amount,
        text=f"{case.summary}\n{case.description}",
        repeats=repeats_between_same_parties(session, case, months=rules.repeat_months))
    new = [flag for flag in flags if flag not in (case.warning_flags or [])]
    case.warning_flags = flags
    case.is_flagged = bool(flags)
    if new:
        record_event(session, case, "warning.raised", actor=None, now=now, flags=new,
                     words=words)
        notify(session, dispatchers_above(session, case.region), kind="warning.raised",
               key=f"warning:{case.id}:{','.join(sorted(flags))}", now=now, case_id=case.id,
               case_no=case.case_no, detail="、".join(new))
    session.flush()
    return new
