"""Every handover closes its loop (DESIGN.md §8): each referral event tells the other side,
by the channels each person chose, and the receiving handling's end goes back to the sender
as an outcome report (办理结果反馈) — with 委托 success returning the case to the court."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from mediation_app.audit.models import CaseEvent
from mediation_app.notifications.dispatch import save_preferences
from mediation_app.notifications.models import Notification
from mediation_app.outbox.models import OutboxMessage
from mediation_app.referrals import services
from mediation_app.referrals.outcomes import deliver_pending
from mediation_app.referrals.records import OutcomeReport

from .helpers import (
    accept,
    build_world,
    file_case,
    fire,
    record_session,
    send,
    sign_agreement,
)

MONDAY = datetime(2025, 3, 10, 2, 0)  # 10:00 in China


@pytest.fixture
def world(make):
    return build_world(make)


def _told(session, kind):
    """{user id: detail} of the inbox notifications of this kind."""
    rows = session.scalars(select(Notification).where(Notification.kind == kind))
    return {n.user_id: n.params.get("detail") for n in rows}


def _mediate_to_success(session, case, mediator, now):
    fire(session, case, mediator, now, "accept", "start_mediation")
    record_session(session, case, mediator, now)
    agreement = sign_agreement(session, case, mediator, now)
    fire(session, case, mediator, now, "close_success")
    return agreement


# ---------------------------------------------------------------------------------------
# referral events


def test_sending_a_referral_tells_the_receiving_institution(session, world):
    case = file_case(session, world.police_liaison, now=MONDAY)
    send(session, case, "police_mediation", world.committee, world.police_liaison, MONDAY)
    told = _told(session, "referral.received")
    assert set(told) == {world.mediator.id}
    assert "清江浦公安分局浦楼派出所" in told[world.mediator.id]


def test_accepting_tells_the_sender(session, world):
    case = file_case(session, world.police_liaison, now=MONDAY)
    referral = send(session, case, "police_mediation", world.committee, world.police_liaison,
                    MONDAY)
    accept(session, referral, world.mediator, MONDAY)
    assert set(_told(session, "referral.accepted")) == {world.police_liaison.id}


def test_returning_tells_the_sender_the_reason_and_the_note(session, world):
    """The mediator whose 司法确认 the court returns learns it without reopening the case."""
    case = file_case(session, world.mediator, now=MONDAY)
    _mediate_to_success(session, case, world.mediator, MONDAY)
    referral = send(session, case, "judicial_confirmation", world.court, world.mediator, MONDAY)
    services.return_referral(session, referral, reason="incomplete_materials",
                             note="缺少身份证明复印件。", actor=world.court_liaison, now=MONDAY)
    told = _told(session, "referral.returned")
    assert set(told) == {world.mediator.id}
    assert "材料不全" in told[world.mediator.id] and "缺少身份证明复印件" in told[world.mediator.id]


def test_withdrawing_tells_the_receiver(session, world):
    case = file_case(session, world.police_liaison, now=MONDAY)
    referral = send(session, case, "police_mediation", world.committee, world.police_liaison,
                    MONDAY)
    services.withdraw_referral(session, referral, actor=world.police_liaison, now=MONDAY)
    assert set(_told(session, "referral.withdrawn")) == {world.mediator.id}


def test_expiry_tells_both_sides(session, world):
    case = file_case(session, world.police_liaison, now=MONDAY)
    send(session, case, "police_mediation", world.committee, world.police_liaison, MONDAY)
    services.expire_overdue(session, now=MONDAY + timedelta(days=10))
    assert set(_told(session, "referral.expired")) == {world.police_liaison.id, world.mediator.id}


def test_people_get_email_and_text_messages_only_for_the_topics_they_chose(session, world):
    world.mediator.email = "mediator@committee.example"
    save_preferences(session, world.mediator, phone="13912345678", email_topics=["referral"],
                     sms_topics=["referral"], now=MONDAY)
    world.mediator_b.email = "b@committee.example"
    save_preferences(session, world.mediator_b, phone="13700000000", email_topics=["outcome"],
                     sms_topics=[], now=MONDAY)
    case = file_case(session, world.police_liaison, now=MONDAY)
    send(session, case, "police_mediation", world.committee, world.police_liaison, MONDAY)
    sent = {(m.channel, m.recipient, m.status) for m in session.scalars(select(OutboxMessage))}
    assert sent == {("email", "mediator@committee.example", "queued"),
                    ("sms", "13912345678", "queued")}
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.channel == "sms"))
    assert message.case_id == case.id and message.institution_id == world.police.id
    assert "13912345678" not in message.body and case.case_no in message.body


# ---------------------------------------------------------------------------------------
# outcome reports


def test_police_learn_the_outcome_and_agreement_of_the_case_they_referred(session, world):
    """公调对接: the police decide on punishment from the outcome (治安管理处罚法 第九条)."""
    case = file_case(session, world.police_liaison, now=MONDAY)
    referral = send(session, case, "police_mediation", world.committee, world.police_liaison,
                    MONDAY)
    accept(session, referral, world.mediator, MONDAY)
    ended = MONDAY + timedelta(days=3)
    agreement = _mediate_to_success(session, case, world.mediator, ended)

    report = session.scalar(select(OutcomeReport))
    assert (report.referral_id, report.outcome, report.from_institution_id) == (
        referral.id, "success", world.police.id)
    assert report.agreement_id == agreement.id and report.agreement_amount == agreement.amount
    assert "李四支付张三人民币800元" in report.agreement_summary
    assert report.concluded_at == ended and report.notified_at == ended
    assert report.loop_closure_hours == 0
    told = _told(session, "outcome.reported")
    assert set(told) == {world.police_liaison.id}
    assert "调解成功" in told[world.police_liaison.id]
    assert session.scalar(select(CaseEvent.action).where(
        CaseEvent.action == "outcome.reported")) == "outcome.reported"


def test_a_petition_office_learns_a_failure(session, world):
    """访调对接: the office must answer the petitioner within its period (信访工作条例)."""
    case = file_case(session, world.petition_liaison, now=MONDAY)
    referral = send(session, case, "petition_mediation", world.committee,
                    world.petition_liaison, MONDAY)
    accept(session, referral, world.mediator, MONDAY)
    fire(session, case, world.mediator, MONDAY, "accept", "start_mediation")
    record_session(session, case, world.mediator, MONDAY)
    fire(session, case, world.mediator, MONDAY, "close_failure")
    report = session.scalar(select(OutcomeReport))
    assert (report.outcome, report.agreement_id, report.from_institution_id) == (
        "failure", None, world.petition.id)
    assert set(_told(session, "outcome.reported")) == {world.petition_liaison.id}


def test_a_successful_entrustment_goes_back_to_the_court_with_the_agreement(session, world):
    """委托 success: the court reviews the agreement and issues a 调解书 or allows the suit
    to be withdrawn, in its own in-suit handling."""
    case = file_case(session, world.court_liaison, now=MONDAY, workflow="court_in_suit")
    referral = send(session, case, "entrust", world.committee, world.court_liaison, MONDAY)
    accept(session, referral, world.mediator, MONDAY)
    agreement = _mediate_to_success(session, case, world.mediator, MONDAY + timedelta(days=5))

    report = session.scalar(select(OutcomeReport))
    back = case.current_handling
    assert back is not None and back.id == report.returned_handling_id
    assert (back.institution_id, back.workflow_version.name, back.arrived_by) == (
        world.court.id, "court_in_suit", "return_to_court")
    assert case.holder_institution_id == world.court.id and case.closed_at is None
    assert report.agreement_id == agreement.id
    assert "案件已退回本院" in _told(session, "outcome.reported")[world.court_liaison.id]


def test_a_successful_delegation_is_reported_and_stays_closed(session, world):
    case = file_case(session, world.court_liaison, now=MONDAY, workflow="court_prefiling")
    referral = send(session, case, "delegate", world.committee, world.court_liaison, MONDAY)
    accept(session, referral, world.mediator, MONDAY)
    _mediate_to_success(session, case, world.mediator, MONDAY)
    report = session.scalar(select(OutcomeReport))
    assert (report.kind, report.outcome, report.returned_handling_id) == (
        "delegate", "success", None)
    assert case.current_handling is None and case.closed_at is not None
    assert set(_told(session, "outcome.reported")) == {world.court_liaison.id}


def test_a_case_filed_at_the_committee_itself_reports_to_nobody(session, world):
    case = file_case(session, world.mediator, now=MONDAY)
    _mediate_to_success(session, case, world.mediator, MONDAY)
    assert session.scalar(select(OutcomeReport)) is None


def test_a_sender_with_nobody_to_tell_is_told_later_and_the_delay_counts(session, world):
    case = file_case(session, world.police_liaison, now=MONDAY)
    referral = send(session, case, "police_mediation", world.committee, world.police_liaison,
                    MONDAY)
    accept(session, referral, world.mediator, MONDAY)
    world.police_liaison.is_active = False
    session.flush()
    _mediate_to_success(session, case, world.mediator, MONDAY)
    report = session.scalar(select(OutcomeReport))
    assert report.notified_at is None

    world.police_liaison.is_active = True
    session.flush()
    later = MONDAY + timedelta(hours=30)
    assert deliver_pending(session, now=later) == 1
    assert deliver_pending(session, now=later + timedelta(hours=1)) == 0
    assert report.notified_at == later and report.loop_closure_hours == 30
    assert set(_told(session, "outcome.reported")) == {world.police_liaison.id}
