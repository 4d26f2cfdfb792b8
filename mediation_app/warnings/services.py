"""Raising early warnings on a case, telling the governance centre, and what the dispatcher
does about them: assign the case (分流 or 交办) or dismiss a false warning with a reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import and_, bindparam, func, literal_column, or_, select, update
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session, aliased

from ..audit.services import record_event
from ..auth.models import User
from ..casefile.models import Case, Party
from ..db import insert_if_absent
from ..directory.models import Institution
from ..labels import label_zh
from ..notifications.dispatch import tell
from ..notifications.services import dispatchers_above, staff_of
from ..personaldata import blind_index
from .models import EarlyWarning
from .rules import WarningRules, raised_by

LIVE = ("open", "assigned")


class WarningError(ValueError):
    """A decision on a warning the rules refuse; `code` names why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def repeats_between_same_parties(session: Session, case: Case, *, months: int) -> bool:
    """An earlier case (within `months`) shares at least two of this case's parties."""
    return session.scalar(_repeat_query(), _repeat_window(case, months=months)) is not None


@cache
def _repeat_query():
    """The first earlier case sharing two of the case's people; built once, the case and
    the window given as parameters (_repeat_window)."""
    ours, theirs = aliased(Party), aliased(Party)
    same_person = or_(
        and_(ours.id_number_index.is_not(None), ours.id_number_index == theirs.id_number_index),
        and_(ours.phone_index.is_not(None), ours.name == theirs.name,
             ours.phone_index == theirs.phone_index))
    case_id = bindparam("repeat_case_id")
    return (select(theirs.case_id)
            .select_from(ours).join(theirs, same_person)
            .join(Case, Case.id == theirs.case_id)
            .where(ours.case_id == case_id, theirs.case_id != case_id,
                   Case.filed_at >= bindparam("repeat_since"),
                   Case.filed_at <= bindparam("repeat_until"))
            .group_by(theirs.case_id)
            .having(func.count(ours.id.distinct()) >= 2)
            .limit(1))


def answer_filing(session: Session, case: Case, rules: WarningRules, *,
                  now: datetime) -> Callable[[], list[str]] | None:
    """Whether a case being filed (built, not yet written) raises a warning: None when it
    raises none, as most do; else its evaluation, to run once the case is written."""
    repeats = _repeats_among(session, case.parties, until=case.filed_at,
                             since=case.filed_at - timedelta(days=30 * rules.repeat_months))
    if not raised_by(rules, parties=case.party_count, amount=case.amount,
                     text=f"{case.summary}\n{case.description}", repeats=repeats):
        return None
    return lambda: evaluate(session, case, rules, now=now)


def _repeats_among(session: Session, parties: list[Party], *, since: datetime,
                   until: datetime) -> bool:
    """Whether a case filed in the window shares two of `parties`' people (not yet written),
    as _repeat_query asks of a written case."""
    people = [(party.name, blind_index(party.id_number), blind_index(party.phone))
              for party in parties]
    if sum(1 for _name, id_index, phone_index in people if id_index or phone_index) < 2:
        return False
    values = {"since": since, "until": until}
    for n, (name, id_index, phone_index) in enumerate(people):
        values.update({f"name_{n}": name, f"id_{n}": id_index, f"phone_{n}": phone_index})
    return session.connection().scalar(_repeat_among_query(len(people)), values)


@cache
def _repeat_among_query(people: int):
    """For `people` people given as parameters (name_n, id_n, phone_n: the blind indexes the
    rows will be written with): whether a case filed between `since` and `until` has, among
    its own people, the same person (the same ID number, or the same name and phone) as two
    of them."""
    same = [or_(Party.id_number_index == bindparam(f"id_{n}"),
                and_(Party.name == bindparam(f"name_{n}"),
                     Party.phone_index == bindparam(f"phone_{n}")))
            for n in range(people)]
    matched = sum(func.max(sql_case((match, 1), else_=0)) for match in same)
    earlier = (select(Party.case_id).join(Case, Case.id == Party.case_id)
               .where(Case.filed_at >= bindparam("since"), Case.filed_at <= bindparam("until"),
                      or_(*same))
               .group_by(Party.case_id).having(matched >= 2).limit(1))
    return select(earlier.exists())


