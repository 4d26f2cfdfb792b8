"""The rollups give the reference query's figures (stats.queries over the cases) on random
worlds: every figure, every grouping, several scopes and periods, after a rebuild and after
the changed cases are rolled up again one by one."""

import os
import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select, text, update

from mediation_app.audit.services import record_event
from mediation_app.casefile.models import Case, Handling, Party
from mediation_app.handlings.catalog import catalog, stored_version
from mediation_app.handlings.models import DeadlineChange
from mediation_app.stats import maintenance, queries, rollups
from mediation_app.stats.definitions import Figures, Period
from mediation_app.stats.models import (
    DailyFigures,
    DirtyCase,
    HandlingFact,
    MonthlyFigures,
    OverdueStretch,
)
from mediation_app.stats.queries import Scope

from ..statements import counted

NOW = datetime(2027, 1, 20, 4, 0)
START = datetime(2026, 8, 1)
TYPES = ("neighbour", "labour", "loan")
CHANNEL_OF = {"peoples_committee": "peoples", "police": "administrative", "court": "judicial"}
GROUPS = (None, "channel", "institution", "region", "dispute_type", "month")
PERIODS = (Period(date(2026, 9, 1), date(2026, 9, 30)),
           Period(date(2026, 10, 1), date(2026, 12, 31)),
           Period(date(2026, 11, 13), date(2026, 11, 13)))


def _moment(rng, after: datetime, days: int = 40) -> datetime:
    return after + timedelta(minutes=rng.randint(1, days * 24 * 60))


def _people(rng, n: int) -> list[dict]:
    return [{"name": f"人{i}", "id_number": None if rng.random() < 0.3 else f"3208{i:014d}",
             "phone": None if rng.random() < 0.2 else f"1380000{i:04d}"} for i in range(n)]


def _handlings(rng, case_id, filed, institutions, version_id, ids):
    rows, history, begun = [], [], filed
    for position in range(rng.choice((1, 1, 2, 3))):
        institution_id, kind = rng.choice(institutions)
        last = position == 2 or rng.random() < 0.5
        outcome = rng.choice(("success", "failure", "withdrawn", None) if last
                             else ("failure", "transferred"))
        accepted = _moment(rng, begun, 3) if rng.random() < 0.85 else None
        concluded = _moment(rng, accepted or begun) if outcome else None
        if concluded and concluded > NOW:
            outcome, concluded = None, None
        deadline = _moment(rng, begun, 20) if rng.random() < 0.8 else None
        handling_id = next(ids)
        rows.append({"id": handling_id, "case_id": case_id, "institution_id": institution_id,
                     "workflow_version_id": version_id, "channel": CHANNEL_OF[kind],
                     "is_mediation": rng.random() < 0.9, "state": "x", "outcome": outcome,
                     "started_at": begun, "accepted_at": accepted, "concluded_at": concluded,
                     "deadline_at": deadline,
                     "agreement_amount": Decimal(rng.randint(0, 99999)) / 100
                     if outcome == "success" and rng.random() < 0.8 else None})
        if rng.random() < 0.4:
            set_at = begun
            for _ in range(rng.randint(1, 3)):
                history.append({"handling_id": handling_id, "set_at": set_at,
                                "deadline_at": _moment(rng, set_at, 25)
                                if rng.random() < 0.85 else None})
                set_at = _moment(rng, set_at, 15)
            rows[-1]["deadline_at"] = history[-1]["deadline_at"]
        if outcome is None:
            break
        begun = concluded
    return rows, history


