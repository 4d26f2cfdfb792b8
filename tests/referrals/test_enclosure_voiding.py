"""The 司法确认申请书 sent with a referral stops being in force when the referral does not go
through: withdrawn by the committee (撤回), returned by the court (退回), not accepted in
time (逾期), or, once accepted, withdrawn by the applicants (申请人撤回申请). It is voided
(never deleted), the voiding is audited on the case, and the court that had it is told.
The committee that issued it still reads it, marked 已作废 with the date.

民事诉讼法 第二百零五条 (the parties apply jointly, to one court with jurisdiction); 《最高
人民法院关于人民调解协议司法确认程序的若干规定》(法释〔2011〕5号) 第二条 (that court), 第三条
(the application is filed with it)."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from mediation_app.audit.models import CaseEvent
from mediation_app.documents.models import Document
from mediation_app.notifications.models import Notification
from mediation_app.referrals import services as referrals
from mediation_app.referrals.enclosures import enclosed_documents, void_enclosures

from .helpers import accept as accept_referral
from .helpers import build_world, file_case, fire, record_session, send, sign_agreement

MONDAY = datetime(2026, 11, 23, 2, 0)  # 10:00 in China
TUESDAY = MONDAY + timedelta(days=1)


@pytest.fixture
def world(make):
    return build_world(make)


@pytest.fixture
def sent(session, world):
    """A committee's case mediated to a signed agreement and sent to the court for 司法确认,
    with the joint application enclosed."""
    case = file_case(session, world.mediator, now=MONDAY)
    fire(session, case, world.mediator, MONDAY, "accept", "start_mediation")
    record_session(session, case, world.mediator, MONDAY)
    sign_agreement(session, case, world.mediator, MONDAY)
    fire(session, case, world.mediator, MONDAY, "close_success")
    referral = send(session, case, "judicial_confirmation", world.court, world.mediator, MONDAY)
    [application] = enclosed_documents(session, [referral])[referral.id]
    return case, referral, application


def _voidings(session, case) -> list[CaseEvent]:
    return list(session.scalars(select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "document.voided")))


def _told(session, user, application) -> list[Notification]:
    return list(session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == "document.voided",
        Notification.params["document"].as_integer() == application.id)))


def test_withdrawing_a_confirmation_referral_voids_the_application_sent_with_it(
        session, world, sent):
    """若干规定 第二条: the application was addressed to that court; the committee withdrawing
    the referral leaves it in force nowhere. Voided, audited with the reason, kept."""
    case, referral, application = sent
    referrals.withdraw_referral(session, referral, actor=world.mediator, now=TUESDAY)
    assert application.voided_at == TUESDAY
    assert session.get(Document, application.id) is not None
    [event] = _voidings(session, case)
    assert event.data["code"] == application.verification_code
    assert event.data["reason"] == "referral_withdrawn" and event.data["referral"] == referral.id
    assert event.actor_id == world.mediator.id


def test_the_court_is_told_that_the_application_it_was_sent_is_void(session, world, sent):
    """Every action touching another institution tells it: the court's liaison is told,
    in Chinese, which application went void and why; the committee is not told of its own
    act."""
    case, referral, application = sent
    referrals.withdraw_referral(session, referral, actor=world.mediator, now=TUESDAY)
    [notice] = _told(session, world.court_liaison, application)
    assert notice.case_id == case.id
    assert "司法确认申请书" in notice.params["detail"] and "已作废" in notice.params["detail"]
    assert "随附的移交已撤回" in notice.params["detail"]
    assert _told(session, world.mediator, application) == []


def test_a_confirmation_referral_returned_by_the_court_voids_its_application(
        session, world, sent):
    """若干规定 第二条: a court that returns (退回) the application as not its own leaves it
    in force nowhere; the committee may send a new one to another court."""
    case, referral, application = sent
    referrals.return_referral(session, referral, reason="not_our_remit", note="",
                              actor=world.court_liaison, now=TUESDAY)
    assert application.voided_at == TUESDAY
    [event] = _voidings(session, case)
    assert event.data["reason"] == "referral_returned" and event.actor_id == world.court_liaison.id
    assert len(_told(session, world.court_liaison, application)) == 1


def test_a_confirmation_referral_not_accepted_in_time_voids_its_application(
        session, world, sent):
    """An expired referral (逾期未签收) leaves the application before no court: void,
    audited as the deadline sweep's act, the court told."""
    case, referral, application = sent
    later = referral.accept_by + timedelta(hours=1)
    assert referrals.expire_overdue(session, now=later) == [referral]
    assert application.voided_at == later
    [event] = _voidings(session, case)
    assert event.data["reason"] == "referral_expired" and event.actor_id is None
    assert len(_told(session, world.court_liaison, application)) == 1


