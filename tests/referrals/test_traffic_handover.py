"""The traffic police and the 道路交通事故人民调解委员会 hand road traffic cases to each other.

- 《道路交通事故处理程序规定》(公安部令第146号) 第八十六条第二款: where the traffic police's
  mediation reaches no agreement the parties may 申请人民调解委员会进行调解; 公安部 司法部
  保监会《关于推行人民调解委员会调解道路交通事故民事损害赔偿工作的通知》(公通字〔2010〕29号) 四:
  parties who agree to 人民调解 may go to the committee without the traffic police's mediation,
  and where it reaches no agreement they may ask the traffic police to mediate.
- The traffic police send only to a committee whose specialty is road traffic (kind
  `traffic_peoples_mediation`); only such a committee sends back (`traffic_police_mediation`).
- Every handover tells the receiving institution, its acceptance tells the sender, and each
  institution keeps reading its own record of the case."""

from datetime import datetime

import pytest
from sqlalchemy import select

from mediation_app.audit.models import CaseEvent
from mediation_app.casefile.models import Case, Referral
from mediation_app.documents.issuer import current_issuer
from mediation_app.handlings import traffic
from mediation_app.handlings.catalog import catalog
from mediation_app.notifications.models import Notification
from mediation_app.referrals import services
from mediation_app.referrals.services import ReferralError

from ..factories import PASSWORD
from .helpers import accept, file_case, fire, record_session

NOW = datetime(2026, 11, 23, 2, 0)
PICC = "中国人民财产保险股份有限公司淮安市分公司"


@pytest.fixture
def place(make):
    district = make.region(level="district", parent=make.region(level="city"), name="清江浦区")

    def institution(kind, name, specialty=None):
        found = make.institution(kind=kind, region=district, name=name)
        found.specialty = specialty
        return found

    traffic_police = institution("traffic_police", "淮安市公安局交通警察支队清江浦大队")
    road = institution("professional_committee", "清江浦区道路交通事故纠纷人民调解委员会",
                       "traffic")
    medical = institution("professional_committee", "淮安市医患纠纷人民调解委员会", "medical")
    street = institution("peoples_committee", "浦楼街道人民调解委员会")
    people = {
        "officer": make.user(role="liaison", institution=traffic_police, display_name="吴振华"),
        "road_mediator": make.user(role="mediator", institution=road, display_name="周立新"),
        "street_mediator": make.user(role="mediator", institution=street),
    }
    make.session.flush()
    return type("Place", (), {"traffic_police": traffic_police, "road": road,
                              "medical": medical, "street": street, **people})


def _traffic_case(session, place, *steps):
    case = file_case(session, place.officer, now=NOW, dispute_type="traffic",
                     summary="电动车与小轿车碰撞")
    fire(session, case, place.officer, NOW, *steps)
    return case


def send(session, case, kind, to, actor, now, reason="请予调解。", consent=True):
    return services.send_referral(session, catalog(), case, kind=kind, to_institution=to,
                                  reason=reason, actor=actor, now=now, accept_working_days=3,
                                  issuer=current_issuer(), parties_consent=consent)


def _told(session, user, kind):
    return session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                      Notification.kind == kind)).all()


def _kinds(session, case, user):
    return [rule.kind for rule, _unmet in services.sendable_rules(session, case, user, now=NOW)]


def _handed_to_committee(session, place):
    case = _traffic_case(session, place, "accept")
    traffic.record_insurer(session, case, traffic.Insurer(
        present=True, name=PICC, policy_number="PDZA20263208000012"), actor=place.officer,
        now=NOW)
    referral = send(session, case, "traffic_peoples_mediation", place.road, place.officer, NOW,
                    reason="双方当事人同意由交通事故人民调解委员会调解。")
    accept(session, referral, place.road_mediator, NOW)
    return case


def test_the_traffic_police_are_offered_only_committees_for_road_traffic(session, place):
    """The committee kinds a 人民调解 workflow serves include street and other professional
    committees; a traffic handover offers only the 道路交通事故人民调解委员会."""
    case = _traffic_case(session, place)
    offered = services.receivers(session, catalog(), case, "traffic_peoples_mediation",
                                 place.traffic_police)
    assert offered == [place.road]


