"""Keeping the rollups (stats.models) equal to what the cases say.

Every change to a case appends an audit event in its transaction, and a trigger on
`case_events` queues the case in `stats_dirty`. `sync` (run before every read of the
rollups, and by the scheduler) rolls up the queued cases again, so what a reader gets is
exact as of the last commit; `rebuild` recomputes everything from scratch.

Rolling up a case: its mediation handlings become facts (dimensions, the days accepted and
concluded, outcome, people, agreement amount, whether the success recurred), their
overdue stretches follow from the deadline history, and `stats_daily` gets the difference
between the old facts and the new ones (an upsert that adds, so concurrent syncs of other
cases never lose each other's counts), `stats_monthly` the same difference per month, in
the same statement or transaction. A filed case also rolls up the earlier cases that
share a party with it: one of their successes may no longer be durable.

On PostgreSQL a refresh does all that in the database, a few statements per block of
cases (`_refresh_in_database`, the same rows as `roll_up` and `contributions` compute in
Python, which SQLite and the rebuild use)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache

from flask import current_app, has_app_context
from sqlalchemy import (
    Date,
    Integer,
    and_,
    any_,
    bindparam,
    cast,
    delete,
    func,
    insert,
    null,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

from ..casefile.models import Case, Handling, Party
from ..db import utcnow
from ..handlings.models import DeadlineChange
from .definitions import CHINA
from .models import (
    DailyFigures,
    DirtyCase,
    HandlingFact,
    MonthlyFigures,
    OverdueStretch,
    RollupState,
)

DAILY_KEY = ("day", "institution_id", "region_id", "channel", "dispute_type")
MONTHLY_KEY = ("month", *DAILY_KEY[1:])
DAILY_SUMS = ("received", "success", "failure", "withdrawn", "transferred", "parties",
              "agreement_amount", "durable_success")
CONCLUDED = ("success", "failure")
BATCH = 20_000
LOCK_KEY = 1_3000_0013
REBUILD_ABOVE = 100_000     # queued cases: past this the scheduler's roll-up (or its job on
                            # the queue) rebuilds; a reader's sync never does (see `sync`)
SYNC_BATCH = 5_000          # queued cases rolled up per step of a sync
REFRESH_BLOCK = 2_000       # cases rolled up together (SQLite: their ids are bound one by one)
REFRESH_BLOCK_POSTGRESQL = 5_000    # one array of ids: a step of a sync in one block


def configured_months() -> int:
    if has_app_context():
        return int(current_app.config.get("DURABLE_MONTHS", 6))
    return 6


def local_day(moment: datetime | None) -> date | None:
    """The day on the calendar in China of a naive UTC instant."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone(CHINA).date()


def add_months(column, months: int, dialect: str):
    from sqlalchemy import literal_column

    if dialect == "sqlite":
        return func.datetime(column, f"+{int(months)} months")
    return column + literal_column(f"interval '{int(months)} months'")


def listed(dialect: str):
    """A condition `column IN :ids`, the ids bound when the statement runs (parameter
    `ids`), for a statement built once per process. On PostgreSQL `column = ANY(:ids)`, one
    array parameter however many ids (a block of thousands of cases is then neither
    rendered nor parsed id by id)."""
    if dialect == "postgresql":
        return lambda column: column == any_(bindparam("ids", type_=ARRAY(Integer)))
    return lambda column: column.in_(bindparam("ids", expanding=True))


def same_person(ours, theirs) -> list:
    """Two parties are the same person: same ID number, or same name and phone."""
    return [or_(and_(ours.id_number_index.is_not(None),
                     theirs.id_number_index == ours.id_number_index),
                and_(ours.phone_index.is_not(None), theirs.name == ours.name,
                     theirs.phone_index == ours.phone_index))]


# --- what a case contributes ----------------------------------------------------------