def build_world(make, seed: int, n_cases: int = 50):
    rng = random.Random(seed)
    session = make.session
    district = make.district()
    towns = [make.region(level="town", parent=district) for _ in range(2)]
    village = make.region(level="village", parent=towns[0])
    places = [district, *towns, village]
    institutions = [(make.institution(kind=kind, region=rng.choice(places)).id, kind)
                    for kind in ("peoples_committee", "peoples_committee", "police", "court")]
    user = make.user(institution=make.institution(region=district))
    version_id = stored_version(session, catalog().sources["peoples_committee"]).id
    session.flush()
    first = (session.scalar(select(func.max(Case.id))) or 0) + 1
    handling_ids = iter(range((session.scalar(select(func.max(Handling.id))) or 0) + 1, 10**9))
    people = _people(rng, 40)
    cases, handlings, parties, history = [], [], [], []
    for index in range(n_cases):
        case_id = first + index
        filed = _moment(rng, START, 150)
        count = rng.choice((2, 2, 3, 6))
        cases.append({"id": case_id, "case_no": f"R{seed}-{index}", "year": 2026, "seq": index + 1,
                      "numbering_institution_id": institutions[0][0],
                      "dispute_type": rng.choice(TYPES), "source": "walk_in",
                      "region_id": rng.choice(places).id, "summary": "纠纷",
                      "party_count": count, "received_on": filed.date(), "filed_at": filed,
                      "holder_institution_id": institutions[0][0], "state": "x",
                      "filed_by_id": user.id})
        rows, given = _handlings(rng, case_id, filed, institutions, version_id, handling_ids)
        handlings += rows
        history += given
        for position, person in enumerate(rng.sample(people, 2)):
            parties.append({"case_id": case_id, "position": position,
                            "role": "applicant" if position == 0 else "respondent", **person})
    session.execute(insert(Case), cases)
    session.execute(insert(Handling), handlings)
    session.execute(insert(Party), parties)
    if history:
        session.execute(insert(DeadlineChange), history)
    session.flush()
    return rng, district, towns, institutions


def _nonzero(found: dict) -> dict:
    return {key: figures for key, figures in found.items()
            if key not in (None, "") and figures != Figures()}


def _compare(session, district, towns, institutions) -> None:
    scopes = [Scope(region=district), Scope(region=towns[0]),
              Scope(region=district, institution_id=institutions[0][0]),
              Scope(region=district, channel="peoples"),
              Scope(region=district, dispute_type="labour")]
    turn = 0
    for period in PERIODS:
        for scope in scopes:
            turn += 1
            for group in (None, GROUPS[1 + turn % 5], GROUPS[1 + (turn + 2) % 5]):
                reference = queries.aggregate(session, period, scope, group=group, now=NOW)
                served = rollups.aggregate(session, period, scope, group=group, now=NOW)
                where = (period, scope.institution_id, scope.channel, scope.dispute_type, group)
                if group == "month":
                    assert reference == served, where
                elif group is None:
                    assert reference.get(None, Figures()) == served[None], where
                else:
                    assert _nonzero(reference) == _nonzero(served), where
                    total = queries.aggregate(session, period, scope, now=NOW)
                    assert total.get(None, Figures()) == served[None], where
    months = Period(date(2026, 8, 1), date(2027, 1, 31))
    assert queries.aggregate(session, months, scopes[0], group="month", now=NOW) == \
        rollups.aggregate(session, months, scopes[0], group="month", now=NOW)


@pytest.mark.parametrize("seed", [1, 2])
def test_rebuilt_rollups_give_the_reference_figures(make, session, seed):
    _rng, district, towns, institutions = build_world(make, seed)
    maintenance.rebuild(session)
    assert session.scalar(select(func.count()).select_from(HandlingFact)) > 0
    _compare(session, district, towns, institutions)


def _rolled_up(session) -> tuple:
    """The facts, the overdue stretches (without their ids) and the daily rows that are not
    all zero."""
    stretch_columns = [c for c in OverdueStretch.__table__.c if c.key != "id"]
    facts = [tuple(row) for row in session.execute(
        select(*HandlingFact.__table__.c).order_by(HandlingFact.handling_id))]
    stretches = sorted(tuple(row) for row in session.execute(select(*stretch_columns)))
    daily = sorted(tuple(row) for row in session.execute(select(*DailyFigures.__table__.c))
                   if any(row[len(maintenance.DAILY_KEY):]))
    return facts, stretches, daily


@pytest.mark.parametrize("seed", [4, 5])
def test_refreshing_every_case_gives_the_rebuilds_rows(make, session, seed):
    build_world(make, seed, n_cases=80)
    maintenance.rebuild(session)
    rebuilt = _rolled_up(session)
    maintenance.refresh(session, session.scalars(select(Case.id)).all())
    assert _rolled_up(session) == rebuilt


