"""The loop closes in a browser: a committee ends a police-referred case (公调对接) in
success and the police station reads the outcome and the agreement; an entrusted case
(委托) ends in success and is back at the court, with the agreement; a committee's agreement
goes to the court for 司法确认 (人民调解法 art. 33), and after the court signs for it the
committee still reads its agreement, 履行 and 回访, which the court cannot change."""

import pytest

from ..factories import Factories
from ..referrals.helpers import (
    accept,
    build_world,
    file_case,
    fire,
    record_session,
    send,
    sign_agreement,
)
from .signing_in import sign_in

pytestmark = pytest.mark.browser


def _ready_to_close(session, *, sender: str, kind: str, workflow=None):
    """A case referred by `sender` to the committee, mediated there up to a signed agreement;
    plain values only, committed so the live server sees it."""
    from mediation_app.db import utcnow

    world = build_world(Factories(session))
    now = utcnow()
    sending_user = getattr(world, sender)
    case = file_case(session, sending_user, now=now, workflow=workflow)
    accept(session, send(session, case, kind, world.committee, sending_user, now),
           world.mediator, now)
    fire(session, case, world.mediator, now, "accept", "start_mediation")
    record_session(session, case, world.mediator, now)
    sign_agreement(session, case, world.mediator, now)
    facts = {"case_id": case.id, "mediator": world.mediator.username,
             "sender": sending_user.username}
    session.commit()
    return facts


def _handed_to_the_court_for_confirmation(session):
    """The committee's own case, mediated to a signed agreement, closed in success, with an
    obligation tracked and a follow-up visit, then sent to the court for 司法确认."""
    from mediation_app.agreements import services as agreements
    from mediation_app.db import utcnow

    world = build_world(Factories(session))
    now = utcnow()
    case = file_case(session, world.mediator, now=now)
    fire(session, case, world.mediator, now, "accept", "start_mediation")
    record_session(session, case, world.mediator, now)
    agreement = sign_agreement(session, case, world.mediator, now)
    fire(session, case, world.mediator, now, "close_success")
    agreements.plan_performance(session, agreement, description="李四分两期付清八百元",
                                due_on=now.date(), actor=world.mediator, now=now)
    agreements.record_follow_up(session, case, visited_on=now.date(), satisfaction=5,
                                notes="双方和睦如初", actor=world.mediator, now=now)
    send(session, case, "judicial_confirmation", world.court, world.mediator, now,
         reason="双方共同申请司法确认。")
    facts = {"case_id": case.id, "mediator": world.mediator.username,
             "court_liaison": world.court_liaison.username}
    session.commit()
    return facts


def _close_in_success(page, live_server, facts):
    sign_in(page, live_server, facts["mediator"])
    page.goto(f"{live_server}/cases/{facts['case_id']}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='/transitions/close_success'] button").click()
    page.wait_for_load_state()


def _open_outcome_from_the_inbox(page, live_server, username):
    sign_in(page, live_server, username)
    page.goto(f"{live_server}/notifications/")
    page.get_by_role("button", name="移交案件办理结果反馈").first.click()
    page.wait_for_url(lambda url: "/cases/" in url)
    page.get_by_role("link", name="调解成功").first.click()
    page.wait_for_url(lambda url: "/outcome-reports/" in url)


def test_the_police_station_reads_the_outcome_and_the_agreement(app, session, live_server,
                                                                 page):
    facts = _ready_to_close(session, sender="police_liaison", kind="police_mediation")
    _close_in_success(page, live_server, facts)
    _open_outcome_from_the_inbox(page, live_server, facts["sender"])
    report = page.locator("main").inner_text()
    assert "调解成功" in report and "浦楼街道人民调解委员会" in report
    assert "李四支付张三人民币800元" in report and "800.00" in report
    assert "治安管理处罚法" in report


def test_an_entrusted_case_is_back_at_the_court_with_the_agreement(app, session, live_server,
                                                                   page):
    facts = _ready_to_close(session, sender="court_liaison", kind="entrust",
                            workflow="court_in_suit")
    _close_in_success(page, live_server, facts)
    _open_outcome_from_the_inbox(page, live_server, facts["sender"])
    assert "案件已退回法院继续办理" in page.locator("main").inner_text()
    page.get_by_role("link", name="打开案件").click()
    case_page = page.locator("main").inner_text()
    assert "清江浦区人民法院" in case_page and "立案" in case_page
    agreements = page.locator("section.card", has=page.get_by_role("heading", name="调解协议书"))
    assert "已签署生效" in agreements.inner_text()


def _mediation_records(page) -> str:
    cards = page.locator("section.card").filter(
        has=page.get_by_role("heading", name="调解协议书")).or_(
        page.locator("section.card").filter(has=page.get_by_role("heading", name="履行情况"))).or_(
        page.locator("section.card").filter(has=page.get_by_role("heading", name="回访")))
    return "\n".join(cards.all_inner_texts())


def test_after_judicial_confirmation_the_committee_keeps_its_agreement_performance_and_visit(
        app, session, live_server, page):
    facts = _handed_to_the_court_for_confirmation(session)
    sign_in(page, live_server, facts["court_liaison"])
    page.goto(f"{live_server}/referrals")
    page.get_by_role("button", name="签收").first.click()
    page.wait_for_load_state()
    page.goto(f"{live_server}/cases/{facts['case_id']}")
    at_the_court = page.locator("main").inner_text()
    assert "清江浦区人民法院" in at_the_court and "已签署生效" in at_the_court
    assert page.get_by_role("link", name="登记调解记录").count() == 0

    sign_in(page, live_server, facts["mediator"])
    page.goto(f"{live_server}/cases/{facts['case_id']}")
    records = _mediation_records(page)
    assert "已签署生效" in records
    assert "李四分两期付清八百元" in records and "双方和睦如初" in records