def _recurrence_selects(cases_clause, months: int, dialect: str) -> list:
    """(success handling id `id`, first later filing `first`) for the successes of the
    chosen cases, one SELECT per way two parties are the same person."""
    selects = []
    for by_id_number in (True, False):
        success, this_case, ours, theirs, later = (aliased(Handling), aliased(Case),
                                                   aliased(Party), aliased(Party),
                                                   aliased(Case))
        if by_id_number:
            match = and_(ours.id_number_index.is_not(None),
                         theirs.id_number_index == ours.id_number_index)
        else:
            match = and_(ours.phone_index.is_not(None), theirs.name == ours.name,
                         theirs.phone_index == ours.phone_index)
        selects.append(
            select(success.id.label("id"), func.min(later.filed_at).label("first"))
            .join(this_case, this_case.id == success.case_id)
            .join(ours, ours.case_id == this_case.id)
            .join(theirs, match)
            .join(later, later.id == theirs.case_id)
            .where(cases_clause(success.case_id), cases_clause(this_case.id),
                   success.outcome == "success",
                   success.is_mediation.is_(True), later.id != this_case.id,
                   func.coalesce(later.dispute_type, later.dispute_type)
                   == this_case.dispute_type,
                   func.coalesce(later.filed_at, later.filed_at) > success.concluded_at,
                   func.coalesce(later.filed_at, later.filed_at)
                   <= add_months(success.concluded_at, months, dialect))
            .group_by(success.id))
    return selects


def recurrences(session: Session, cases_clause, months: int) -> dict[int, datetime]:
    """For the successes of the chosen cases: when a later case of the same dispute type,
    sharing a party, was first filed within `months` of the success."""
    dialect = session.get_bind().dialect.name
    found: dict[int, datetime] = {}
    for query in _recurrence_selects(cases_clause, months, dialect):
        for handling_id, first in session.execute(query):
            if handling_id not in found or first < found[handling_id]:
                found[handling_id] = first
    return found


def _raw(session: Session, cases_clause):
    return session.execute(
        select(Handling.id, Handling.case_id, Handling.institution_id, Handling.channel,
               Handling.accepted_at, Handling.concluded_at, Handling.outcome,
               Handling.agreement_amount, Handling.started_at, Handling.deadline_at,
               Case.region_id, Case.dispute_type, Case.party_count)
        .join(Case, Case.id == Handling.case_id)
        .where(cases_clause(Handling.case_id), Handling.is_mediation.is_(True))
        .order_by(Handling.id)).all()


def _history(session: Session, cases_clause) -> dict[int, list[tuple]]:
    rows = session.execute(
        select(DeadlineChange.handling_id, DeadlineChange.set_at, DeadlineChange.deadline_at)
        .join(Handling, Handling.id == DeadlineChange.handling_id)
        .where(cases_clause(Handling.case_id))
        .order_by(DeadlineChange.handling_id, DeadlineChange.set_at, DeadlineChange.id))
    found: dict[int, list[tuple]] = defaultdict(list)
    for handling_id, set_at, deadline_at in rows:
        found[handling_id].append((set_at, deadline_at))
    return found


def overdue_stretches(started_at, deadline_at, concluded_at, history: list[tuple]
                      ) -> list[tuple[datetime, datetime, datetime | None]]:
    """(deadline, from, until): overdue at t when from < t <= until (until None: open).
    Each deadline is in force from when it was given until the next one; a handling
    without history had its current deadline from its start."""
    given = history or [(started_at, deadline_at)]
    stretches = []
    for index, (set_at, deadline) in enumerate(given):
        if deadline is None:
            continue
        replaced = given[index + 1][0] if index + 1 < len(given) else None
        ends = [moment for moment in (replaced, concluded_at) if moment is not None]
        until = min(ends) if ends else None
        start = max(set_at, deadline)
        if until is None or start < until:
            stretches.append((deadline, start, until))
    return stretches


def roll_up(session: Session, cases_clause, months: int) -> tuple[list[dict], list[dict]]:
    """The facts and overdue stretches of the chosen cases, from the cases themselves."""
    raw = _raw(session, cases_clause)
    history = _history(session, cases_clause)
    recurred = recurrences(session, cases_clause, months)
    conclusions: dict[int, int] = defaultdict(int)
    for row in raw:
        if row.outcome in CONCLUDED:
            conclusions[row.case_id] += 1
    facts, stretches = [], []
    for row in raw:
        dims = {"case_id": row.case_id, "institution_id": row.institution_id,
                "region_id": row.region_id, "channel": row.channel or "",
                "dispute_type": row.dispute_type}
        facts.append({
            "handling_id": row.id, **dims,
            "accepted_day": local_day(row.accepted_at),
            "concluded_day": local_day(row.concluded_at),
            "outcome": row.outcome, "parties": row.party_count or 0,
            "agreement_amount": row.agreement_amount,
            "recurred_at": recurred.get(row.id),
            "is_repeat": conclusions[row.case_id] > 1,
        })
        for deadline, start, until in overdue_stretches(row.started_at, row.deadline_at,
                                                        row.concluded_at,
                                                        history.get(row.id, [])):
            stretches.append({"handling_id": row.id, **dims, "deadline_at": deadline,
                              "overdue_from": start, "overdue_until": until})
    return facts, stretches


