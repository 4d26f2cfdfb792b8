"""Loop closure per channel pair (DESIGN.md §8): the share of outcomes that reached the
sender within a day of the receiving handling's end, and the median hours."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from mediation_app.referrals.outcomes import deliver_pending
from mediation_app.referrals.records import OutcomeReport
from mediation_app.stats.definitions import Period
from mediation_app.stats.loop_closure import Closure, loop_closure, summarise

from ..referrals.helpers import (
    accept,
    build_world,
    file_case,
    fire,
    record_session,
    send,
    sign_agreement,
)

MONDAY = datetime(2025, 3, 10, 2, 0)
MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))


def test_share_within_a_day_and_median_hours_per_pair_are_computed_by_hand():
    """administrative → peoples: 0 h, 30 h, not told: 1 of 3 within a day = 33.33 %, median
    of the two that arrived = 15 h. judicial → peoples: 2 h and 4 h: 100 %, median 3 h."""
    figures = summarise([
        Closure("administrative", "peoples", Decimal("0")),
        Closure("administrative", "peoples", Decimal("30")),
        Closure("administrative", "peoples", None),
        Closure("judicial", "peoples", Decimal("2")),
        Closure("judicial", "peoples", Decimal("4")),
    ])
    assert [(f.from_channel, f.to_channel, f.ended, f.within_day, f.not_reached,
             f.within_day_share, f.median_hours) for f in figures] == [
        ("administrative", "peoples", 3, 1, 1, Decimal("33.33"), Decimal("15.00")),
        ("judicial", "peoples", 2, 2, 0, Decimal("100.00"), Decimal("3.00")),
    ]


def test_nothing_ended_gives_no_rows():
    assert summarise([]) == []


def test_a_dispatch_from_a_handling_without_channel_is_summarised_after_the_channels():
    """A governance centre's handling has no channel (its workflow names none): the cases it
    dispatched to a committee still count, in a pair listed after the pairs of channels."""
    figures = summarise([
        Closure(None, "peoples", Decimal("5")),
        Closure("judicial", "peoples", Decimal("30")),
        Closure(None, "peoples", None),
    ])
    assert [(f.from_channel, f.to_channel, f.ended, f.within_day, f.not_reached)
            for f in figures] == [("judicial", "peoples", 1, 0, 0), (None, "peoples", 2, 1, 1)]


@pytest.fixture
def world(make):
    return build_world(make)


def _police_case_to_success(session, world, now):
    case = file_case(session, world.police_liaison, now=now)
    accept(session, send(session, case, "police_mediation", world.committee,
                         world.police_liaison, now), world.mediator, now)
    fire(session, case, world.mediator, now, "accept", "start_mediation")
    record_session(session, case, world.mediator, now)
    sign_agreement(session, case, world.mediator, now)
    fire(session, case, world.mediator, now, "close_success")
    return case


def test_outcomes_told_at_once_and_a_day_late_are_counted_per_channel_pair(session, world):
    _police_case_to_success(session, world, MONDAY)
    world.police_liaison.is_active = False
    session.flush()
    _police_case_to_success(session, world, MONDAY + timedelta(days=1))
    world.police_liaison.is_active = True
    session.flush()
    deliver_pending(session, now=MONDAY + timedelta(days=3))
    hours = sorted(r.loop_closure_hours for r in session.scalars(select(OutcomeReport)))
    assert hours == [Decimal("0"), Decimal("48")]

    [pair] = loop_closure(session, MARCH, region=world.district)
    assert (pair.from_channel, pair.to_channel, pair.ended, pair.within_day,
            pair.within_day_share, pair.median_hours) == (
        "administrative", "peoples", 2, 1, Decimal("50.00"), Decimal("24.00"))
    assert loop_closure(session, MARCH, region=world.elsewhere) == []
    assert loop_closure(session, MARCH, institution_id=world.court.id) == []
