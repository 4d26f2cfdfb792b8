"""Every figure of DESIGN.md §5 as one SQL aggregate over handlings (no loops over cases).

A handling counts when its workflow is a mediation (not intake, routing or judicial
confirmation). `received` follows accepted_at, outcomes follow concluded_at, `overdue`
is judged at the end of the period (or now, if earlier)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from statistics import median

from sqlalchemy import and_, case, exists, func, literal_column, or_, select, union
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import ColumnElement, Select

from ..access.rules import region_subtree_clause
from ..casefile.models import Case, Handling, Party, Referral
from ..directory.models import Institution, Region
from ..handlings.models import DeadlineChange
from .definitions import Figures, Period, month_period

OUTCOMES = ("success", "failure", "withdrawn", "transferred")


@dataclass(frozen=True)
class Scope:
    """Which handlings count: the dispute's region subtree, and optional filters."""

    region: Region | None = None
    institution_id: int | None = None
    channel: str | None = None
    dispute_type: str | None = None

    def clauses(self) -> list[ColumnElement[bool]]:
        found = [Handling.is_mediation.is_(True)]
        if self.region is not None:
            found.append(region_subtree_clause(self.region))
        if self.institution_id:
            found.append(Handling.institution_id == self.institution_id)
        if self.channel:
            found.append(Handling.channel == self.channel)
        if self.dispute_type:
            found.append(Case.dispute_type == self.dispute_type)
        return found


def add_months(column, months: int, dialect: str):
    months = int(months)
    if dialect == "sqlite":
        return func.datetime(column, f"+{months} months")
    return column + literal_column(f"interval '{months} months'")


def figure_clause(figure: str, period: Period, *, now: datetime) -> ColumnElement[bool]:
    """Which handlings a figure counts; also used to list the cases behind a figure."""
    start, end = period.starts_at, period.ends_at
    concluded_in = and_(Handling.concluded_at >= start, Handling.concluded_at < end)
    if figure == "received":
        return and_(Handling.accepted_at >= start, Handling.accepted_at < end)
    if figure in ("concluded", "parties"):
        return and_(Handling.outcome.in_(("success", "failure")), concluded_in)
    if figure in ("success", "agreement_amount", "durable_success"):
        return and_(Handling.outcome == "success", concluded_in)
    if figure in OUTCOMES:
        return and_(Handling.outcome == figure, concluded_in)
    if figure == "overdue":
        judged_at = min(end, now)
        return and_(Handling.started_at < judged_at,
                    deadline_in_force(judged_at) < judged_at,
                    or_(Handling.concluded_at.is_(None), Handling.concluded_at >= judged_at))
    raise ValueError(f"unknown figure {figure}")


def deadline_in_force(at: datetime) -> ColumnElement:
    """The deadline the handling had at `at`, from the deadline history: the last one
    given before then. A handling without history (made before it was kept, or imported)
    has had its current deadline since it started."""
    given = aliased(DeadlineChange)
    last_given = (select(given.deadline_at)
                  .where(given.handling_id == Handling.id, given.set_at < at)
                  .order_by(given.set_at.desc(), given.id.desc()).limit(1)
                  .correlate(Handling).scalar_subquery())
    never_given = ~exists().where(DeadlineChange.handling_id == Handling.id) \
        .correlate(Handling)
    return func.coalesce(last_given, case((never_given, Handling.deadline_at)))


def _not_indexed(column):
    """The same value, but not an index key: SQLite would otherwise walk every later case
    of the same type and period instead of following the few people the case involves."""
    return func.coalesce(column, column)


def recurring_successes(period: Period, dialect: str, months: int) -> Select:
    """Ids of the handlings that succeeded in the period and were followed, within `months`,
    by a new case of the same dispute type with an overlapping party (same ID number, or
    same name and phone). One uncorrelated set, computed once per query."""
    def sharing(same_person) -> Select:
        success, ours, theirs, later = (aliased(Handling), aliased(Party), aliased(Party),
                                        aliased(Case))
        this_case = aliased(Case)
        return (select(success.id)
                .join(this_case, this_case.id == success.case_id)
                .join(ours, ours.case_id == this_case.id)
                .join(theirs, and_(*same_person(ours, theirs)))
                .join(later, later.id == theirs.case_id)
                .where(success.outcome == "success",
                       success.concluded_at >= period.starts_at,
                       success.concluded_at < period.ends_at,
                       later.id != this_case.id,
                       _not_indexed(later.dispute_type) == this_case.dispute_type,
                       _not_indexed(later.filed_at) > success.concluded_at,
                       _not_indexed(later.filed_at)
                       <= add_months(success.concluded_at, months, dialect)))

    return union(
        sharing(lambda ours, theirs: (ours.id_number_index.is_not(None),
                                      theirs.id_number_index == ours.id_number_index)),
        sharing(lambda ours, theirs: (ours.phone_index.is_not(None), theirs.name == ours.name,
                                      theirs.phone_index == ours.phone_index)),
    )


