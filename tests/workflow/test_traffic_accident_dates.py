"""道路交通事故损害赔偿调解: the dates of 《道路交通事故处理程序规定》(公安部令第146号) the
traffic police workflow enforces. 第八十六条: the parties apply jointly in writing within ten
days of receiving the 道路交通事故认定书. 第九十条: mediation starts on the day the rules
name for the loss (death: the end of the funeral arrangements; injury: the end of
treatment; disability: the day it is assessed; property: the day the loss is determined),
or on acceptance where that day is already past, and ends within ten days. Periods count
as 民事诉讼法 第八十五条 says: the start day is not counted; a period ending on a rest day
runs to the next working day.

Hand-computed calendar: 2026-11-13 is a Friday, 11-21 a Saturday, 11-23 a Monday, 12-03 a
Thursday, 12-05 a Saturday, 12-07 a Monday."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from mediation_app.audit.models import CaseEvent
from mediation_app.handlings import traffic
from mediation_app.handlings.services import HandlingError, fire_transition
from mediation_app.workflow.calendar import china_date

MONDAY = datetime(2026, 11, 23, 2, 0)  # 10:00 in China, 2026-11-23
THURSDAY = datetime(2026, 11, 26, 2, 0)


def _traffic_case(make):
    officer = make.user(role="liaison", institution=make.institution(kind="traffic_police"))
    return make.case(by=officer), officer


def _apply(make, case, officer, received_on: date, applied_on: date, now=MONDAY):
    return traffic.record_application(make.session, case, traffic.Application(
        certificate_received_on=received_on, applied_on=applied_on), actor=officer, now=now)


def _fire(make, case, officer, step, now=MONDAY):
    return fire_transition(make.session, case, step, actor=officer, now=now)


def _accepted(make, received_on=date(2026, 11, 13)):
    case, officer = _traffic_case(make)
    _apply(make, case, officer, received_on, date(2026, 11, 23))
    _fire(make, case, officer, "accept")
    return case, officer


def _loss(make, case, officer, kind: str, occurred_on: date, now=THURSDAY):
    return traffic.record_loss_event(make.session, case, traffic.LossEvent(
        kind=kind, occurred_on=occurred_on), actor=officer, now=now)


# -- 第八十六条: the application within ten days of the 事故认定书 ---------------------------

def test_the_last_day_to_apply_is_the_tenth_day_after_the_certificate_was_received():
    """第八十六条 (十日内), 民事诉讼法 第八十五条: received on Friday 11-13, the tenth day
    is Monday 11-23."""
    assert traffic.last_day_to_apply(date(2026, 11, 13)) == date(2026, 11, 23)


def test_a_tenth_day_on_a_weekend_runs_to_the_next_working_day():
    """第八十六条 with 民事诉讼法 第八十五条: received on 11-11, the tenth day is Saturday
    11-21, so the period runs to Monday 11-23."""
    assert traffic.last_day_to_apply(date(2026, 11, 11)) == date(2026, 11, 23)


def test_an_application_is_accepted_only_once_the_certificate_date_is_recorded(make):
    """第八十六条: whether the application came in time is judged from the day the
    事故认定书 was received, which must be recorded first."""
    case, officer = _traffic_case(make)
    with pytest.raises(HandlingError) as refused:
        _fire(make, case, officer, "accept")
    assert refused.value.guards == ("accident_certificate_recorded", "applied_within_ten_days")


def test_an_application_on_the_tenth_day_is_accepted(make):
    """第八十六条: applied on the last of the ten days, the application is in time."""
    case, officer = _traffic_case(make)
    _apply(make, case, officer, date(2026, 11, 13), date(2026, 11, 23))
    _fire(make, case, officer, "accept")
    assert case.current_handling.state == "accepted"


def test_an_application_after_the_tenth_day_is_refused_acceptance(make):
    """第八十六条: applied on the eleventh day, the application is not accepted; the finding
    and the dates are kept on the handling and in the audit trail."""
    case, officer = _traffic_case(make)
    _apply(make, case, officer, date(2026, 11, 13), date(2026, 11, 24), now=THURSDAY)
    with pytest.raises(HandlingError) as refused:
        _fire(make, case, officer, "accept", now=THURSDAY)
    assert refused.value.guards == ("applied_within_ten_days",)
    assert case.current_handling.state == "registered"
    event = make.session.scalar(select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "traffic.application"))
    assert event.data["in_time"] is False and event.data["last_day"] == "2026-11-23"
    assert event.data["label"] == "逾期申请，不予受理"


def test_an_application_cannot_come_before_the_certificate(make):
    """第八十六条: the ten days run from receiving the 事故认定书; an application dated
    before it is a typing error and is refused."""
    case, officer = _traffic_case(make)
    with pytest.raises(traffic.TrafficMediationError, match="applied_before_certificate"):
        _apply(make, case, officer, date(2026, 11, 20), date(2026, 11, 19))
    assert traffic.application_of(case.current_handling) is None


def test_a_late_application_is_refused_on_the_case_page_in_chinese_citing_article_86(
        make, login, session):
    """第八十六条: the officer pressing 受理 on a late application reads why in Chinese, with
    the article; the case stays registered."""
    case, officer = _traffic_case(make)
    make.commit()
    client = login(officer)
    client.post(f"/cases/{case.id}/traffic/application", data={
        "certificate_received_on": "2026-11-01", "applied_on": "2026-11-20"})
    page = client.post(f"/cases/{case.id}/transitions/accept", data={},
                       follow_redirects=True).get_data(as_text=True)
    assert "收到道路交通事故认定书之日起十日内" in page and "不予受理" in page
    assert "《道路交通事故处理程序规定》第八十六条" in page
    session.expire_all()
    assert session.get(type(case), case.id).current_handling.state == "registered"


# -- 第九十条: ten days of mediation from the event named for the loss -----------------------

@pytest.mark.parametrize("kind", traffic.LOSS_KINDS)
def test_mediation_runs_ten_days_from_the_event_named_for_the_loss(make, kind):
    """第九十条: the event (end of the funeral, end of treatment, disability assessment, loss
    determination) on Wednesday 11-25, after acceptance: mediation counts from it, and its
    tenth day, Saturday 12-05, runs to Monday 12-07."""
    case, officer = _accepted(make)
    _loss(make, case, officer, kind, date(2026, 11, 25))
    _fire(make, case, officer, "start_mediation", now=THURSDAY)
    handling = case.current_handling
    assert traffic.dates_of(handling)["starts_on"] == date(2026, 11, 25)
    assert china_date(handling.deadline_at) == date(2026, 12, 7)


def test_an_event_already_past_at_acceptance_counts_from_acceptance(make):
    """第九十条第二款: the loss determined on 11-10, before the application was accepted on
    11-23: mediation counts from acceptance, and ends on Thursday 12-03."""
    case, officer = _accepted(make)
    _loss(make, case, officer, "property", date(2026, 11, 10))
    _fire(make, case, officer, "start_mediation", now=THURSDAY)
    assert traffic.dates_of(case.current_handling)["starts_on"] == date(2026, 11, 23)
    assert china_date(case.current_handling.deadline_at) == date(2026, 12, 3)


def test_mediation_starts_only_once_the_loss_event_is_recorded(make):
    """第九十条: without the event the period counts from, mediation cannot start."""
    case, officer = _accepted(make)
    with pytest.raises(HandlingError) as refused:
        _fire(make, case, officer, "start_mediation")
    assert refused.value.guards == ("loss_event_recorded",)


def test_the_loss_event_is_recorded_once_the_application_is_accepted(make):
    """第九十条第二款: the start depends on the day of acceptance, so the event is recorded
    after it."""
    case, officer = _traffic_case(make)
    _apply(make, case, officer, date(2026, 11, 13), date(2026, 11, 23))
    with pytest.raises(traffic.TrafficMediationError, match="not_accepted"):
        _loss(make, case, officer, "injury", date(2026, 11, 20))


def test_a_loss_event_in_the_future_is_refused(make):
    """第九十条: the day is a fact that happened (治疗终结, 定残 …), not a forecast."""
    case, officer = _accepted(make)
    with pytest.raises(traffic.TrafficMediationError, match="in_the_future"):
        _loss(make, case, officer, "injury", date(2026, 11, 27))


def test_correcting_the_event_during_mediation_moves_the_deadline_with_an_audit_event(make):
    """第九十条: the deadline follows the recorded event; a correction made while mediating
    moves it, and the audit trail keeps both the event and the new deadline."""
    case, officer = _accepted(make)
    _loss(make, case, officer, "property", date(2026, 11, 10))
    _fire(make, case, officer, "start_mediation", now=THURSDAY)
    _loss(make, case, officer, "injury", date(2026, 11, 25))
    assert china_date(case.current_handling.deadline_at) == date(2026, 12, 7)
    events = make.session.scalars(select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "traffic.loss_event")
        .order_by(CaseEvent.id)).all()
    assert [e.data["due_on"] for e in events] == ["2026-12-03", "2026-12-07"]
    assert events[-1].data["label"] == "造成人员受伤：自治疗终结之日起"


def test_the_dates_are_recorded_and_shown_on_the_case_page(make, login, session):
    """第八十六条、第九十条: the officer records the dates on the case page, which shows
    the last day to apply and, once the loss event is in, when mediation must end."""
    case, officer = _traffic_case(make)
    make.commit()
    client = login(officer)
    client.post(f"/cases/{case.id}/traffic/application", data={
        "certificate_received_on": china_date(MONDAY).isoformat(),
        "applied_on": china_date(MONDAY).isoformat()})
    client.post(f"/cases/{case.id}/transitions/accept", data={})
    client.post(f"/cases/{case.id}/traffic/loss-event", data={
        "kind": "property", "occurred_on": china_date(MONDAY).isoformat()})
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "申请期限届满日" in page and "调解书或调解终结书应于此日前制作" in page
    assert "造成财产损失：自确定损失之日起" in page
    session.expire_all()
    handling = session.get(type(case), case.id).current_handling
    assert traffic.loss_event_of(handling)["kind"] == "property"


# -- 第九十条 with several losses: the period runs from the last event -----------------------

def _loss_of(make, case, officer, person: str, kind: str, occurred_on: date, now=THURSDAY):
    return traffic.record_loss_event(make.session, case, traffic.LossEvent(
        kind=kind, occurred_on=occurred_on, person=person), actor=officer, now=now)


def test_with_two_injured_people_mediation_counts_from_the_last_event(make):
    """第九十条: one person's treatment ends on 11-24, the other's disability is assessed on
    11-25; both are kept and mediation counts from 11-25 (only then is the loss known): its
    tenth day, Saturday 12-05, runs to Monday 12-07."""
    case, officer = _accepted(make)
    _loss_of(make, case, officer, "欧阳明", "disability", date(2026, 11, 25))
    _loss_of(make, case, officer, "司马芳", "injury", date(2026, 11, 24))
    handling = case.current_handling
    assert [(e["person"], e["kind"]) for e in traffic.loss_events_of(handling)] == [
        ("司马芳", "injury"), ("欧阳明", "disability")]
    assert traffic.dates_of(handling)["starts_on"] == date(2026, 11, 25)
    assert traffic.dates_of(handling)["kind"] == "disability"
    _fire(make, case, officer, "start_mediation", now=THURSDAY)
    assert china_date(case.current_handling.deadline_at) == date(2026, 12, 7)


def test_a_later_event_recorded_during_mediation_moves_the_deadline(make):
    """第九十条: a second person's disability assessed after mediation started moves the
    period to run from it; the first person's event is kept."""
    case, officer = _accepted(make)
    _loss_of(make, case, officer, "司马芳", "property", date(2026, 11, 23), now=MONDAY)
    _fire(make, case, officer, "start_mediation", now=MONDAY)
    assert china_date(case.current_handling.deadline_at) == date(2026, 12, 3)
    _loss_of(make, case, officer, "欧阳明", "disability", date(2026, 11, 25))
    assert china_date(case.current_handling.deadline_at) == date(2026, 12, 7)
    assert len(traffic.loss_events_of(case.current_handling)) == 2
    event = make.session.scalars(select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "traffic.loss_event")
        .order_by(CaseEvent.id.desc())).first()
    assert (event.data["person"], event.data["events"], event.data["due_on"]) == (
        "欧阳明", 2, "2026-12-07")


