"""Receivers offered first are the ones a user expects; others need a stated reason, which
is recorded. Courts with jurisdiction for a 司法确认 follow 民事诉讼法 第二百零五条: where a
party lives, where the subject matter is, or where the mediation organisation sits."""

from datetime import datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from mediation_app.audit.models import CaseEvent
from mediation_app.casefile import jurisdiction
from mediation_app.db import utcnow
from mediation_app.documents.issuer import current_issuer
from mediation_app.handlings.catalog import catalog
from mediation_app.referrals import services
from mediation_app.referrals.services import ReferralError

from .helpers import (
    client_for,
    database,
    file_case,
    fire,
    record_session,
    send,
    sign_agreement,
)

NOW = datetime(2025, 3, 10, 2, 0)


@pytest.fixture
def map_(make):
    """A city with three districts, each with its court, committee and centre."""
    city = make.region(level="city", name="淮安市")
    places = {}
    for name in ("清江浦区", "淮阴区", "洪泽区"):
        district = make.region(level="district", parent=city, name=name)
        town = make.region(level="town", parent=district, name=f"{name}某街道")
        places[name] = {
            "district": district, "town": town,
            "court": make.institution(kind="court", region=district, name=f"{name}人民法院"),
            "committee": make.institution(kind="peoples_committee", region=town,
                                          name=f"{name}某街道人民调解委员会"),
            "centre": make.institution(kind="governance_centre", region=district,
                                       name=f"{name}矛调中心"),
        }
    city_centre = make.institution(kind="governance_centre", region=city, name="淮安市矛调中心")
    make.session.flush()
    return places, city_centre


def _succeeded_case(session, make, committee, *, address=None, now=NOW):
    mediator = make.user(role="mediator", institution=committee)
    case = file_case(session, mediator, now=now)
    if address:
        case.parties[1].address = address
    fire(session, case, mediator, now, "accept", "start_mediation")
    record_session(session, case, mediator, now)
    sign_agreement(session, case, mediator, now)
    fire(session, case, mediator, now, "close_success")
    return case, mediator


def _split(session, case, kind, sender):
    candidates = services.receivers(session, catalog(), case, kind, sender)
    expected, others = jurisdiction.split(session, case, kind, sender, candidates)
    return [i.name for i in expected], [i.name for i in others]


def test_judicial_confirmation_offers_the_courts_of_the_place_and_of_a_partys_home(
        session, make, map_):
    places, _ = map_
    case, mediator = _succeeded_case(session, make, places["清江浦区"]["committee"],
                                     address="淮阴区王营镇幸福路8号")
    expected, others = _split(session, case, "judicial_confirmation", mediator.institution)
    assert expected == ["清江浦区人民法院", "淮阴区人民法院"]
    assert others == ["洪泽区人民法院"]


def test_the_judicial_confirmation_form_defaults_to_the_local_court(app):
    from ..factories import Factories

    with database(app) as session:
        make = Factories(session)
        city = make.region(level="city", name="淮安市")
        here = make.region(level="district", parent=city, name="清江浦区")
        there = make.region(level="district", parent=city, name="淮阴区")
        # another district's court sorts first by name
        make.institution(kind="court", region=there, name="A淮阴区人民法院")
        make.institution(kind="court", region=here, name="清江浦区人民法院")
        committee = make.institution(kind="peoples_committee", region=here, name="某调委会")
        case, mediator = _succeeded_case(session, make, committee, now=utcnow())
        session.commit()
        case_id, signed_in = case.id, SimpleNamespace(username=mediator.username)
    page = client_for(app, signed_in).get(f"/cases/{case_id}/referrals/judicial_confirmation")
    assert page.status_code == 200
    select_html = page.get_data(as_text=True).split('name="to_institution_id"')[1]
    first_option = select_html.split("<option", 2)[1]
    assert "清江浦区人民法院" in first_option
    assert "须说明理由" in select_html.split("A淮阴区人民法院")[1][:40]


def test_a_court_delegates_first_to_committees_within_its_area(session, make, map_):
    places, _ = map_
    liaison = make.user(role="liaison", institution=places["淮阴区"]["court"])
    case = file_case(session, liaison, now=NOW, workflow="court_prefiling",
                     region=places["淮阴区"]["town"])
    expected, others = _split(session, case, "delegate", liaison.institution)
    assert expected == ["淮阴区某街道人民调解委员会"]
    assert set(others) == {"清江浦区某街道人民调解委员会", "洪泽区某街道人民调解委员会"}


def test_reporting_upwards_offers_the_centre_above(session, make, map_):
    places, city_centre = map_
    mediator = make.user(role="mediator", institution=places["洪泽区"]["committee"])
    case = file_case(session, mediator, now=NOW)
    expected, _ = _split(session, case, "escalate", mediator.institution)
    assert expected == ["洪泽区矛调中心"]
    dispatcher = make.user(role="dispatcher", institution=places["洪泽区"]["centre"])
    assert jurisdiction.expected(session, case, "escalate", dispatcher.institution,
                                 [city_centre, places["淮阴区"]["centre"]]) == [city_centre]


def test_another_receiver_needs_a_stated_reason_which_is_recorded(session, make, map_):
    places, _ = map_
    case, mediator = _succeeded_case(session, make, places["清江浦区"]["committee"])
    far_court = places["洪泽区"]["court"]
    with pytest.raises(ReferralError) as refused:
        send(session, case, "judicial_confirmation", far_court, mediator, NOW)
    assert refused.value.code == "off_list_reason_required"
    referral = services.send_referral(
        session, catalog(), case, kind="judicial_confirmation", to_institution=far_court,
        reason="申请司法确认。", actor=mediator, now=NOW, accept_working_days=3,
        off_list_reason="双方约定由标的物所在地洪泽区法院管辖。", issuer=current_issuer())
    assert referral.off_list_reason == "双方约定由标的物所在地洪泽区法院管辖。"
    event = session.scalar(select(CaseEvent).where(CaseEvent.action == "referral.sent"))
    assert event.data["off_list_reason"] == "双方约定由标的物所在地洪泽区法院管辖。"
    assert event.data["to_name"] == "洪泽区人民法院"
