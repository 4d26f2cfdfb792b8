"""What a mediation prevented (防止民转刑, 防止群体性上访, 防止群体性械斗; cases and people, as
the 人民调解工作统计报表 counts them) is recorded when the mediator concludes the case, and
totalled over the reader's period and jurisdiction.

The world, October 2026, a city with two districts:
  A  district 1, committee 1: success 10-10, 民转刑 1 case 3 people, 群体性上访 1 case 12 people
  B  district 1, committee 1: failure 10-12, 群体性械斗 1 case 8 people
  C  district 1 (a town in it), committee 1b: success 10-14, 民转刑 1 case 2 people (labour)
  D  district 2, committee 2: success 10-11, 民转刑 1 case 5 people
  E  district 1, committee 1: success 09-25, 群体性上访 1 case 6 people (September's)

October, district 1: 民转刑 2 cases 5 people, 上访 1/12, 械斗 1/8; district 2: 民转刑 1/5;
committee 1 alone: 民转刑 1/3, 上访 1/12, 械斗 1/8."""

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from mediation_app.audit.models import CaseEvent
from mediation_app.handlings.models import PreventedEscalation
from mediation_app.handlings.prevention import Prevented, problems
from mediation_app.handlings.services import HandlingError, fire_transition
from mediation_app.monthly.figures import Settings, freeze
from mediation_app.stats import prevented, views
from mediation_app.stats.definitions import Period
from mediation_app.stats.queries import Scope

from ..factories import reason_for

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))
NOW = datetime(2026, 11, 15, 4, 0)


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 4, 0)


def _conclude(make, case, mediator, step, when, stopped=None):
    fire_transition(make.session, case, "accept", actor=mediator, now=when)
    fire_transition(make.session, case, "start_mediation", actor=mediator, now=when)
    make.session_record(case, mediator)
    if step == "close_success":
        make.sign_everyone(make.agreement(case, mediator), case, mediator, now=when)
    fire_transition(make.session, case, step, actor=mediator, now=when,
                    reason=reason_for(case, step), prevented=stopped)


@pytest.fixture
def world(make):
    city = make.region()
    first, second = (make.region(level="district", parent=city) for _ in range(2))
    town = make.region(level="town", parent=first)
    one, one_b = make.institution(region=first), make.institution(region=town)
    two = make.institution(region=second)
    mediators = {name: make.user(institution=where)
                 for name, where in (("m_one", one), ("m_one_b", one_b), ("m_two", two))}
    m = mediators["m_one"]
    _conclude(make, make.case(by=m, now=at(10, 1)), m, "close_success", at(10, 10),
              Prevented(criminal_cases=1, criminal_people=3, petition_cases=1,
                        petition_people=12))
    _conclude(make, make.case(by=m, now=at(10, 1)), m, "close_failure", at(10, 12),
              Prevented(fight_cases=1, fight_people=8))
    _conclude(make, make.case(by=mediators["m_one_b"], now=at(10, 1), dispute_type="labour"),
              mediators["m_one_b"], "close_success", at(10, 14),
              Prevented(criminal_cases=1, criminal_people=2))
    _conclude(make, make.case(by=mediators["m_two"], now=at(10, 1)), mediators["m_two"],
              "close_success", at(10, 11), Prevented(criminal_cases=1, criminal_people=5))
    _conclude(make, make.case(by=m, now=at(9, 1)), m, "close_success", at(9, 25),
              Prevented(petition_cases=1, petition_people=6))
    make.commit()
    return {"city": city, "first": first, "second": second, "town": town, "one": one,
            "two": two, **mediators}


# --- the rule ---------------------------------------------------------------------------

def test_nothing_prevented_breaks_no_rule():
    assert problems(Prevented()) == []


def test_at_least_one_person_per_case_is_required():
    assert problems(Prevented(criminal_cases=3, criminal_people=2)) == [
        ("criminal", "fewer_people_than_cases")]


def test_people_without_cases_and_cases_without_people_are_refused():
    assert problems(Prevented(petition_people=4, fight_cases=1)) == [
        ("petition", "people_without_cases"), ("fight", "cases_without_people")]


def test_negative_counts_are_refused():
    assert problems(Prevented(fight_cases=-1, fight_people=2)) == [("fight", "negative")]


# --- recording it -----------------------------------------------------------------------

def test_closing_a_case_keeps_what_it_prevented_and_audits_it(make, session):
    case, mediator = make.mediating_case()
    make.sign_everyone(make.agreement(case, mediator), case, mediator)
    handling = case.current_handling
    fire_transition(session, case, "close_success", actor=mediator, now=datetime.utcnow(),
                    prevented=Prevented(criminal_cases=1, criminal_people=4))
    kept = session.get(PreventedEscalation, handling.id)
    assert (kept.criminal_cases, kept.criminal_people, kept.petition_cases,
            kept.recorded_by_id) == (1, 4, 0, mediator.id)
    event = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                            .order_by(CaseEvent.seq.desc())).first()
    assert event.action == "handling.transition"
    assert event.data["prevented"]["criminal_people"] == 4


def test_a_conclusion_without_anything_prevented_stores_no_row(make, session):
    case, mediator = make.mediating_case()
    fire_transition(session, case, "close_failure", actor=mediator, now=datetime.utcnow(),
                    reason=reason_for(case, "close_failure"), prevented=Prevented())
    assert session.scalars(select(PreventedEscalation)).all() == []


def test_a_step_that_does_not_conclude_refuses_counts(make, session):
    case, mediator = make.mediating_case()
    with pytest.raises(HandlingError) as refused:
        fire_transition(session, case, "withdraw", actor=mediator, now=datetime.utcnow(),
                        reason=reason_for(case, "withdraw"),
                        prevented=Prevented(fight_cases=1, fight_people=9))
    assert refused.value.code == "prevented_not_concluding"


