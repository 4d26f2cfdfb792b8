"""道路交通事故损害赔偿调解: the insurer taking part, only where there is one.
《道路交通事故处理程序规定》(公安部令第146号) 第八十九条 names among those who take part in the
mediation the staff of the insurance company that insures the motor vehicle (承保机动车保险的
保险公司人员); a case with no insurer (a bicycle, an uninsured vehicle) is mediated all the
same. The traffic police record whether there is one and, if so, its name and the number of
the 交强险 policy; bad input is refused in Chinese."""

from datetime import datetime

import pytest
from sqlalchemy import select

from mediation_app.audit.models import CaseEvent
from mediation_app.handlings import traffic
from mediation_app.handlings.services import fire_transition
from tests.factories import traffic_dates_before

NOW = datetime(2026, 11, 23, 2, 0)
PICC = "中国人民财产保险股份有限公司淮安市分公司"


def _traffic_case(make):
    officer = make.user(role="liaison", institution=make.institution(kind="traffic_police"))
    return make.case(by=officer), officer


def _record(make, case, officer, **values):
    return traffic.record_insurer(make.session, case, traffic.Insurer(**values), actor=officer,
                                  now=NOW)


def _events(session, case):
    return session.scalars(select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "traffic.insurer")
        .order_by(CaseEvent.id)).all()


def test_an_insurer_is_kept_with_its_name_and_policy_number_and_the_change_audited(make):
    """第八十九条: the insurer of the vehicle takes part; its name and 交强险 policy number are
    kept on the handling (spaces and hyphens dropped, letters upper case), and the record
    is an audited event of the case."""
    case, officer = _traffic_case(make)
    _record(make, case, officer, present=True, name=f" {PICC} ",
            policy_number="pdza 2026-3208 0000 0012")
    assert traffic.insurer_of(case.current_handling) == {
        **traffic.insurer_of(case.current_handling), "present": True, "name": PICC,
        "policy_number": "PDZA2026320800000012"}
    [event] = _events(make.session, case)
    assert event.data["label"] == "有承保的保险公司参加调解"
    assert event.data["policy_number"] == "PDZA2026320800000012"


def test_a_case_with_no_insurer_is_mediated_to_the_end_without_any_insurer_record(make):
    """第八十九条 says 承保机动车保险的保险公司人员 only where there is one: accepting, starting
    and closing the mediation ask nothing about an insurer."""
    case, officer = _traffic_case(make)
    for step in ("accept", "start_mediation"):
        traffic_dates_before(make.session, case, officer, step)
        fire_transition(make.session, case, step, actor=officer, now=NOW)
    make.session_record(case, officer)
    fire_transition(make.session, case, "close_failure", actor=officer, now=NOW,
                    reason="no_agreement")
    assert case.handlings[-1].state == "failed"
    assert traffic.insurer_of(case.handlings[-1]) is None
    assert traffic.INSURER_KEY not in case.handlings[-1].facts


def test_saying_there_is_no_insurer_clears_an_earlier_insurer(make):
    """An insurer recorded by mistake is taken back by recording that there is none; the
    audit trail keeps both records."""
    case, officer = _traffic_case(make)
    _record(make, case, officer, present=True, name=PICC, policy_number="PDZA20263208000012")
    _record(make, case, officer, present=False, name="（忽略）", policy_number="（忽略）")
    assert traffic.insurer_of(case.current_handling) is None
    assert [e.data["present"] for e in _events(make.session, case)] == [True, False]
    assert _events(make.session, case)[-1].data["before"]["name"] == PICC


@pytest.mark.parametrize(("values", "code"), [
    ({"name": "", "policy_number": "PDZA20263208000012"}, "insurer_name_missing"),
    ({"name": "保" * 101, "policy_number": "PDZA20263208000012"}, "insurer_name_too_long"),
    ({"name": PICC, "policy_number": "  "}, "policy_number_missing"),
    ({"name": PICC, "policy_number": "保单第12号"}, "policy_number_bad"),
    ({"name": PICC, "policy_number": "PDZA12"}, "policy_number_bad"),
])
def test_an_insurer_without_a_name_or_a_good_policy_number_is_refused(make, values, code):
    """第八十九条: an insurer that takes part is named, with the 交强险 policy it holds."""
    case, officer = _traffic_case(make)
    with pytest.raises(traffic.TrafficMediationError, match=code):
        _record(make, case, officer, present=True, **values)
    assert traffic.INSURER_KEY not in (case.current_handling.facts or {})
    assert _events(make.session, case) == []


def test_the_insurer_cannot_be_changed_once_the_mediation_is_over(make):
    """After the 调解书 or 调解终结书 (第九十三条、第九十四条) the record is what the document
    printed."""
    case, officer = _traffic_case(make)
    fire_transition(make.session, case, "decline", actor=officer, now=NOW,
                    reason="application_late")
    with pytest.raises(traffic.TrafficMediationError, match="not_holder"):
        _record(make, case, officer, present=True, name=PICC,
                policy_number="PDZA20263208000012")


def test_another_procedure_records_no_insurer(make):
    """Only the traffic police's procedure asks for the insurer of 第八十九条."""
    mediator = make.user()
    case = make.case(by=mediator)
    with pytest.raises(traffic.TrafficMediationError, match="not_asked"):
        _record(make, case, mediator, present=False)


def test_the_insurer_is_recorded_on_the_case_page_and_shown_there(make, login, session):
    """The officer records the insurer on the case page; the page shows its name and policy
    number under 第八十九条."""
    case, officer = _traffic_case(make)
    make.commit()
    client = login(officer)
    page = client.post(f"/cases/{case.id}/traffic/insurer", data={
        "present": "present", "name": PICC, "policy_number": "PDZA20263208000012"},
        follow_redirects=True).get_data(as_text=True)
    assert "已记录参加交通事故损害赔偿调解的保险公司" in page
    assert PICC in page and "PDZA20263208000012" in page and "第八十九条" in page
    session.expire_all()
    handling = session.get(type(case), case.id).current_handling
    assert traffic.insurer_of(handling)["name"] == PICC


def test_a_case_page_without_insurer_says_none_takes_part(make, login):
    """No insurer is the ordinary case: the page says so, and offers to record one."""
    case, officer = _traffic_case(make)
    make.commit()
    page = login(officer).get(f"/cases/{case.id}").get_data(as_text=True)
    assert "无保险公司参加调解" in page and "记录参加调解的保险公司" in page


def test_a_bad_policy_number_is_refused_on_the_case_page_in_chinese(make, login, session):
    """The officer reads what is wrong in Chinese; nothing is kept."""
    case, officer = _traffic_case(make)
    make.commit()
    page = login(officer).post(f"/cases/{case.id}/traffic/insurer", data={
        "present": "present", "name": PICC, "policy_number": "第12号"},
        follow_redirects=True).get_data(as_text=True)
    assert "保单号应为8至30位字母或数字" in page
    session.expire_all()
    handling = session.get(type(case), case.id).current_handling
    assert traffic.INSURER_KEY not in (handling.facts or {})