def _one(condition) -> ColumnElement:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _first_conclusion(period: Period, scope: Scope, group: str | None) -> ColumnElement[bool]:
    """The case's people count once per period (and group): on its first conclusion there.
    A case concluded twice (a committee's failure, then the court's success) is one case."""
    earlier = aliased(Handling)
    same = [earlier.case_id == Handling.case_id, earlier.id != Handling.id,
            earlier.is_mediation.is_(True), earlier.outcome.in_(("success", "failure")),
            earlier.concluded_at >= period.starts_at, earlier.concluded_at < period.ends_at,
            or_(earlier.concluded_at < Handling.concluded_at,
                and_(earlier.concluded_at == Handling.concluded_at, earlier.id < Handling.id))]
    if scope.institution_id:
        same.append(earlier.institution_id == scope.institution_id)
    if scope.channel:
        same.append(earlier.channel == scope.channel)
    if group == "channel":
        same.append(or_(earlier.channel == Handling.channel,
                        and_(earlier.channel.is_(None), Handling.channel.is_(None))))
    if group == "institution":
        same.append(earlier.institution_id == Handling.institution_id)
    return ~exists().where(*same).correlate(Handling)


def _group_key(group: str | None, scope: Scope):
    if group is None:
        return None, []
    if group == "channel":
        return Handling.channel, []
    if group == "dispute_type":
        return Case.dispute_type, []
    if group == "institution":
        return Institution.code, [(Institution, Institution.id == Handling.institution_id)]
    if group == "region":
        place, child = aliased(Region), aliased(Region)
        root_id = scope.region.id if scope.region else None
        joins = [(place, place.id == Case.region_id),
                 (child, and_(child.parent_id == root_id,
                              place.path.startswith(child.path)), True)]
        fallback = scope.region.code if scope.region else place.code
        return func.coalesce(child.code, fallback), joins
    raise ValueError(f"cannot group by {group}")


def aggregate(session: Session, period: Period, scope: Scope, *, group: str | None = None,
              now: datetime, durable_months: int = 6) -> dict[str | None, Figures]:
    """Figures per group key (or under None) from one GROUP BY query."""
    if group == "month":
        return {month: aggregate(session, month_period(month), scope, now=now,
                                 durable_months=durable_months)[None]
                for month in period.months()}
    dialect = session.get_bind().dialect.name
    clause = {name: figure_clause(name, period, now=now) for name in
              ("received", "concluded", "overdue", *OUTCOMES)}
    key, joins = _group_key(group, scope)
    columns = [
        _one(clause["received"]).label("received"),
        *[_one(clause[name]).label(name) for name in OUTCOMES],
        func.coalesce(func.sum(case((and_(clause["concluded"],
                                          _first_conclusion(period, scope, group)),
                                     Case.party_count), else_=0)), 0)
        .label("parties"),
        func.coalesce(func.sum(case((clause["success"], Handling.agreement_amount), else_=0)), 0)
        .label("agreement_amount"),
        _one(clause["overdue"]).label("overdue"),
        _one(and_(clause["success"], Handling.id.not_in(
            recurring_successes(period, dialect, durable_months)))).label("durable"),
    ]
    query: Select = select(*([key.label("key")] if key is not None else []), *columns) \
        .select_from(Handling).join(Case, Case.id == Handling.case_id)
    for target, on, *outer in joins:
        query = query.join(target, on, isouter=bool(outer))
    query = query.where(*scope.clauses(), or_(clause["received"], *[clause[n] for n in OUTCOMES],
                                              clause["overdue"]))
    if key is not None:
        query = query.group_by(key)
    return {getattr(row, "key", None): _figures(row) for row in session.execute(query)}


def _figures(row) -> Figures:
    return Figures(received=int(row.received), success=int(row.success),
                   failure=int(row.failure), withdrawn=int(row.withdrawn),
                   transferred=int(row.transferred), parties=int(row.parties),
                   agreement_amount=Decimal(row.agreement_amount or 0).quantize(Decimal("0.01")),
                   overdue=int(row.overdue), durable_success=int(row.durable))


@dataclass
class Report:
    period: Period
    group: str | None
    totals: Figures
    groups: list[tuple[str, Figures]]


def statistics(session: Session, period: Period, scope: Scope, *, group: str | None = None,
               now: datetime, durable_months: int = 6) -> Report:
    """Totals and (when grouped) the figures of each group, sorted by key."""
    totals = aggregate(session, period, scope, now=now, durable_months=durable_months)
    figures = totals.get(None, Figures())
    groups = []
    if group:
        grouped = aggregate(session, period, scope, group=group, now=now,
                            durable_months=durable_months)
        groups = sorted(((str(k), v) for k, v in grouped.items() if k is not None),
                        key=lambda item: item[0])
    return Report(period=period, group=group, totals=figures, groups=groups)


