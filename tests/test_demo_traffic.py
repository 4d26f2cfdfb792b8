"""The demo city shows traffic accident mediation at the traffic police with an insurer and
without one (道路交通事故处理程序规定 第八十九条), and the handovers between the traffic police
and the 道路交通事故人民调解委员会 both ways (第八十六条第二款, 公通字〔2010〕29号)."""

import random

import pytest
from sqlalchemy import select

from mediation_app import demo as demo_city
from mediation_app.auth.services import create_user
from mediation_app.casefile.models import Case, Referral
from mediation_app.directory.services import create_institution, create_region
from mediation_app.handlings import traffic
from mediation_app.handlings.catalog import catalog


@pytest.fixture
def seeded(session, issuer):
    demo = demo_city.Demo(session=session, catalog=catalog(), issuer=issuer,
                          rng=random.Random(2026))
    regions = {}
    for code, name, level, parent in demo_city.REGIONS:
        regions[code] = create_region(session, code=code, name=name, level=level,
                                      parent=regions.get(parent))
    for code, name, short, kind, region, *specialty in demo_city.INSTITUTIONS:
        demo.institutions[code] = create_institution(session, code=code, name=name,
                                                     short_name=short, kind=kind,
                                                     region=regions[region])
        demo.institutions[code].specialty = specialty[0] if specialty else None
    for username, display, role, code in demo_city.USERS:
        demo.users[username] = create_user(session, username=username, password="x" * 12,
                                           role=role, institution=demo.institutions[code],
                                           display_name=display)
    demo_city._seed_traffic_cases(demo)
    return demo


def test_the_demo_has_a_traffic_police_case_with_an_insurer_and_one_without(seeded, session):
    police = seeded.institutions["QJP-JJ"]
    handlings = [case.handlings[0] for case in session.scalars(select(Case))
                 if case.handlings[0].institution_id == police.id]
    insurers = [traffic.insurer_of(handling) for handling in handlings]
    assert [i["name"] for i in insurers if i] == [demo_city.INSURER[0]]
    assert None in insurers
    assert {h.state for h in handlings} == {"succeeded", "failed"}


def test_the_demo_has_handovers_both_ways_with_the_road_traffic_committee(seeded, session):
    committee = seeded.institutions["QJP-JT"]
    assert committee.specialty == "traffic"
    referrals = {r.kind: r for r in session.scalars(select(Referral))}
    assert referrals["traffic_peoples_mediation"].status == "accepted"
    assert referrals["traffic_peoples_mediation"].to_institution_id == committee.id
    assert referrals["traffic_police_mediation"].status == "pending"
    assert referrals["traffic_police_mediation"].from_institution_id == committee.id