def test_a_handling_that_is_no_mediation_records_none(make, session):
    """A review such as 司法确认 concludes too, but it is not a mediation: nothing to count."""
    case, mediator = make.mediating_case()
    case.current_handling.is_mediation = False
    session.flush()
    with pytest.raises(HandlingError) as refused:
        fire_transition(session, case, "close_failure", actor=mediator, now=datetime.utcnow(),
                        reason=reason_for(case, "close_failure"),
                        prevented=Prevented(criminal_cases=1, criminal_people=1))
    assert refused.value.code == "prevented_not_concluding"


def test_the_service_refuses_counts_that_break_the_rule(make, session):
    case, mediator = make.mediating_case()
    with pytest.raises(HandlingError) as refused:
        fire_transition(session, case, "close_failure", actor=mediator, now=datetime.utcnow(),
                        reason=reason_for(case, "close_failure"),
                        prevented=Prevented(criminal_cases=2, criminal_people=1))
    assert refused.value.code == "prevented_invalid"
    assert case.current_handling.outcome is None


def test_the_database_refuses_fewer_people_than_cases(make, session):
    case, mediator = make.mediating_case()
    session.add(PreventedEscalation(handling_id=case.current_handling.id,
                                    recorded_by_id=mediator.id, fight_cases=3, fight_people=2))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_the_closing_form_records_what_was_prevented(make, session, login):
    case, mediator = make.mediating_case()
    handling_id = case.current_handling.id
    make.commit()
    login(mediator).post(f"/cases/{case.id}/transitions/close_failure", data={
        "reason": reason_for(case, "close_failure"), "petition_cases": "1",
        "petition_people": "15"})
    kept = session.get(PreventedEscalation, handling_id)
    assert (kept.petition_cases, kept.petition_people, kept.criminal_cases) == (1, 15, 0)


def test_the_closing_form_explains_a_broken_rule_in_chinese_and_changes_nothing(
        make, session, login):
    case, mediator = make.mediating_case()
    make.commit()
    client = login(mediator)
    client.post(f"/cases/{case.id}/transitions/close_failure", data={
        "reason": reason_for(case, "close_failure"), "fight_cases": "2", "fight_people": "1"})
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "防止群体性械斗：人数不得少于件数" in page
    session.expire_all()
    assert case.current_handling is not None and case.current_handling.outcome is None
    assert session.scalars(select(PreventedEscalation)).all() == []


def test_the_case_page_offers_the_counts_on_a_concluding_step_only(make, login):
    case, mediator = make.mediating_case()
    make.commit()
    page = login(mediator).get(f"/cases/{case.id}").get_data(as_text=True)
    assert page.count('name="criminal_cases"') == 1    # 调解不成; 调解成功 waits for signatures


# --- the totals -------------------------------------------------------------------------

def _october(session, region, **scope):
    return prevented.total(prevented.from_rollups(session, OCTOBER,
                                                  Scope(region=region, **scope)))


def test_a_district_totals_what_its_conclusions_of_the_period_prevented(session, world):
    assert _october(session, world["first"]) == Prevented(
        criminal_cases=2, criminal_people=5, petition_cases=1, petition_people=12,
        fight_cases=1, fight_people=8)


def test_another_district_reads_only_its_own(session, world):
    assert _october(session, world["second"]) == Prevented(criminal_cases=1,
                                                           criminal_people=5)


def test_an_institution_reads_its_own_conclusions(session, world):
    assert _october(session, world["city"], institution_id=world["one"].id) == Prevented(
        petition_cases=1, petition_people=12, fight_cases=1, fight_people=8,
        criminal_cases=1, criminal_people=3)


@pytest.mark.parametrize("group", [None, "channel", "dispute_type", "region", "institution"])
def test_the_rollups_give_the_reference_totals(session, world, group):
    for region in ("city", "first", "second", "town"):
        for scope in (Scope(region=world[region]),
                      Scope(region=world[region], dispute_type="labour"),
                      Scope(region=world[region], institution_id=world["one"].id)):
            for period in (OCTOBER, Period(date(2026, 9, 1), date(2026, 10, 31))):
                assert prevented.from_rollups(session, period, scope, group=group) \
                    == prevented.reference(session, period, scope, group=group)


def _page(login, user, monkeypatch):
    monkeypatch.setattr(views, "utcnow", lambda: NOW)
    return login(user).get("/stats/?start=2026-10-01&end=2026-10-31").get_data(as_text=True)


def _prevented_rows(page: str) -> str:
    return page.split('class="card prevented"')[1].split("</section>")[0]


def test_the_committee_reader_of_a_district_reads_its_totals(make, world, login, monkeypatch):
    reader = make.user(role="committee",
                       institution=make.institution(kind="committee", region=world["first"]))
    make.commit()
    rows = _prevented_rows(_page(login, reader, monkeypatch))
    assert "防止民转刑" in rows
    assert "<td>2</td><td>5</td>" in rows and "<td>1</td><td>12</td>" in rows \
        and "<td>1</td><td>8</td>" in rows


def test_a_mediator_reads_the_totals_of_their_own_institution(world, login, monkeypatch):
    rows = _prevented_rows(_page(login, world["m_two"], monkeypatch))
    assert rows.count("<td>1</td><td>5</td>") == 1 and rows.count("<td>0</td><td>0</td>") == 2


def test_the_monthly_report_freezes_the_totals(session, world):
    frozen = freeze(session, world["first"], "2026-10", now=NOW, settings=Settings())
    assert frozen["prevented"] == {"criminal_cases": 2, "criminal_people": 5,
                                   "petition_cases": 1, "petition_people": 12,
                                   "fight_cases": 1, "fight_people": 8}