def test_an_event_recorded_again_for_the_same_person_replaces_theirs(make):
    """A correction for one person (a wrong day typed) replaces that person's event only,
    so an earlier day can govern again."""
    case, officer = _accepted(make)
    _loss_of(make, case, officer, "欧阳明", "injury", date(2026, 11, 25))
    _loss_of(make, case, officer, "司马芳", "injury", date(2026, 11, 24))
    _loss_of(make, case, officer, "欧阳明", "injury", date(2026, 11, 23))
    events = traffic.loss_events_of(case.current_handling)
    assert [(e["person"], e["occurred_on"]) for e in events] == [
        ("欧阳明", "2026-11-23"), ("司马芳", "2026-11-24")]
    assert traffic.dates_of(case.current_handling)["starts_on"] == date(2026, 11, 24)


def test_several_losses_are_listed_on_the_case_page(make, login):
    """The page lists each person's event and says the period runs from the last."""
    case, officer = _accepted(make)
    _loss_of(make, case, officer, "欧阳明", "disability", date(2026, 11, 25))
    _loss_of(make, case, officer, "司马芳", "injury", date(2026, 11, 24))
    make.commit()
    page = login(officer).get(f"/cases/{case.id}").get_data(as_text=True)
    assert "欧阳明" in page and "司马芳" in page
    assert "调解自其中最后发生之日起计算（第九十条）" in page
