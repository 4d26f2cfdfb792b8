"""Issuing, answering, closing supervision orders (督办单); every step is audited on the
case and told to the other side. Services only flush."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..access import policy, roles
from ..audit.services import record_event
from ..auth.models import User
from ..casefile.models import Case
from ..db import insert_if_absent
from ..directory.models import Institution
from ..labels import label_zh
from ..notifications.dispatch import tell
from ..notifications.services import committee_readers_above, staff_of
from .models import ACTIVE, SupervisionOrder
from .printing import masked, shown_date


class SupervisionError(ValueError):
    """A step the rules refuse; `code` names why (labels.py "supervision_refusal")."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def issue_order(session: Session, case: Case, *, instruction: str, due_at: datetime,
                is_listed: bool, actor: User, now: datetime, institution: Institution | None = None,
                source: str = "manual") -> SupervisionOrder:
    """A dispatcher supervises the institution handling the case (or the one named)."""
    target = institution or case.holder_institution
    if not policy.can_issue_supervision_to(actor, case, target.id):
        raise SupervisionError("not_supervisor")
    if not instruction.strip():
        raise SupervisionError("no_instruction")
    if due_at <= now:
        raise SupervisionError("due_in_past")
    order = SupervisionOrder(case_id=case.id, centre_id=actor.institution_id,
                             institution_id=target.id, source=source, is_listed=is_listed,
                             instruction=instruction.strip(), due_at=due_at, issued_at=now,
                             issued_by_id=actor.id, handling_id=_open_handling_id(case, target))
    session.add(order)
    session.flush()
    _announce_issue(session, order, actor=actor, now=now)
    return order


def issue_automatic(session: Session, case: Case, *, centre: Institution,
                    institution: Institution, source: str, instruction: str, due_at: datetime,
                    now: datetime, escalation_id: int | None = None,
                    referral_id: int | None = None, handling_id: int | None = None
                    ) -> SupervisionOrder | None:
    """An order the deadline sweep issues in the centre's name; made once per escalation or
    referral however often the sweep runs. None when it exists already."""
    created = insert_if_absent(
        session, SupervisionOrder, case_id=case.id, centre_id=centre.id,
        institution_id=institution.id, source=source, is_listed=False, instruction=instruction,
        due_at=due_at, issued_at=now, status="open", escalation_id=escalation_id,
        referral_id=referral_id, handling_id=handling_id)
    if not created:
        return None
    key = (SupervisionOrder.escalation_id == escalation_id if escalation_id is not None
           else SupervisionOrder.referral_id == referral_id)
    order = session.scalar(select(SupervisionOrder).where(key))
    _record_issue(session, order, actor=None, now=now)
    return order


def reply_to_order(session: Session, order: SupervisionOrder, *, reply: str, actor: User,
                   now: datetime) -> None:
    """The supervised institution answers in writing (办理情况反馈)."""
    if not policy.can_reply_to_supervision(actor, order):
        raise SupervisionError("not_supervised")
    if not reply.strip():
        raise SupervisionError("no_reply")
    _move(session, order, ("open", "overdue"), status="replied", reply=reply.strip(),
          replied_at=now, replied_by_id=actor.id)
    record_event(session, order.case, "supervision.replied", actor=actor, now=now,
                 order=order.id, institution=order.institution.code, note=order.reply,
                 labels={"institution": order.institution.name})
    _tell_centre(session, order, kind="supervision.replied", now=now,
                 detail=order.institution.name)


def close_order(session: Session, order: SupervisionOrder, *, note: str, actor: User,
                now: datetime) -> None:
    """The issuing centre closes the order (办结), with its assessment."""
    if not policy.can_close_supervision(actor, order):
        raise SupervisionError("not_issuer")
    _move(session, order, ("open", "replied", "overdue"), status="closed", closed_at=now,
          closed_by_id=actor.id, close_note=note.strip() or None)
    record_event(session, order.case, "supervision.closed", actor=actor, now=now,
                 order=order.id, institution=order.institution.code, note=order.close_note,
                 labels={"institution": order.centre.name})
    _tell_institution(session, order, kind="supervision.closed", now=now,
                      detail=order.centre.name)
    if order.is_listed:
        _tell_committee(session, order, kind="supervision.closed", now=now)