def test_a_traffic_handover_to_another_committee_is_refused(session, place):
    """Sending past the list (the API takes any institution id) is refused, nothing sent."""
    case = _traffic_case(session, place)
    with pytest.raises(ReferralError, match="bad_receiver"):
        send(session, case, "traffic_peoples_mediation", place.street, place.officer, NOW)
    assert session.scalars(select(Referral).where(Referral.case_id == case.id)).all() == []


def test_a_handover_without_the_parties_consent_is_refused(session, place):
    """人民调解 is voluntary (人民调解法 第三条): the traffic police confirm that the parties
    agree; without it nothing is sent and nobody is told."""
    case = _traffic_case(session, place)
    with pytest.raises(ReferralError, match="consent_required"):
        send(session, case, "traffic_peoples_mediation", place.road, place.officer, NOW,
             consent=False)
    assert session.scalars(select(Referral).where(Referral.case_id == case.id)).all() == []
    assert _told(session, place.road_mediator, "referral.received") == []


def test_the_parties_consent_is_kept_with_the_handover(session, place):
    case = _traffic_case(session, place)
    send(session, case, "traffic_peoples_mediation", place.road, place.officer, NOW)
    event = session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                   CaseEvent.action == "referral.sent"))
    assert event.data["parties_consent"] is True


def test_the_send_page_asks_for_the_parties_consent_and_refuses_in_chinese_without_it(
        session, place, login):
    """The page offers only the road traffic committee and asks whether the parties agree;
    sent without the tick, the officer reads why in Chinese and the case stays put."""
    case = _traffic_case(session, place)
    session.commit()
    client = login(place.officer)
    url = f"/cases/{case.id}/referrals/traffic_peoples_mediation"
    page = client.get(url).get_data(as_text=True)
    assert "当事人同意移交" in page and place.road.name in page
    assert place.street.name not in page and place.medical.name not in page
    page = client.post(url, data={"to_institution_id": place.road.id, "reason": "请予调解。"},
                       follow_redirects=True).get_data(as_text=True)
    assert "移交须经当事人同意" in page
    session.expire_all()
    assert session.scalars(select(Referral).where(Referral.case_id == case.id)).all() == []
    client.post(url, data={"to_institution_id": place.road.id, "reason": "请予调解。",
                           "parties_consent": "y"})
    [sent] = session.scalars(select(Referral).where(Referral.case_id == case.id)).all()
    assert (sent.kind, sent.to_institution_id) == ("traffic_peoples_mediation", place.road.id)


def test_the_traffic_police_hand_a_case_over_before_during_and_after_their_mediation(
        session, place):
    """第八十六条第二款 (after mediation fails) and 公通字〔2010〕29号 (instead of it): the
    handover is offered from application to failure."""
    case = _traffic_case(session, place)
    assert "traffic_peoples_mediation" in _kinds(session, case, place.officer)
    fire(session, case, place.officer, NOW, "accept", "start_mediation")
    record_session(session, case, place.officer, NOW)
    fire(session, case, place.officer, NOW, "close_failure")
    assert case.handlings[-1].state == "failed"
    assert "traffic_peoples_mediation" in _kinds(session, case, place.officer)


def test_the_handover_tells_the_committee_and_its_acceptance_tells_the_traffic_police(
        session, place):
    """Every handover closes its loop: the committee's mediator is told of the case sent,
    the traffic police of its acceptance; the committee mediates under 人民调解."""
    case = _traffic_case(session, place, "accept")
    referral = send(session, case, "traffic_peoples_mediation", place.road, place.officer, NOW)
    [received] = _told(session, place.road_mediator, "referral.received")
    assert received.case_id == case.id
    assert "交警移交交通事故人民调解委员会调解" in received.params["detail"]
    assert _told(session, place.street_mediator, "referral.received") == []
    accept(session, referral, place.road_mediator, NOW)
    [accepted] = _told(session, place.officer, "referral.accepted")
    assert accepted.case_id == case.id
    police_handling, committee_handling = case.handlings
    assert police_handling.outcome == "transferred"
    assert committee_handling.institution_id == place.road.id
    assert committee_handling.workflow_version.name == "peoples_committee"