# --- referrals -------------------------------------------------------------------------

@dataclass
class ReferralFigures:
    kind: str
    from_kind: str
    to_kind: str
    sent: int = 0
    accepted: int = 0
    returned: int = 0
    withdrawn: int = 0
    expired: int = 0
    pending: int = 0
    median_hours_to_accept: float | None = None
    returned_by_reason: dict | None = None


_SENDER, _RECEIVER = aliased(Institution), aliased(Institution)   # aliased once per process
_PAIR = (Referral.kind, _SENDER.kind, _RECEIVER.kind)   # kind, sending and receiving kinds


def _by_pair(in_scope: list, *columns):
    """The pair key and `columns` of the referrals in scope, joined to the institutions
    that sent and received them and to their case."""
    return (select(*_PAIR, *columns)
            .join(_SENDER, _SENDER.id == Referral.from_institution_id)
            .join(_RECEIVER, _RECEIVER.id == Referral.to_institution_id)
            .join(Case, Case.id == Referral.case_id)
            .where(*in_scope))


def referral_statistics(session: Session, period: Period, scope: Scope, *,
                        now: datetime) -> list[ReferralFigures]:
    """Per kind and (sending kind, receiving kind): sent, answered, pending at the end,
    and the median hours from sending to acceptance."""
    start, end = period.starts_at, period.ends_at
    judged_at = min(end, now)
    decided_in = and_(Referral.decided_at >= start, Referral.decided_at < end)
    in_scope = _referral_scope(scope)
    rows = session.execute(
        _by_pair(in_scope,
                 _one(and_(Referral.created_at >= start, Referral.created_at < end))
                 .label("sent"),
                 *[_one(and_(Referral.status == status, decided_in)).label(status)
                   for status in ("accepted", "returned", "withdrawn", "expired")],
                 _one(and_(Referral.created_at < judged_at,
                           or_(Referral.decided_at.is_(None),
                               Referral.decided_at >= judged_at))).label("pending"))
        .where(Referral.created_at < end,
               or_(Referral.decided_at.is_(None), Referral.decided_at >= start))
        .group_by(*_PAIR).order_by(*_PAIR))
    results = []
    for row in rows:
        figures = ReferralFigures(kind=row[0], from_kind=row[1], to_kind=row[2], sent=row.sent,
                                  accepted=row.accepted, returned=row.returned,
                                  withdrawn=row.withdrawn, expired=row.expired,
                                  pending=row.pending)
        if any((figures.sent, figures.accepted, figures.returned, figures.withdrawn,
                figures.expired, figures.pending)):
            results.append(figures)
    _add_acceptance_times(session, results, in_scope, decided_in)
    _add_return_reasons(session, results, in_scope, decided_in)
    return results


def _referral_scope(scope: Scope) -> list:
    """Clauses on referrals joined to their case (every query below joins `cases`)."""
    found = []
    if scope.region is not None:
        found.append(region_subtree_clause(scope.region))
    if scope.institution_id:
        found.append(or_(Referral.from_institution_id == scope.institution_id,
                         Referral.to_institution_id == scope.institution_id))
    return found


def _add_acceptance_times(session, results, in_scope, decided_in) -> None:
    """The median needs the individual durations (SQLite has no percentile function):
    all of the period's acceptances in one statement, sorted out per pair here."""
    rows = session.execute(
        _by_pair(in_scope, Referral.created_at, Referral.decided_at)
        .where(Referral.status == "accepted", decided_in))
    hours: dict[tuple, list[float]] = {}
    for kind, from_kind, to_kind, created, decided in rows:
        hours.setdefault((kind, from_kind, to_kind), []).append(
            (decided - created).total_seconds() / 3600)
    for figures in results:
        found = hours.get((figures.kind, figures.from_kind, figures.to_kind))
        figures.median_hours_to_accept = round(median(found), 1) if found else None


def _add_return_reasons(session, results, in_scope, decided_in) -> None:
    rows = session.execute(
        _by_pair(in_scope, Referral.return_reason, func.count())
        .where(Referral.status == "returned", decided_in)
        .group_by(*_PAIR, Referral.return_reason))
    by_key = {(f.kind, f.from_kind, f.to_kind): f for f in results}
    for kind, from_kind, to_kind, reason, count in rows:
        figures = by_key.get((kind, from_kind, to_kind))
        if figures is not None:
            figures.returned_by_reason = {**(figures.returned_by_reason or {}), reason: count}