def change_listing(session: Session, order: SupervisionOrder, *, listed: bool, note: str,
                   actor: User, now: datetime) -> None:
    """The issuing centre lists an active order as 挂牌督办 of a major case, or lifts the
    listing (摘牌); the supervised institution and the political-legal committee are told."""
    if not policy.can_change_supervision_listing(actor, order):
        raise SupervisionError("not_issuer")
    result = session.execute(
        update(SupervisionOrder)
        .where(SupervisionOrder.id == order.id, SupervisionOrder.status.in_(ACTIVE),
               SupervisionOrder.is_listed.is_(not listed))
        .values(is_listed=listed).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise SupervisionError("listing_unchanged")
    session.refresh(order)
    kind = "supervision.listed" if listed else "supervision.lifted"
    record_event(session, order.case, kind, actor=actor, now=now, order=order.id,
                 institution=order.institution.code, note=note.strip() or None,
                 labels={"institution": f"{order.centre.name} → {order.institution.name}"})
    _tell_committee(session, order, kind=kind, now=now)
    tell(session, staff_of(session, order.institution_id), kind=kind,
         key=_listing_key(kind, order, now), now=now, case_id=order.case_id,
         sender_institution_id=order.centre_id, case_no=order.case.case_no,
         detail=_listing_detail(kind, order))


def mark_overdue(session: Session, *, now: datetime) -> int:
    """Open orders past their due date become overdue; both sides are told, once."""
    late = list(session.scalars(select(SupervisionOrder).where(
        SupervisionOrder.status == "open", SupervisionOrder.due_at < now)))
    count = 0
    for order in late:
        result = session.execute(
            update(SupervisionOrder)
            .where(SupervisionOrder.id == order.id, SupervisionOrder.status == "open")
            .values(status="overdue").execution_options(synchronize_session=False))
        if result.rowcount != 1:
            continue
        session.refresh(order)
        record_event(session, order.case, "supervision.overdue", actor=None, now=now,
                     order=order.id, institution=order.institution.code,
                     labels={"institution": order.institution.name})
        _tell_institution(session, order, kind="supervision.overdue", now=now,
                          detail=order.centre.name)
        _tell_centre(session, order, kind="supervision.overdue", now=now,
                     detail=order.institution.name)
        count += 1
    return count


def remind_due_soon(session: Session, *, now: datetime, within: timedelta) -> int:
    """Tell the supervised institution once that an order it has not answered is due soon."""
    soon = session.scalars(select(SupervisionOrder).where(
        SupervisionOrder.status == "open", SupervisionOrder.due_at >= now,
        SupervisionOrder.due_at < now + within))
    return sum(bool(_tell_institution(session, order, kind="supervision.due_soon", now=now,
                                      detail=order.centre.name)) for order in soon)


def _move(session: Session, order: SupervisionOrder, sources: tuple[str, ...], **values) -> None:
    """A conditional UPDATE: of two people answering at once, one wins."""
    result = session.execute(
        update(SupervisionOrder)
        .where(SupervisionOrder.id == order.id, SupervisionOrder.status.in_(sources))
        .values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise SupervisionError("already_answered")
    session.refresh(order)


def _open_handling_id(case: Case, institution: Institution) -> int | None:
    handling = case.current_handling
    return handling.id if handling is not None and handling.institution_id == institution.id \
        else None


def _record_issue(session: Session, order: SupervisionOrder, *, actor: User | None,
                  now: datetime) -> None:
    record_event(session, order.case, "supervision.issued", actor=actor, now=now,
                 order=order.id, source=order.source, listed=order.is_listed,
                 institution=order.institution.code, centre=order.centre.code,
                 due=order.due_at, note=order.instruction,
                 labels={"institution": f"{order.centre.name} → {order.institution.name}"})


def _announce_issue(session: Session, order: SupervisionOrder, *, actor: User,
                    now: datetime) -> None:
    """Audited on the case and told to the supervised institution. (Automatic orders are
    told by the sweep, in the notice about the missed deadline itself.)"""
    _record_issue(session, order, actor=actor, now=now)
    listed = "【挂牌督办】" if order.is_listed else ""
    source = label_zh("supervision_source", order.source)
    _tell_institution(session, order, kind="supervision.issued", now=now,
                      detail=f"{listed}{order.centre.name}：{source}")
    if order.is_listed:
        _tell_committee(session, order, kind="supervision.listed", now=now)


def _tell_institution(session: Session, order: SupervisionOrder, *, kind: str, now: datetime,
                      detail: str) -> int:
    return tell(session, staff_of(session, order.institution_id), kind=kind,
         key=f"{kind}:{order.id}", now=now, case_id=order.case_id,
         sender_institution_id=order.centre_id, case_no=order.case.case_no, detail=detail)


def _tell_centre(session: Session, order: SupervisionOrder, *, kind: str, now: datetime,
                 detail: str) -> None:
    tell(session, staff_of(session, order.centre_id, role_test=roles.is_dispatcher), kind=kind,
         key=f"{kind}:{order.id}", now=now, case_id=order.case_id,
         sender_institution_id=order.institution_id, case_no=order.case.case_no, detail=detail)


_LISTING_TEXT = {"supervision.listed": "{centre}对{institution}挂牌督办",
                 "supervision.lifted": "{centre}撤销对{institution}的挂牌督办（摘牌）",
                 "supervision.closed": "{centre}办结对{institution}的挂牌督办"}


def _listing_detail(kind: str, order: SupervisionOrder) -> str:
    """What happened to the listing, the case in a few words and the due date; ID numbers
    and phones typed into the summary are masked."""
    head = _LISTING_TEXT[kind].format(centre=order.centre.name,
                                      institution=order.institution.name)
    return f"{head}：{masked(order.case.summary, limit=60)}；答复期限{shown_date(order.due_at)}"


def _listing_key(kind: str, order: SupervisionOrder, now: datetime) -> str:
    """Listing, lifting and listing again are three events: each is told."""
    return f"{kind}:{order.id}:{now:%Y%m%d%H%M%S}"


def _tell_committee(session: Session, order: SupervisionOrder, *, kind: str,
                    now: datetime) -> None:
    """The political-legal committee (政法委) over the case follows its listed supervision."""
    readers = committee_readers_above(session, order.case.region, up_to=order.centre.region)
    tell(session, readers, kind=kind, key=_listing_key(kind, order, now), now=now,
         case_id=order.case_id, sender_institution_id=order.centre_id,
         case_no=order.case.case_no, detail=_listing_detail(kind, order))