def _repeat_window(case: Case, *, months: int) -> dict:
    return {"repeat_case_id": case.id, "repeat_since": case.filed_at - timedelta(days=30 * months),
            "repeat_until": case.filed_at}


def describe(item) -> str:
    """A warning in Chinese for notifications: its flag, rule and the words that raised it."""
    text = label_zh("warning", item.flag)
    if item.flag == "risk_words":
        text = f"{text}（{label_zh('risk_rule', item.rule)}）"
    return f"{text}：{item.term}" if item.term else text


def evaluate(session: Session, case: Case, rules: WarningRules, *, now: datetime) -> list[str]:
    """Record the warnings the case raises now, once per rule; tell the governance centre
    about new ones. Returns the flags raised for the first time."""
    repeats, known = _warnings_and_repeats(session, case, months=rules.repeat_months)
    raised = raised_by(
        rules, parties=case.party_count, amount=case.amount,
        text=f"{case.summary}\n{case.description}", repeats=repeats)
    new = [item for item in raised if _raise_once(session, case, item, now=now)]
    _clear_rules_no_longer_met(session, case, known, {item.rule for item in raised}, now=now)
    new_flags = list(dict.fromkeys(item.flag for item in new
                                   if item.flag not in (case.warning_flags or [])))
    _set_flags(case, _live_flags(known, raised))
    if new:
        record_event(session, case, "warning.raised", actor=None, now=now,
                     flags=new_flags, rules=[item.rule for item in new],
                     words=[item.term for item in new if item.flag == "risk_words"],
                     note="；".join(describe(item) for item in new))
        tell(session, dispatchers_above(session, case.region), kind="warning.raised",
             key=f"warning:{case.id}:{','.join(sorted(item.rule for item in new))}:"
                 f"{now.isoformat()}", now=now,
             case_id=case.id, case_no=case.case_no,
             detail="；".join(describe(item) for item in new))
    session.flush()
    return new_flags


def _warnings_and_repeats(session: Session, case: Case, *,
                          months: int) -> tuple[bool, list[EarlyWarning]]:
    """In one statement: whether the case repeats an earlier dispute, and its warnings as
    stored now (a row with no warning when it has none)."""
    session.flush()
    rows = session.execute(_warnings_and_repeats_query(),
                           _repeat_window(case, months=months)).all()
    return bool(rows[0].repeats), [row[1] for row in rows if row[1] is not None]


@cache
def _warnings_and_repeats_query():
    one = select(literal_column("1").label("one")).subquery("one")
    return (select(_repeat_query().exists().label("repeats"), EarlyWarning)
            .select_from(one)
            .outerjoin(EarlyWarning, EarlyWarning.case_id == bindparam("repeat_case_id"))
            .order_by(EarlyWarning.id)
            .execution_options(populate_existing=True))


def _live_flags(known: list[EarlyWarning], raised) -> list[str]:
    """The flags of the warnings open or assigned once `raised` is recorded: those `known`
    before (the rules no longer met cleared), a rule raised again reopened when it had
    cleared, and a rule raised for the first time added open (see _raise_once)."""
    firing = {item.rule for item in raised}
    by_rule = {warning.rule: warning for warning in known}
    flags = [w.flag for w in known if w.rule not in firing and w.status in LIVE]
    for item in raised:
        before = by_rule.get(item.rule)
        if before is None or before.status == "cleared":
            flags.append(item.flag)
        elif before.status in LIVE:
            flags.append(before.flag)
    return flags