def contributions(fact: dict, sign: int, into: dict) -> None:
    """Add (sign = 1) or take away (-1) what one handling's facts put in stats_daily."""
    dims = (fact["institution_id"], fact["region_id"], fact["channel"], fact["dispute_type"])
    if fact["accepted_day"] is not None:
        into[(fact["accepted_day"], *dims)]["received"] += sign
    outcome = fact["outcome"]
    if outcome is None or fact["concluded_day"] is None:
        return
    row = into[(fact["concluded_day"], *dims)]
    row[outcome] += sign
    if outcome == "success":
        row["agreement_amount"] += sign * (fact["agreement_amount"] or Decimal(0))
        row["durable_success"] += sign * (fact["recurred_at"] is None)
    if outcome in CONCLUDED and not fact["is_repeat"]:
        row["parties"] += sign * fact["parties"]


def _empty_sums() -> dict:
    return {name: (Decimal(0) if name == "agreement_amount" else 0) for name in DAILY_SUMS}


def _daily_rows(sums: dict) -> list[dict]:
    return [{**dict(zip(DAILY_KEY, key)), **values} for key, values in sums.items()
            if any(values.values())]


def _monthly_rows(daily: list[dict]) -> list[dict]:
    """The daily rows summed per month (keyed by its first day), as stats_monthly holds."""
    sums: dict = defaultdict(_empty_sums)
    for row in daily:
        into = sums[(row["day"].replace(day=1), *(row[name] for name in DAILY_KEY[1:]))]
        for name in DAILY_SUMS:
            into[name] += row[name]
    return [{**dict(zip(MONTHLY_KEY, key)), **values} for key, values in sums.items()
            if any(values.values())]


def _add_to_daily(session: Session, rows: list[dict]) -> None:
    """Add the rows to stats_daily, and their sums per month to stats_monthly (upserts that
    add; SQLite's refresh: PostgreSQL's adds in the database, _refresh_in_database)."""
    for model, key, each in ((DailyFigures, DAILY_KEY, rows),
                             (MonthlyFigures, MONTHLY_KEY, _monthly_rows(rows))):
        if not each:
            continue
        table = model.__table__
        statement = sqlite_insert(model)
        statement = statement.on_conflict_do_update(
            index_elements=list(key),
            set_={name: table.c[name] + statement.excluded[name] for name in DAILY_SUMS})
        session.execute(statement, each)


# --- refreshing some cases, syncing the queue, rebuilding -----------------------------

def neighbours(session: Session, case_ids: Iterable[int]) -> set[int]:
    """Cases sharing a party with the given ones (their successes may recur now)."""
    return set(session.scalars(_neighbours_select(session.get_bind().dialect.name),
                               {"ids": list(case_ids)}))


_OURS, _THEIRS = aliased(Party), aliased(Party)


@cache
def _neighbours_select(dialect: str):
    return (select(_THEIRS.case_id).distinct()
            .join(_OURS, *same_person(_OURS, _THEIRS))
            .where(listed(dialect)(_OURS.case_id)))


def refresh(session: Session, case_ids: Iterable[int], *, months: int | None = None) -> None:
    """Roll the given cases (and the cases sharing a party with them) up again."""
    chosen = set(case_ids)
    if not chosen:
        return
    months = months or configured_months()
    postgresql = session.get_bind().dialect.name == "postgresql"
    previous = _set_locally(session, REFRESH_SETTINGS) if postgresql else {}
    chosen |= neighbours(session, chosen)
    block = REFRESH_BLOCK_POSTGRESQL if postgresql else REFRESH_BLOCK
    ordered = sorted(chosen)
    for start in range(0, len(ordered), block):
        _refresh_some(session, ordered[start:start + block], months)
    if previous:
        _set_locally(session, previous)


# How a refresh's statements are planned on PostgreSQL (for the rest of the transaction,
# then put back). psycopg prepares a statement run five times, and PostgreSQL may then
# plan it once for any ids (a generic plan, reading whole tables): each block is planned
# for its own ids. Its statements read a few thousand rows through indexes: parallel
# workers and JIT compilation cost more than they save (and misjudge `= ANY(ids)`).
REFRESH_SETTINGS = {"plan_cache_mode": "force_custom_plan", "jit": "off",
                    "max_parallel_workers_per_gather": "0"}


