"""委派/委托 mediation runs 30 days from 签收 (not from a later 受理) and is extended only
with both parties' consent, recorded as a step of its own
(《最高人民法院关于人民法院特邀调解的规定》)."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from mediation_app.audit.models import CaseEvent
from mediation_app.handlings.models import PeriodExtension
from mediation_app.handlings.periods import Extension, PeriodError, extend_period, period_of

from .helpers import accept, build_world, file_case, fire, send

SIGNED_FOR = datetime(2025, 3, 10, 2, 0)


@pytest.fixture
def world(make):
    return build_world(make)


@pytest.fixture
def delegated(session, world):
    case = file_case(session, world.court_liaison, now=SIGNED_FOR, workflow="court_prefiling")
    handling = accept(session, send(session, case, "delegate", world.committee,
                                    world.court_liaison, SIGNED_FOR), world.mediator, SIGNED_FOR)
    return case, handling


def test_the_period_runs_thirty_days_from_acceptance_not_from_a_later_intake(
        session, world, delegated):
    case, handling = delegated
    assert handling.deadline_at == SIGNED_FOR + timedelta(days=30)
    fire(session, case, world.mediator, SIGNED_FOR + timedelta(days=6), "accept",
         "start_mediation")
    assert handling.deadline_at == SIGNED_FOR + timedelta(days=30)
    assert case.deadline_at == SIGNED_FOR + timedelta(days=30)


def test_a_case_the_committee_filed_itself_keeps_its_own_deadlines(session, world):
    case = file_case(session, world.mediator, now=SIGNED_FOR)
    assert period_of(session, case.current_handling.id) is None


def test_both_parties_consent_extends_the_period_as_a_step_of_its_own(
        session, world, delegated):
    case, handling = delegated
    new_end = SIGNED_FOR + timedelta(days=45)
    extend_period(session, handling, Extension(
        ends_at=new_end, consenting_party_ids=tuple(p.id for p in case.parties),
        note="双方当事人当面书面同意。"), actor=world.mediator, now=SIGNED_FOR + timedelta(days=20))
    assert handling.deadline_at == new_end and case.deadline_at == new_end
    row = session.scalar(select(PeriodExtension))
    assert (row.previous_ends_at, row.ends_at, row.recorded_by_id) == (
        SIGNED_FOR + timedelta(days=30), new_end, world.mediator.id)
    assert sorted(p["role"] for p in row.consenting_parties) == ["applicant", "respondent"]
    event = session.scalar(select(CaseEvent).where(CaseEvent.action == "period.extended"))
    assert event.data["consented"] == [p.name for p in case.parties]
    assert event.data["ends_at"].startswith(new_end.date().isoformat())


def test_one_sides_consent_is_not_enough(session, world, delegated):
    case, handling = delegated
    applicant = next(p for p in case.parties if p.role == "applicant")
    with pytest.raises(PeriodError) as refused:
        extend_period(session, handling, Extension(
            ends_at=SIGNED_FOR + timedelta(days=40), consenting_party_ids=(applicant.id,)),
            actor=world.mediator, now=SIGNED_FOR)
    assert refused.value.code == "consent_missing"
    assert handling.deadline_at == SIGNED_FOR + timedelta(days=30)


def test_only_the_holder_extends_and_only_to_a_later_date(session, world, delegated):
    case, handling = delegated
    everyone = tuple(p.id for p in case.parties)
    with pytest.raises(PeriodError) as not_holder:
        extend_period(session, handling, Extension(SIGNED_FOR + timedelta(days=40), everyone),
                      actor=world.court_liaison, now=SIGNED_FOR)
    with pytest.raises(PeriodError) as earlier:
        extend_period(session, handling, Extension(SIGNED_FOR + timedelta(days=20), everyone),
                      actor=world.mediator, now=SIGNED_FOR)
    assert (not_holder.value.code, earlier.value.code) == ("not_holder", "not_later")
    assert session.scalar(select(PeriodExtension)) is None


def test_the_holder_extends_the_period_on_its_page(app):
    from datetime import date

    from .helpers import client_for, database, new_world
    from .helpers import file_case as file_case_now

    world = new_world(app)
    with database(app) as session:
        from mediation_app.auth.models import User
        from mediation_app.db import utcnow

        court = session.get(User, world.court_liaison.id)
        committee = session.get(User, world.mediator.id)
        case = file_case_now(session, court, now=utcnow(), workflow="court_prefiling")
        accept(session, send(session, case, "delegate", committee.institution, court, utcnow()),
               committee, utcnow())
        case_id, party_ids = case.id, [p.id for p in case.parties]
        session.commit()
    mediator = client_for(app, world.mediator)
    assert "经双方当事人同意延长" in mediator.get(f"/cases/{case_id}").get_data(as_text=True)
    new_end = date.today() + timedelta(days=50)
    response = mediator.post(f"/cases/{case_id}/period", data={
        "ends_at": new_end.isoformat(), "parties": party_ids, "note": "双方书面同意。"})
    assert response.status_code == 302
    with database(app) as session:
        row = session.scalar(select(PeriodExtension))
        assert row.note == "双方书面同意。" and len(row.consenting_parties) == 2
    assert client_for(app, world.court_liaison).get(f"/cases/{case_id}/period").status_code \
        == 403
