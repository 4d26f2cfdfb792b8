"""Reading cases: who may see which, filters, and keyset pagination."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, false, func, or_, select, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, Select

from ..access import policy
from ..auth.models import User
from ..casefile.models import Case, Handling, Party
from ..directory.models import Region
from ..personaldata import blind_index
from ..stats.definitions import Period
from ..stats.queries import figure_clause
from ..supervision import queries as supervision_queries

# Exact counts up to four pages; past that the list says "more than 100" (the statistics
# give exact totals). Counting probes each candidate's visibility: the cap is its cost.
COUNT_CAP = 100


def visible_to(user: User, dialect: str = "sqlite") -> ColumnElement[bool]:
    """The cases the user may see, as the access policy states it. Its SQL shape is tuned per
    database (access.rules.AnyOf): correlated EXISTS probes on SQLite, one EXISTS over a
    UNION ALL on PostgreSQL, so both walk the list's index and probe per row."""
    return policy.visible_cases_clause(user, dialect)


def get_visible_case(session: Session, user: User, case_id: int) -> Case | None:
    return policy.visible_case(session, user, case_id)


COUNTED_FIGURES = ("received", "concluded", "success", "failure", "withdrawn", "transferred",
                   "overdue")


@dataclass(frozen=True)
class Counted:
    """The cases a statistics figure counts (统计口径): those with a mediation handling that
    the figure counts in the period, of the handling's channel and institution when given
    (DESIGN.md §5: a success counts for the channel of the handling it happened in).
    `refused` when the filter was asked for but not given whole: it then lists nothing
    rather than more than the figure."""

    figure: str
    period: Period | None
    now: datetime
    channel: str | None = None
    institution_id: int | None = None
    refused: bool = False

    def clause(self) -> ColumnElement[bool]:
        if self.refused or self.period is None or self.figure not in COUNTED_FIGURES:
            return false()
        handled = select(Handling.case_id).where(
            Handling.is_mediation.is_(True), figure_clause(self.figure, self.period, now=self.now))
        if self.channel:
            handled = handled.where(Handling.channel == self.channel)
        if self.institution_id:
            handled = handled.where(Handling.institution_id == self.institution_id)
        return Case.id.in_(handled)


@dataclass
class CaseFilters:
    state: str | None = None
    channel: str | None = None
    dispute_type: str | None = None
    institution_id: int | None = None
    region_id: int | None = None
    region_only: bool = False  # the region itself, not the regions below it
    filed_from: date | None = None
    filed_to: date | None = None
    text: str | None = None
    mine_only: bool = False
    open_only: bool = False
    flagged_only: bool = False
    overdue_at: datetime | None = None  # 超期: open and past the deadline at this time
    supervised_only: bool = False  # 督办: a supervision order not yet closed
    counted: Counted | None = None  # 统计口径: the cases behind a statistics figure

    def clauses(self, session: Session, user: User) -> list[ColumnElement[bool]]:
        found = []
        for name in ("state", "channel", "dispute_type"):
            value = getattr(self, name)
            if value:
                found.append(getattr(Case, name) == value)
        if self.institution_id:
            found.append(Case.holder_institution_id == self.institution_id)
        if self.region_id:
            region = session.get(Region, self.region_id)
            path = region.path if region else "-"
            found.append(Case.region_id == self.region_id if self.region_only else
                         Case.region_id.in_(select(Region.id).where(Region.path.startswith(path))))
        if self.filed_from:
            found.append(Case.filed_at >= datetime.combine(self.filed_from, datetime.min.time()))
        if self.filed_to:
            end = datetime.combine(self.filed_to + timedelta(days=1), datetime.min.time())
            found.append(Case.filed_at < end)
        if self.text:
            found.append(_text_match(self.text.strip()))
        if self.mine_only:
            found.append(Case.assigned_mediator_id == user.id)
        if self.open_only:
            found.append(Case.closed_at.is_(None))
        if self.flagged_only:
            found.append(Case.is_flagged.is_(True))
        if self.overdue_at:
            found.append(supervision_queries.overdue_clause(self.overdue_at))
        if self.supervised_only:
            found.append(supervision_queries.supervised_clause())
        if self.counted is not None:
            found.append(self.counted.clause())
        return found


def _text_match(text: str) -> ColumnElement[bool]:
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(
        Case.case_no.like(pattern, escape="\\"),
        Case.summary.like(pattern, escape="\\"),
        exists().where(Party.case_id == Case.id, Party.name.like(pattern, escape="\\")),
        # ID numbers and phones are encrypted: found whole, by their blind index
        exists().where(Party.case_id == Case.id,
                       or_(Party.id_number_index == blind_index(text),
                           Party.phone_index == blind_index(text))),
    )


SORTS = {
    "filed_desc": (Case.filed_at, True),
    "filed_asc": (Case.filed_at, False),
    "updated_desc": (Case.updated_at, True),
}