def _set_locally(session: Session, settings: dict[str, str]) -> dict[str, str]:
    """SET LOCAL the settings (one statement to read them, one to set them); returns what
    they were."""
    names = list(settings)
    params = {f"name{index}": name for index, name in enumerate(names)}
    were = session.execute(text("SELECT " + ", ".join(
        f"current_setting(:name{index})" for index in range(len(names)))), params).one()
    params.update({f"value{index}": settings[name] for index, name in enumerate(names)})
    session.execute(text("SELECT " + ", ".join(
        f"set_config(:name{index}, :value{index}, true)" for index in range(len(names)))),
        params)
    return dict(zip(names, were))


def _refresh_some(session: Session, ids: list[int], months: int) -> None:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        _refresh_in_database(session, ids, months)
        return

    def cases_clause(column):
        return column.in_(ids)

    old = session.execute(
        select(*HandlingFact.__table__.c).where(cases_clause(HandlingFact.case_id))
        .order_by(HandlingFact.handling_id).with_for_update()).mappings().all()
    facts, stretches = roll_up(session, cases_clause, months)
    sums: dict = defaultdict(_empty_sums)
    for fact in old:
        contributions(dict(fact), -1, sums)
    for fact in facts:
        contributions(fact, 1, sums)
    _add_to_daily(session, _daily_rows(sums))
    session.execute(delete(HandlingFact).where(cases_clause(HandlingFact.case_id)))
    session.execute(delete(OverdueStretch).where(cases_clause(OverdueStretch.case_id)))
    _bulk(session, HandlingFact, facts)
    _bulk(session, OverdueStretch, stretches)


# What a set of facts puts in stats_daily (`contributions` in SQL): one row per handling
# accepted, on its accepted day; one per handling concluded, on its concluded day; in
# stats_monthly the same, on the first day of their months.
_CONTRIBUTED = """
SELECT {day}, institution_id, region_id, channel, dispute_type, {sums}
FROM (
  SELECT accepted_day AS day, institution_id, region_id, channel, dispute_type,
         1 AS received, 0 AS success, 0 AS failure, 0 AS withdrawn, 0 AS transferred,
         0 AS parties, 0 AS agreement_amount, 0 AS durable_success
  FROM facts WHERE accepted_day IS NOT NULL
  UNION ALL
  SELECT concluded_day, institution_id, region_id, channel, dispute_type, 0,
         (outcome = 'success')::int, (outcome = 'failure')::int,
         (outcome = 'withdrawn')::int, (outcome = 'transferred')::int,
         CASE WHEN outcome IN ('success', 'failure') AND NOT is_repeat THEN parties
              ELSE 0 END,
         CASE WHEN outcome = 'success' THEN coalesce(agreement_amount, 0) ELSE 0 END,
         (outcome = 'success' AND recurred_at IS NULL)::int
  FROM facts WHERE outcome IS NOT NULL AND concluded_day IS NOT NULL
) AS contributed
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 3, 4, 5
"""


