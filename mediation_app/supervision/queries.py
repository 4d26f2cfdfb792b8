"""Reading supervision orders and warnings: lists, a case's orders, badges on case lists."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, and_, cast, false, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from ..access import roles
from ..access.rules import region_subtree_clause
from ..casefile.models import Case
from ..directory.models import Institution
from ..warnings.models import EarlyWarning
from .models import ACTIVE, SupervisionOrder


def readable_orders(user) -> ColumnElement[bool]:
    """SQL twin of policy.can_read_supervision, over supervision_orders joined to cases."""
    clauses = []
    if roles.acts_for_institution(user):
        clauses += [SupervisionOrder.centre_id == user.institution_id,
                    SupervisionOrder.institution_id == user.institution_id]
    if roles.reads_region(user):
        clauses.append(region_subtree_clause(user.institution.region))
    return or_(*clauses) if clauses else false()


def list_orders(session: Session, user, *, status: str | None = None,
                listed_only: bool = False, limit: int = 100) -> list[SupervisionOrder]:
    query = (select(SupervisionOrder).join(Case, Case.id == SupervisionOrder.case_id)
             .where(readable_orders(user)))
    if status:
        query = query.where(SupervisionOrder.status == status)
    if listed_only:
        query = query.where(SupervisionOrder.is_listed.is_(True))
    order = (SupervisionOrder.is_listed.desc(), SupervisionOrder.due_at, SupervisionOrder.id)
    return list(session.scalars(query.order_by(*order).limit(limit)))


def summary_by_institution(session: Session, user) -> list[dict]:
    """Per supervised institution, how many of the orders the user may read are in each
    status: the dispatcher's overview of who answers and who does not."""
    rows = session.execute(
        select(Institution.name, SupervisionOrder.status, func.count(SupervisionOrder.id))
        .join(Institution, Institution.id == SupervisionOrder.institution_id)
        .join(Case, Case.id == SupervisionOrder.case_id)
        .where(readable_orders(user))
        .group_by(Institution.name, SupervisionOrder.status)
        .order_by(Institution.name))
    summary: dict[str, dict] = {}
    for name, status, count in rows:
        summary.setdefault(name, {"institution": name})[status] = count
    return list(summary.values())


def orders_of_case(session: Session, user, case_id: int) -> list[SupervisionOrder]:
    query = (select(SupervisionOrder).join(Case, Case.id == SupervisionOrder.case_id)
             .where(SupervisionOrder.case_id == case_id, readable_orders(user))
             .order_by(SupervisionOrder.issued_at, SupervisionOrder.id))
    return list(session.scalars(query))


def warnings_of_case(session: Session, case_id: int) -> list[EarlyWarning]:
    return list(session.scalars(select(EarlyWarning).where(EarlyWarning.case_id == case_id)
                                .order_by(EarlyWarning.raised_at, EarlyWarning.id)))


def open_warnings(session: Session, user, *, limit: int = 100) -> list[EarlyWarning]:
    """Warnings waiting for a decision in the dispatcher's region, newest first."""
    query = (select(EarlyWarning).join(Case, Case.id == EarlyWarning.case_id)
             .where(EarlyWarning.status == "open",
                    region_subtree_clause(user.institution.region))
             .order_by(EarlyWarning.raised_at.desc(), EarlyWarning.id.desc()).limit(limit))
    return list(session.scalars(query))


def supervised_clause() -> ColumnElement[bool]:
    """Cases with a supervision order not yet closed (督办中)."""
    return select(SupervisionOrder.id).where(SupervisionOrder.case_id == Case.id,
                                             SupervisionOrder.status.in_(ACTIVE)).exists()


def overdue_clause(now: datetime) -> ColumnElement[bool]:
    """Open cases past their deadline (超期)."""
    return and_(Case.closed_at.is_(None), Case.deadline_at.is_not(None), Case.deadline_at < now)


def open_orders(session: Session, case_id: int) -> list[SupervisionOrder]:
    """The case's orders not yet closed (督办中), whoever reads them."""
    return list(session.scalars(select(SupervisionOrder).where(
        SupervisionOrder.case_id == case_id, SupervisionOrder.status.in_(ACTIVE))))


def listed_among(open: list[SupervisionOrder]) -> bool | None:
    """What badges_of takes of a case's open orders: whether one lists it (挂牌督办), or
    None when it has none."""
    return any(order.is_listed for order in open) if open else None


def badges_for(session: Session, cases, *, now: datetime) -> dict[int, list[str]]:
    """Per case id, the badges to show: overdue, supervised, listed (挂牌督办). One query."""
    cases = list(cases)
    listed: dict[int, bool] = {}
    if cases:
        rows = session.execute(select(SupervisionOrder.case_id, SupervisionOrder.is_listed)
                               .where(SupervisionOrder.case_id.in_([case.id for case in cases]),
                                      SupervisionOrder.status.in_(ACTIVE)))
        for case_id, is_listed in rows:
            listed[case_id] = listed.get(case_id, False) or is_listed
    return {case.id: badges_of(case, listed.get(case.id), now=now) for case in cases}


def open_order_listed() -> ColumnElement:
    """What badges_for reads, as a column of a case list's own SELECT: 1 when an open order
    lists the case (挂牌督办), 0 when open orders only supervise it, NULL when none is open."""
    return (select(func.max(cast(SupervisionOrder.is_listed, Integer)))
            .where(SupervisionOrder.case_id == Case.id, SupervisionOrder.status.in_(ACTIVE))
            .scalar_subquery())


def badges_of(case: Case, listed: bool | None, *, now: datetime) -> list[str]:
    """The badges of one case; `listed` as open_order_listed tells it (None: no open order)."""
    badges = ["overdue"] if case.closed_at is None and case.deadline_at is not None \
        and case.deadline_at < now else []
    if listed is not None:
        badges.append("listed" if listed else "supervised")
    return badges