def test_only_a_committee_for_road_traffic_hands_a_case_to_the_traffic_police(session, place):
    """A street committee mediating some traffic dispute is not offered the handback; the
    道路交通事故人民调解委员会 is."""
    case = _handed_to_committee(session, place)
    assert "traffic_police_mediation" in _kinds(session, case, place.road_mediator)
    street_case = file_case(session, place.street_mediator, now=NOW, dispute_type="traffic")
    assert "traffic_police_mediation" not in _kinds(session, street_case, place.street_mediator)
    with pytest.raises(ReferralError, match="not_sendable"):
        send(session, street_case, "traffic_police_mediation", place.traffic_police,
             place.street_mediator, NOW)


def test_the_committee_hands_the_case_back_and_the_traffic_police_are_told(session, place):
    """公通字〔2010〕29号 四: mediation at the committee failed and the parties ask the traffic
    police to mediate; the traffic police are told, take it under their own procedure (the
    joint application of 第八十六条 is recorded again there), and the committee is told."""
    case = _handed_to_committee(session, place)
    fire(session, case, place.road_mediator, NOW, "accept", "start_mediation")
    record_session(session, case, place.road_mediator, NOW)
    fire(session, case, place.road_mediator, NOW, "close_failure")
    back = send(session, case, "traffic_police_mediation", place.traffic_police,
                place.road_mediator, NOW, reason="调解不成，双方一致申请公安机关交通管理部门调解。")
    [received] = _told(session, place.officer, "referral.received")
    assert "交通事故人民调解委员会移交交警调解" in received.params["detail"]
    accept(session, back, place.officer, NOW)
    assert _told(session, place.road_mediator, "referral.accepted")
    latest = case.handlings[-1]
    assert (latest.institution_id, latest.workflow_version.name, latest.state) == (
        place.traffic_police.id, "traffic_accident", "registered")
    assert traffic.application_of(latest) is None


def _page(app, user, case_id: int) -> str:
    client = app.test_client()
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    return client.get(f"/cases/{case_id}").get_data(as_text=True)


def test_the_traffic_police_still_read_their_insurer_record_once_the_committee_holds_it(
        session, place, app):
    """A record belongs to the institution that made it: after the handover the traffic
    police read the case and their own insurer record on it, read only."""
    case = _handed_to_committee(session, place)
    session.commit()
    page = _page(app, place.officer, case.id)
    assert PICC in page and "PDZA20263208000012" in page
    assert "由淮安市公安局交通警察支队清江浦大队在办理期间记录" in page
    assert "记录参加调解的保险公司" not in page


def test_the_committee_reads_the_insurer_the_traffic_police_recorded(session, place, app):
    """公通字〔2010〕29号 五: the committee tells the insurer of its sessions, so it reads which
    insurer the traffic police recorded; the record stays theirs (no form to change it)."""
    case = _handed_to_committee(session, place)
    session.commit()
    page = _page(app, place.road_mediator, case.id)
    assert PICC in page and "PDZA20263208000012" in page
    assert "记录参加调解的保险公司" not in page


def test_the_traffic_police_cannot_change_their_record_once_the_committee_holds_it(
        session, place, app):
    """Only the institution holding the case changes it: the traffic police's insurer record
    stays as it was."""
    case = _handed_to_committee(session, place)
    session.commit()
    client = app.test_client()
    client.post("/login", data={"username": place.officer.username, "password": PASSWORD})
    response = client.post(f"/cases/{case.id}/traffic/insurer", data={"present": "none"})
    assert response.status_code == 403
    session.expire_all()
    police_handling = session.get(Case, case.id).handlings[0]
    assert traffic.insurer_of(police_handling)["name"] == PICC