def test_rollups_follow_changes_case_by_case(make, session):
    rng, district, towns, institutions = build_world(make, 3)
    maintenance.rebuild(session)
    ids = session.scalars(select(Case.id).where(Case.region_id.in_(
        [district.id, *[t.id for t in towns]]))).all()
    changed = rng.sample(list(ids), 30)
    for case_id in changed[:10]:       # a success where there was none, or the other way
        session.execute(update(Handling).where(Handling.case_id == case_id,
                                               Handling.outcome.is_not(None))
                        .values(outcome=rng.choice(("success", "failure"))))
    for case_id in changed[10:20]:     # the dispute moves elsewhere, or changes type
        session.execute(update(Case).where(Case.id == case_id)
                        .values(region_id=towns[1].id, dispute_type=rng.choice(TYPES)))
    for case_id in changed[20:]:       # a new case between the same people: not durable
        party = session.scalars(select(Party).where(Party.case_id == case_id)).first()
        case = session.get(Case, case_id)
        new_id = session.scalar(select(func.max(Case.id))) + 1
        session.execute(insert(Case), [{
            "id": new_id, "case_no": f"N{new_id}", "year": 2026, "seq": 10_000 + new_id,
            "numbering_institution_id": case.numbering_institution_id,
            "dispute_type": case.dispute_type, "source": "walk_in", "region_id": case.region_id,
            "summary": "再次纠纷", "party_count": 2, "received_on": date(2026, 12, 1),
            "filed_at": datetime(2026, 12, 1, 4, 0), "holder_institution_id":
            case.holder_institution_id, "state": "x"}])
        session.execute(insert(Party), [{"case_id": new_id, "position": 0, "role": "applicant",
                                         "name": party.name, "id_number": party.id_number,
                                         "phone": party.phone}])
        changed.append(new_id)
    for case_id in changed:
        maintenance.refresh(session, [case_id])
    _compare(session, district, towns, institutions)


def test_a_change_recorded_in_the_audit_trail_queues_its_case_for_the_rollups(make, session):
    case = make.case()
    session.execute(DirtyCase.__table__.delete())
    record_event(session, case, "case.updated", actor=None, now=NOW)
    session.flush()
    assert session.scalars(select(DirtyCase.case_id)).all() == [case.id]


def test_reading_the_figures_rolls_up_the_queued_cases_first(make, session):
    mediator = make.user()
    case = make.case(by=mediator, now=datetime(2026, 10, 2, 4, 0))
    from mediation_app.handlings.services import fire_transition

    fire_transition(session, case, "accept", actor=mediator, now=datetime(2026, 10, 3, 4, 0))
    found = rollups.aggregate(session, Period(date(2026, 10, 1), date(2026, 10, 31)),
                              Scope(region=mediator.institution.region), now=NOW)
    assert found[None].received == 1
    assert session.scalar(select(func.count()).select_from(DirtyCase)) == 0
    assert session.scalar(select(func.sum(DailyFigures.received))) == 1


def test_the_scheduler_job_rolls_up_the_changed_cases(app, make, session):
    from mediation_app.stats.jobs import run_sync

    run_sync(app)                       # the rollups as of now
    case = make.case()
    make.commit()
    assert run_sync(app) == 1
    assert session.scalar(select(func.count()).select_from(DirtyCase)) == 0
    assert session.scalar(select(func.count()).select_from(HandlingFact)
                          .where(HandlingFact.case_id == case.id)) == 1


def test_a_writer_rebuilds_when_it_queued_more_than_a_big_import(make, session):
    maintenance.sync(session)
    make.case(), make.case()
    session.flush()
    assert maintenance.sync(session, rebuild_above=1) == 2   # every handling rolled up again
    assert session.scalar(select(func.count()).select_from(DirtyCase)) == 0