def test_the_applicants_withdrawing_at_the_court_void_the_application(session, world, sent):
    """民事诉讼法 第二百零六条 rules on an application before the court; withdrawn by the
    applicants (撤回申请) after acceptance, nothing is left to rule on: the application is
    void, the court told."""
    case, referral, application = sent
    accept_referral(session, referral, world.court_liaison, TUESDAY)
    fire(session, case, world.court_liaison, TUESDAY, "withdraw")
    assert application.voided_at == TUESDAY
    [event] = _voidings(session, case)
    assert event.data["reason"] == "application_withdrawn"
    assert len(_told(session, world.court_liaison, application)) == 1


def test_an_accepted_application_stays_in_force(session, world, sent):
    """Accepted (签收), the application is before the court: nothing is voided."""
    case, referral, application = sent
    accept_referral(session, referral, world.court_liaison, TUESDAY)
    assert application.voided_at is None and _voidings(session, case) == []


def test_voiding_twice_records_and_tells_once(session, world, sent):
    """A document voided already is not voided again: one event, one notice."""
    case, referral, application = sent
    referrals.withdraw_referral(session, referral, actor=world.mediator, now=TUESDAY)
    assert void_enclosures(session, referral, reason="referral_withdrawn", actor=world.mediator,
                           now=TUESDAY + timedelta(days=1)) == []
    assert application.voided_at == TUESDAY
    assert len(_voidings(session, case)) == 1
    assert len(_told(session, world.court_liaison, application)) == 1


def test_the_committee_reads_its_voided_application_marked_voided_with_the_date(
        session, world, sent, login):
    """A record belongs to the institution that made it (DESIGN.md §8): the committee still
    opens the voided application, whole, and its case page marks it 已作废 with the date
    beside the referral; it is no longer offered as in force."""
    case, referral, application = sent
    referrals.withdraw_referral(session, referral, actor=world.mediator, now=TUESDAY)
    session.commit()
    client = login(world.mediator)
    download = client.get(f"/documents/{application.id}")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'href="/documents/{application.id}">司法确认申请书</a> <span class="muted voided">' \
           f'已作废（2026年11月24日' in page
    assert enclosed_documents(session, [referral])[referral.id] == []


def test_the_court_liaison_is_no_longer_offered_a_withdrawn_application(
        session, world, sent, login):
    """Withdrawn before the court answered, the referral and its application leave the
    court's list of referrals waiting, and the court no longer opens the application."""
    case, referral, application = sent
    referrals.withdraw_referral(session, referral, actor=world.mediator, now=TUESDAY)
    session.commit()
    client = login(world.court_liaison)
    inbox = client.get("/referrals").get_data(as_text=True)
    assert case.case_no not in inbox
    assert client.get(f"/documents/{application.id}").status_code == 404


def test_the_court_reads_an_application_withdrawn_before_it_as_voided_not_in_force(
        session, world, sent, login):
    """After acceptance the court holds the case; once the applicants withdraw, its
    liaison finds the application marked 已作废 wherever it is shown, never as in force."""
    case, referral, application = sent
    accept_referral(session, referral, world.court_liaison, TUESDAY)
    fire(session, case, world.court_liaison, TUESDAY, "withdraw")
    session.commit()
    page = login(world.court_liaison).get(f"/cases/{case.id}").get_data(as_text=True)
    link = f'href="/documents/{application.id}">司法确认申请书</a>'
    assert f'{link} <span class="muted voided">已作废' in page
    shown = page.split(link)[1:]
    assert shown and all("已作废" in after[:300] for after in shown)


def test_the_public_verify_page_says_a_withdrawn_application_is_no_longer_in_force(
        session, world, sent, client):
    """Anyone checking the code on the printed application learns it is void, and is not
    told of a corrected version that does not exist."""
    case, referral, application = sent
    referrals.withdraw_referral(session, referral, actor=world.mediator, now=TUESDAY)
    session.commit()
    page = client.get(f"/verify/{application.verification_code}").get_data(as_text=True)
    assert "已于 2026年11月24日" in page and "作废，不再有效。" in page
    assert "更正后的版本" not in page


def test_the_case_timeline_says_why_the_application_was_voided(session, world, sent, login):
    """The voiding on the timeline reads in Chinese with its reason, never the code."""
    case, referral, _application = sent
    referrals.withdraw_referral(session, referral, actor=world.mediator, now=TUESDAY)
    session.commit()
    page = login(world.mediator).get(f"/cases/{case.id}").get_data(as_text=True)
    assert "随附的移交已撤回" in page
    assert "referral_withdrawn" not in page