def _adding(table: str, key: tuple[str, ...], day: str, sign: int) -> str:
    """INSERT of what the facts put in `table` (its rows keyed by `day`), added to it."""
    contributed = _CONTRIBUTED.format(
        day=day, sums=", ".join(f"{int(sign)} * sum({name})" for name in DAILY_SUMS))
    adding = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in DAILY_SUMS)
    return (f"INSERT INTO {table} ({', '.join(key)}, {', '.join(DAILY_SUMS)}) {contributed} "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {adding}")


def _daily_statement(facts: str, sign: int):
    """WITH facts AS (`facts`) add (sign 1) or take away (-1) what they put in stats_daily
    and in stats_monthly, in one statement, the rows in key order (concurrent syncs lock
    the rows they share in one order)."""
    monthly = _adding("stats_monthly", MONTHLY_KEY, "CAST(date_trunc('month', day) AS date)",
                      sign)
    return text(f"WITH facts AS ({facts}), "
                f"daily AS ({_adding('stats_daily', DAILY_KEY, 'day', sign)}) {monthly}")


_TAKE_OLD_FACTS = _daily_statement(
    "DELETE FROM stats_handling_facts WHERE case_id = ANY(CAST(:ids AS INTEGER[])) "
    "RETURNING *", -1)
_ADD_NEW_FACTS = _daily_statement(
    "SELECT * FROM stats_handling_facts WHERE case_id = ANY(CAST(:ids AS INTEGER[]))", 1)


def _refresh_in_database(session: Session, ids: list[int], months: int) -> None:
    """PostgreSQL, in five statements whatever the number of cases: the old facts deleted
    and taken away from stats_daily (the DELETE locks them; for cases new to the rollups
    it finds nothing), their overdue stretches deleted, the new facts and stretches
    computed and inserted by the database (`roll_up` in SQL), and added to stats_daily
    from the table. Nothing goes through Python row by row."""
    for statement in (_TAKE_OLD_FACTS, *_refresh_statements(months), _ADD_NEW_FACTS):
        session.execute(statement, {"ids": ids})


@cache
def _refresh_statements(months: int) -> tuple:
    """The refresh's statements between taking the old facts and adding the new ones, built
    once per process (the ids are bound when they run): a sync after a few filings spent
    longer building them than the database spent running them."""
    chosen = listed("postgresql")
    return (delete(OverdueStretch.__table__).where(chosen(OverdueStretch.case_id)),
            _facts_insert(chosen, months), _stretches_insert(chosen))


def _china_day(column):
    """The day in China of a naive UTC timestamp column (`local_day` in SQL)."""
    return cast(func.timezone(CHINA.key, func.timezone("UTC", column)), Date)


def _facts_insert(cases_clause, months: int):
    """INSERT … SELECT of the facts `roll_up` computes (PostgreSQL). The chosen cases are
    named on each table (the planner then reads them through their indexes)."""
    found = union_all(*_recurrence_selects(cases_clause, months, "postgresql")).subquery()
    recurred = select(found.c.id, func.min(found.c.first).label("first")) \
        .group_by(found.c.id).subquery()
    conclusions = func.count().filter(Handling.outcome.in_(CONCLUDED)) \
        .over(partition_by=Handling.case_id)
    source = (select(Handling.id, Handling.case_id, Handling.institution_id, Case.region_id,
                     func.coalesce(Handling.channel, ""), Case.dispute_type,
                     _china_day(Handling.accepted_at), _china_day(Handling.concluded_at),
                     Handling.outcome, func.coalesce(Case.party_count, 0),
                     Handling.agreement_amount, recurred.c.first, conclusions > 1)
              .join(Case, Case.id == Handling.case_id)
              .outerjoin(recurred, recurred.c.id == Handling.id)
              .where(cases_clause(Handling.case_id), cases_clause(Case.id),
                     Handling.is_mediation.is_(True)))
    return insert(HandlingFact.__table__).from_select(
        ["handling_id", "case_id", "institution_id", "region_id", "channel", "dispute_type",
         "accepted_day", "concluded_day", "outcome", "parties", "agreement_amount",
         "recurred_at", "is_repeat"], source)


def _stretches_insert(cases_clause):
    """INSERT … SELECT of the overdue stretches `overdue_stretches` computes (PostgreSQL):
    each deadline of the history in force from when it was set until the next one was
    (a handling without history: its deadline from its start), overdue from the later of
    then and the deadline until the earlier of the next deadline and the conclusion."""
    history = (select(DeadlineChange.handling_id.label("handling_id"),
                      DeadlineChange.set_at.label("set_at"),
                      DeadlineChange.deadline_at.label("deadline"),
                      func.lead(DeadlineChange.set_at).over(
                          partition_by=DeadlineChange.handling_id,
                          order_by=(DeadlineChange.set_at, DeadlineChange.id)).label("replaced"))
               .join(Handling, Handling.id == DeadlineChange.handling_id)
               .where(cases_clause(Handling.case_id)))
    without = (select(Handling.id, Handling.started_at, Handling.deadline_at,
                      null().label("replaced"))
               .where(cases_clause(Handling.case_id), Handling.deadline_at.is_not(None),
                      ~select(DeadlineChange.id)
                      .where(DeadlineChange.handling_id == Handling.id).exists()))
    given = union_all(history, without).subquery()
    start = func.greatest(given.c.set_at, given.c.deadline)
    until = func.least(given.c.replaced, Handling.concluded_at)
    source = (select(given.c.handling_id, Handling.case_id, Handling.institution_id,
                     Case.region_id, func.coalesce(Handling.channel, ""), Case.dispute_type,
                     given.c.deadline, start, until)
              .join(Handling, Handling.id == given.c.handling_id)
              .join(Case, Case.id == Handling.case_id)
              .where(cases_clause(Handling.case_id),
                     Handling.is_mediation.is_(True), given.c.deadline.is_not(None),
                     or_(until.is_(None), start < until)))
    return insert(OverdueStretch.__table__).from_select(
        ["handling_id", "case_id", "institution_id", "region_id", "channel", "dispute_type",
         "deadline_at", "overdue_from", "overdue_until"], source)


def _state(session: Session) -> RollupState | None:
    return session.get(RollupState, 1)


def sync(session: Session, *, rebuild_above: int | None = None) -> int:
    """Roll up the cases changed since the last sync. Exact as of the last commit: run it
    before reading the rollups (it is cheap when nothing changed). The queue is rolled up
    in steps of SYNC_BATCH cases however long it is, so a reader's page never rebuilds the
    rollups because of a bulk change; the scheduler's roll-up (stats.jobs, also queued after
    a ledger import) passes `rebuild_above` to rebuild instead past that many (quicker then).
    Returns how many cases were queued (every case when the rollups had to be rebuilt)."""
    months = configured_months()
    if _up_to_date(session, months):
        return 0
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    state = _state(session)
    if state is None or state.durable_months != months:
        return rebuild(session, months=months)["facts"]
    if rebuild_above is not None and session.scalar(
            select(func.count()).select_from(DirtyCase)) > rebuild_above:
        return rebuild(session, months=months)["facts"]
    rolled: set[int] = set()
    while queued := _take_queued(session, SYNC_BATCH):
        refresh(session, queued, months=months)
        rolled |= set(queued)
    return len(rolled)


def _up_to_date(session: Session, months: int) -> bool:
    """Nothing queued and the rollups computed for `months`, in one statement and without
    the lock: readers then never wait for each other. A sync under way still shows its
    queue (its deletions are not committed), so its readers queue behind it as before."""
    found = session.execute(
        select(RollupState.durable_months,
               select(DirtyCase.id).exists().label("queued"))
        .where(RollupState.id == 1)).first()
    return found is not None and found.durable_months == months and not found.queued


def _take_queued(session: Session, limit: int) -> list[int]:
    """The first `limit` entries of the queue, taken off it: their case ids."""
    queue = DirtyCase.__table__     # the table, not the entity: no ORM bookkeeping per row
    first = select(queue.c.id).order_by(queue.c.id).limit(limit)
    return list(session.execute(delete(queue).where(queue.c.id.in_(first))
                                .returning(queue.c.case_id)).scalars())


def rebuild(session: Session, *, months: int | None = None, now: datetime | None = None,
            batch: int = BATCH) -> dict[str, int]:
    """Recompute every rollup from the cases; returns how many rows each table got."""
    months = months or configured_months()
    for model in (DailyFigures, MonthlyFigures, HandlingFact, OverdueStretch, DirtyCase):
        session.execute(delete(model))
    bounds = session.execute(select(func.min(Case.id), func.max(Case.id))).one()
    sums: dict = defaultdict(_empty_sums)
    counted = {"facts": 0, "overdue": 0}
    if bounds[0] is not None:
        for low in range(bounds[0], bounds[1] + 1, batch):
            def cases_clause(column, low=low):
                return and_(column >= low, column < low + batch)

            facts, stretches = roll_up(session, cases_clause, months)
            for fact in facts:
                contributions(fact, 1, sums)
            _bulk(session, HandlingFact, facts)
            _bulk(session, OverdueStretch, stretches)
            counted["facts"] += len(facts)
            counted["overdue"] += len(stretches)
    daily = _daily_rows(sums)
    monthly = _monthly_rows(daily)
    for model, rows in ((DailyFigures, daily), (MonthlyFigures, monthly)):
        for start in range(0, len(rows), batch):
            _bulk(session, model, rows[start:start + batch])
    state = _state(session)
    if state is None:
        state = RollupState(id=1, durable_months=months)
        session.add(state)
    state.durable_months = months
    state.rebuilt_at = now or utcnow()
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        for model in (DailyFigures, MonthlyFigures, HandlingFact, OverdueStretch):
            session.execute(text(f"ANALYZE {model.__tablename__}"))
    return {**counted, "daily": len(daily), "monthly": len(monthly)}


def _bulk(session: Session, model, rows: list[dict]) -> None:
    """Many rows at once: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(model), rows)
        return
    table = model.__table__
    columns = [column for column in table.columns if column.key in rows[0]]
    names = ", ".join(column.name for column in columns)
    cursor = connection.connection.dbapi_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[column.key] for column in columns])