def test_a_readers_sync_rolls_a_long_queue_up_in_steps_and_never_rebuilds(make, session,
                                                                          monkeypatch):
    maintenance.sync(session)
    cases = [make.case() for _ in range(3)]
    session.flush()
    queued = session.scalar(select(func.count()).select_from(DirtyCase))
    steps = []
    refresh = maintenance.refresh
    monkeypatch.setattr(maintenance, "SYNC_BATCH", 2)
    monkeypatch.setattr(maintenance, "REBUILD_ABOVE", 1)
    monkeypatch.setattr(maintenance, "rebuild", lambda *a, **k: pytest.fail("rebuilt"))
    monkeypatch.setattr(maintenance, "refresh",
                        lambda s, ids, **k: steps.append(len(ids)) or refresh(s, ids, **k))
    assert maintenance.sync(session) == 3
    assert len(steps) == -(-queued // 2) and max(steps) <= 2
    assert session.scalar(select(func.count()).select_from(DirtyCase)) == 0
    assert session.scalar(select(func.count()).select_from(HandlingFact).where(
        HandlingFact.case_id.in_([case.id for case in cases]))) == 3


def test_a_sync_with_nothing_queued_reads_one_row_and_takes_no_lock(app, session):
    maintenance.sync(session)
    with counted(app) as statements:
        assert maintenance.sync(session) == 0
    assert len(statements) == 1
    assert "advisory" not in statements[0]


def _additive(figures: Figures) -> tuple:
    return (figures.received, figures.success, figures.failure, figures.withdrawn,
            figures.transferred, figures.agreement_amount, figures.durable_success)


def test_the_pages_trend_gives_each_months_reference_additive_figures(make, session):
    _rng, district, _towns, _institutions = build_world(make, 6)
    maintenance.rebuild(session)
    scope = Scope(region=district)
    found = rollups.page_figures(session, Period(date(2027, 1, 1), date(2027, 1, 31)), scope,
                                 now=NOW, trend_in_full=False)
    reference = queries.aggregate(session, Period(date(2026, 2, 1), date(2027, 1, 31)), scope,
                                  group="month", now=NOW)
    assert any(figures.received for figures in found.trend.values())
    assert {month: _additive(found.trend[month]) for month in found.months} == \
        {month: _additive(reference.get(month, Figures())) for month in found.months}


def _monthly_and_daily_per_month(session) -> tuple[list, list]:
    """The rows of stats_monthly, and those of stats_daily summed per month (all-zero
    rows left out of both)."""
    width = len(maintenance.MONTHLY_KEY)
    summed: dict = {}
    for row in session.execute(select(*DailyFigures.__table__.c)):
        key = (row[0].replace(day=1), *row[1:width])
        summed[key] = [a + b for a, b in zip(summed.get(key, [0] * len(row[width:])),
                                             row[width:], strict=True)]
    daily = sorted((*key, *sums) for key, sums in summed.items() if any(sums))
    monthly = sorted(tuple(row) for row in session.execute(select(*MonthlyFigures.__table__.c))
                     if any(row[width:]))
    return monthly, daily


@pytest.mark.parametrize("seed", [7, 8])
def test_the_monthly_rows_are_the_daily_rows_summed_per_month_after_a_rebuild(
        make, session, seed):
    build_world(make, seed)
    maintenance.rebuild(session)
    monthly, daily = _monthly_and_daily_per_month(session)
    assert monthly and monthly == daily


def test_the_monthly_rows_follow_the_daily_rows_when_changed_cases_are_rolled_up(
        make, session):
    rng, _district, towns, _institutions = build_world(make, 9)
    maintenance.rebuild(session)
    changed = rng.sample(list(session.scalars(select(Case.id))), 20)
    for case_id in changed[:10]:
        session.execute(update(Handling).where(Handling.case_id == case_id,
                                               Handling.outcome.is_not(None))
                        .values(outcome=rng.choice(("success", "failure", "withdrawn"))))
    for case_id in changed[10:]:
        session.execute(update(Case).where(Case.id == case_id)
                        .values(region_id=towns[1].id, dispute_type=rng.choice(TYPES)))
        session.execute(update(Handling).where(Handling.case_id == case_id)
                        .values(accepted_at=datetime(2026, 12, 31, 17, 0)))
    for case_id in changed:
        maintenance.refresh(session, [case_id])
    monthly, daily = _monthly_and_daily_per_month(session)
    assert monthly and monthly == daily


@pytest.mark.postgres_only
@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="the roll-up's lock is PostgreSQL's (on SQLite every transaction "
                           "holds the database's write lock)")
def test_the_statistics_page_commits_its_roll_up_before_drawing(app, make, session, login):
    """The roll-up's lock is held only while it rolls up: while the page is drawn, another
    connection takes the lock at once and sees the queue emptied and the figures rolled up."""
    from mediation_app.extensions import db
    from mediation_app.handlings.services import fire_transition
    from mediation_app.stats import views

    mediator = make.user()
    case = make.case(by=mediator)
    fire_transition(session, case, "accept", actor=mediator, now=case.filed_at)
    make.commit()
    seen = {}

    def drawn_after_commit(*args, **kwargs):
        with db.engine.connect() as other:
            seen["locked"] = other.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"),
                                          {"key": maintenance.LOCK_KEY})
            seen["queued"] = other.scalar(select(func.count()).select_from(DirtyCase))
            seen["received"] = other.scalar(select(func.sum(DailyFigures.received)))
        return original(*args, **kwargs)

    original = views.render_template
    views.render_template = drawn_after_commit
    try:
        assert login(mediator).get("/stats/").status_code == 200
    finally:
        views.render_template = original
    assert seen == {"locked": True, "queued": 0, "received": 1}