@dataclass
class Page:
    items: list[Case]
    next_cursor: str | None
    prev_cursor: str | None
    total: int
    total_is_capped: bool
    badges: dict[int, list[str]] | None = None   # per case id, with `badges_at`


def encode_cursor(value: datetime, case_id: int, backwards: bool = False) -> str:
    raw = json.dumps([value.isoformat(), case_id, backwards]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int, bool] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, case_id, backwards = json.loads(raw)
        return datetime.fromisoformat(value), int(case_id), bool(backwards)
    except (ValueError, TypeError):
        return None


def _base_query(session: Session, user: User, filters: CaseFilters) -> Select:
    dialect = session.get_bind().dialect.name
    return select(Case).where(visible_to(user, dialect), *filters.clauses(session, user))


def count_cases(session: Session, user: User, filters: CaseFilters) -> tuple[int, bool]:
    """Exact up to COUNT_CAP; beyond that the page says "more than"."""
    return _capped(session.scalar(_capped_count(_base_query(session, user, filters))))


def _capped_count(base: Select):
    capped = base.with_only_columns(Case.id).limit(COUNT_CAP + 1)
    return select(func.count()).select_from(capped.subquery())


def _capped(total: int) -> tuple[int, bool]:
    return min(total, COUNT_CAP), total > COUNT_CAP


def list_cases(
    session: Session,
    user: User,
    filters: CaseFilters,
    *,
    sort: str = "filed_desc",
    cursor: str | None = None,
    per_page: int = 25,
    with_total: bool = True,
    badges_at: datetime | None = None,
) -> Page:
    """A page of the cases the user may see; with `with_total` their capped count, and with
    `badges_at` the cases' supervision badges at that time, both in the page's statement."""
    column, descending = SORTS.get(sort, SORTS["filed_desc"])
    position = decode_cursor(cursor) if cursor else None
    backwards = bool(position and position[2])
    base = query = _base_query(session, user, filters)
    if position:
        key = tuple_(column, Case.id)
        after_in_order = descending != backwards
        query = query.where(key < tuple_(position[0], position[1]) if after_in_order
                            else key > tuple_(position[0], position[1]))
    walk_descending = descending != backwards
    order = (column.desc(), Case.id.desc()) if walk_descending else (column.asc(), Case.id.asc())
    query = query.order_by(*order).limit(per_page + 1)
    if badges_at is not None:
        query = query.add_columns(supervision_queries.open_order_listed())
    if with_total:   # the count rides along the page's rows: one statement
        query = query.add_columns(_capped_count(base).scalar_subquery())
    found = session.execute(query).all()
    rows = [row[0] for row in found][:per_page]
    has_more = len(found) > per_page
    if backwards:
        rows.reverse()
    total, capped = _total(session, user, filters, found) if with_total else (0, False)
    return Page(
        items=rows,
        next_cursor=_next_cursor(rows, column, has_more or backwards),
        prev_cursor=_prev_cursor(rows, column, position is not None and (has_more or not backwards)),
        total=total,
        total_is_capped=capped,
        badges=None if badges_at is None else {
            row[0].id: supervision_queries.badges_of(row[0], row[1], now=badges_at)
            for row in found[:per_page]},
    )


def _total(session: Session, user: User, filters: CaseFilters, found) -> tuple[int, bool]:
    """From the page's rows; counted apart only when a page after the first is empty."""
    return _capped(found[0][-1]) if found else count_cases(session, user, filters)


def _value(case: Case, column) -> datetime:
    return getattr(case, column.key)


def _next_cursor(rows: list[Case], column, exists_more: bool) -> str | None:
    if not rows or not exists_more:
        return None
    return encode_cursor(_value(rows[-1], column), rows[-1].id)


def _prev_cursor(rows: list[Case], column, exists_before: bool) -> str | None:
    if not rows or not exists_before:
        return None
    return encode_cursor(_value(rows[0], column), rows[0].id, backwards=True)


def near_deadline(session: Session, user: User, *, now: datetime, within_days: int,
                  limit: int = 10) -> list[Case]:
    horizon = now + timedelta(days=within_days)
    query = (
        select(Case)
        .where(Case.closed_at.is_(None), Case.deadline_at.is_not(None),
               Case.deadline_at <= horizon, Case.holder_institution_id == user.institution_id)
        .order_by(Case.deadline_at)
        .limit(limit)
    )
    return list(session.scalars(query))


def awaiting_acceptance(session: Session, user: User, *, limit: int = 10) -> list[Case]:
    """Registered cases at the user's institution that nobody has accepted yet."""
    query = (
        select(Case)
        .where(and_(Case.holder_institution_id == user.institution_id,
                    Case.state == "registered", Case.closed_at.is_(None)))
        .order_by(Case.filed_at)
        .limit(limit)
    )
    return list(session.scalars(query))
