"""Three figures that must be right before they are fast, on hand-computed worlds; each
figure is read both from the reference query (stats.queries, over the cases) and from the
rollups the pages read (stats.rollups).

Late registration (overdue from the deadline history):
  L  filed at the committee 2026-09-21: registration must be answered within 3 working
     days (by 09-24); still unanswered at the end of September, so September has 1
     overdue. Accepted on 10-09, which gives it a new 30-day deadline (11-08): October
     has none, and September keeps its 1 however the case moves on.

Delegated and returned (诉前委派调解, 诉调对接) — people once, conclusions credited:
  K  filed at the court 10-01 with 2 parties and delegated to the committee; the
     committee's mediator accepts 10-02 and concludes in failure 10-10; the case goes
     back to court (accepted by the court's mediator 10-12), which concludes in success
     10-20. October: concluded 2, parties 2 (the same two people, once); by channel
     peoples 2 and judicial 2 (once in each). 以案定补: the committee's failure is the
     committee mediator's, the court's success the court mediator's."""

from datetime import date, datetime

import pytest

from mediation_app.stats import queries, rollups
from mediation_app.stats.definitions import Period
from mediation_app.stats.queries import Scope
from mediation_app.subsidy.services import statement

from ..referrals.helpers import (
    accept,
    build_world,
    file_case,
    fire,
    record_session,
    send,
    sign_agreement,
)

SEPTEMBER = Period(date(2026, 9, 1), date(2026, 9, 30))
OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))
NOW = datetime(2026, 11, 15, 4, 0)
SUBSIDY = {"SUBSIDY_RATES": {"success": {"simple": 100, "normal": 200, "complex": 400},
                             "failure": {"simple": 30, "normal": 50, "complex": 80}},
           "SUBSIDY_COMPLEX": {"parties": 5, "amount": 100000}, "SUBSIDY_SIMPLE_AMOUNT": 10000}


def at(month: int, day: int) -> datetime:
    """Noon in Beijing, as naive UTC."""
    return datetime(2026, month, day, 4, 0)


@pytest.fixture(params=["reference", "rollups"])
def figures_of(request, session):
    source = queries if request.param == "reference" else rollups

    def read(period, region, group=None):
        return source.statistics(session, period, Scope(region=region), group=group, now=NOW)

    return read


@pytest.fixture
def world(make):
    return build_world(make)


@pytest.fixture
def late_registration(make, world):
    case = file_case(make.session, world.mediator, now=at(9, 21))
    make.commit()
    return case


def test_a_registration_unanswered_at_the_end_of_september_is_overdue_then(
        figures_of, late_registration, world):
    assert figures_of(SEPTEMBER, world.district).totals.overdue == 1


def test_a_later_deadline_does_not_undo_an_earlier_months_overdue(
        figures_of, make, late_registration, world):
    fire(make.session, late_registration, world.mediator, at(10, 9), "accept")
    make.commit()
    assert figures_of(SEPTEMBER, world.district).totals.overdue == 1
    assert figures_of(OCTOBER, world.district).totals.overdue == 0


@pytest.fixture
def delegated_and_returned(make, world):
    court_mediator = make.user(role="mediator", institution=world.court)
    case = file_case(make.session, world.court_liaison, now=at(10, 1), workflow="court_prefiling")
    accept(make.session, send(make.session, case, "delegate", world.committee,
                              world.court_liaison, at(10, 1)), world.mediator, at(10, 2))
    fire(make.session, case, world.mediator, at(10, 2), "accept", "start_mediation")
    record_session(make.session, case, world.mediator, at(10, 3))
    fire(make.session, case, world.mediator, at(10, 10), "close_failure")
    accept(make.session, send(make.session, case, "return_to_court", world.court,
                              world.mediator, at(10, 11)), court_mediator, at(10, 12))
    fire(make.session, case, court_mediator, at(10, 12), "accept", "start_mediation")
    record_session(make.session, case, court_mediator, at(10, 13))
    sign_agreement(make.session, case, court_mediator, at(10, 19))
    fire(make.session, case, court_mediator, at(10, 20), "close_success")
    make.commit()
    return court_mediator


def test_a_case_concluded_twice_in_a_period_counts_its_people_once(
        figures_of, delegated_and_returned, world):
    totals = figures_of(OCTOBER, world.district).totals
    assert (totals.concluded, totals.parties) == (2, 2)


def test_each_channel_counts_the_people_of_a_case_it_concluded_once(
        figures_of, delegated_and_returned, world):
    by_channel = dict(figures_of(OCTOBER, world.district, "channel").groups)
    assert (by_channel["peoples"].parties, by_channel["judicial"].parties) == (2, 2)


def test_a_committee_failure_is_credited_to_the_committee_mediator_after_the_case_returns(
        session, delegated_and_returned, world):
    [line] = statement(session, institution_ids=[world.committee.id], month="2026-10",
                       config=SUBSIDY)
    assert (line.mediator_id, line.counts) == (world.mediator.id, {("failure", "simple"): 1})


def test_the_court_success_is_credited_to_the_court_mediator(session, delegated_and_returned,
                                                             world):
    [line] = statement(session, institution_ids=[world.court.id], month="2026-10",
                       config=SUBSIDY)
    assert (line.mediator_id, line.counts) == (delegated_and_returned.id,
                                               {("success", "simple"): 1})