def _raise_once(session: Session, case: Case, item, *, now: datetime) -> bool:
    """True when the rule now fires for the first time, or again after it had cleared."""
    reopened = session.execute(
        update(EarlyWarning).where(EarlyWarning.case_id == case.id,
                                   EarlyWarning.rule == item.rule,
                                   EarlyWarning.status == "cleared")
        .values(status="open", flag=item.flag, term=item.term[:100], raised_at=now,
                decided_at=None)
        .execution_options(synchronize_session=False))
    if reopened.rowcount == 1:
        return True
    return insert_if_absent(session, EarlyWarning, case_id=case.id, flag=item.flag,
                            rule=item.rule, term=item.term[:100], raised_at=now, status="open")


def _clear_rules_no_longer_met(session: Session, case: Case, known: list[EarlyWarning],
                               firing: set[str], *, now: datetime) -> None:
    stale = [w for w in known if w.status == "open" and w.rule not in firing]
    for warning in stale:
        warning.status, warning.decided_at = "cleared", now
    if stale:
        record_event(session, case, "warning.cleared", actor=None, now=now,
                     rules=[w.rule for w in stale],
                     note="；".join(describe(w) for w in stale))


def refresh_flags(session: Session, case: Case) -> None:
    """The case's flags are those of its warnings still open or assigned."""
    session.flush()
    _set_flags(case, session.scalars(select(EarlyWarning.flag).where(
        EarlyWarning.case_id == case.id, EarlyWarning.status.in_(LIVE))).all())


def _set_flags(case: Case, flags) -> None:
    case.warning_flags = [flag for flag in dict.fromkeys(
        ("group", "major_group", "large_amount", "repeat", "risk_words")) if flag in flags]
    case.is_flagged = bool(case.warning_flags)


def dismiss_warning(session: Session, warning: EarlyWarning, *, reason: str, actor: User,
                    now: datetime) -> None:
    """A false warning (误报) is dismissed with a reason; the case loses the flag when no
    other warning of that kind is live, and the rule does not fire again on this case."""
    if not reason.strip():
        raise WarningError("no_reason")
    _decide(session, warning, status="dismissed", decided_by_id=actor.id, decided_at=now,
            dismiss_reason=reason.strip())
    refresh_flags(session, warning.case)
    record_event(session, warning.case, "warning.dismissed", actor=actor, now=now,
                 warning=warning.id, rule=warning.rule, term=warning.term,
                 note=warning.dismiss_reason,
                 labels={"institution": f"{actor.institution.name}：{describe(warning)}"})
    _tell_holder(session, warning, kind="warning.dismissed", now=now,
                 detail=f"{describe(warning)}；{warning.dismiss_reason}")


def mark_assigned(session: Session, warning: EarlyWarning, *, assignment: str,
                  institution: Institution, actor: User, now: datetime, referral_id=None,
                  supervision_order_id=None) -> None:
    """Record that the dispatcher gave the warning case to an institution (分流 or 交办)."""
    _decide(session, warning, status="assigned", decided_by_id=actor.id, decided_at=now,
            assignment=assignment, assigned_institution_id=institution.id,
            referral_id=referral_id, supervision_order_id=supervision_order_id)
    record_event(session, warning.case, "warning.assigned", actor=actor, now=now,
                 warning=warning.id, rule=warning.rule, assignment=assignment,
                 to=institution.code, note=f"{describe(warning)} → {institution.name}")
    tell(session, staff_of(session, institution.id), kind="warning.assigned",
         key=f"warning.assigned:{warning.id}", now=now, case_id=warning.case_id,
         sender_institution_id=actor.institution_id, case_no=warning.case.case_no,
         detail=describe(warning))


def _decide(session: Session, warning: EarlyWarning, **values) -> None:
    result = session.execute(
        update(EarlyWarning).where(EarlyWarning.id == warning.id, EarlyWarning.status == "open")
        .values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise WarningError("already_decided")
    session.refresh(warning)


def _tell_holder(session: Session, warning: EarlyWarning, *, kind: str, now: datetime,
                 detail: str) -> None:
    case = warning.case
    tell(session, staff_of(session, case.holder_institution_id), kind=kind,
         key=f"{kind}:{warning.id}", now=now, case_id=case.id, case_no=case.case_no,
         detail=detail)


