"""A dispatcher of the governance centre supervises (督办) the institution handling a case:
a written order with a due date, answered in writing, closed by the centre. Each step is
on the case's timeline and told to the other side; only those concerned read the order."""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from mediation_app.audit.models import CaseEvent
from mediation_app.deadlines.services import sweep
from mediation_app.notifications.models import Notification
from mediation_app.supervision.models import SupervisionOrder
from mediation_app.supervision.services import SupervisionError, issue_order, reply_to_order

from ..unchanged import snapshot

NOW = datetime(2026, 11, 2, 2, 0)


def _orders(session):
    return list(session.scalars(select(SupervisionOrder)))


def _told(session, user, kind):
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind))


def _events(session, case, action):
    return list(session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                        CaseEvent.action == action)))


def _issued(session, world, case, **overrides):
    values = {"instruction": "请五个工作日内书面说明调解进展", "due_at": NOW + timedelta(days=7),
              "is_listed": False, "actor": world["dispatcher"], "now": NOW}
    return issue_order(session, case, **{**values, **overrides})


def test_a_dispatcher_issues_an_order_to_the_institution_holding_the_case(
        make, session, world, as_user):
    case = make.case(by=world["mediator"])
    make.commit()
    client = as_user(world["dispatcher"])
    response = client.post(f"/supervision/cases/{case.id}/new", data={
        "instruction": "该案涉及二十余名工人，请加快调解并报告进展", "due_on": "2099-01-10",
        "is_listed": "y"})
    assert response.status_code == 302
    order = _orders(session)[0]
    assert (order.institution_id, order.centre_id, order.source, order.is_listed) == (
        world["mediator"].institution_id, world["centre"].id, "manual", True)
    assert order.due_at == datetime(2099, 1, 10, 15, 59) and order.status == "open"
    assert _told(session, world["mediator"], "supervision.issued") == 1
    [event] = _events(session, case, "supervision.issued")
    assert event.data["note"] == "该案涉及二十余名工人，请加快调解并报告进展"
    assert event.actor_id == world["dispatcher"].id
    assert event.data["labels"]["institution"] == (
        f"{world['centre'].name} → {world['mediator'].institution.name}")


def test_the_supervised_institution_replies_in_writing_and_the_centre_is_told(
        make, session, world, as_user):
    case = make.case(by=world["mediator"])
    order = _issued(session, world, case)
    make.commit()
    client = as_user(world["mediator"])
    assert "请五个工作日内书面说明调解进展" in client.get(
        f"/supervision/{order.id}").get_data(as_text=True)
    client.post(f"/supervision/{order.id}/reply", data={"reply": "已组织双方两次调解，预计下周达成协议"})
    session.refresh(order)
    assert (order.status, order.reply, order.replied_by_id) == (
        "replied", "已组织双方两次调解，预计下周达成协议", world["mediator"].id)
    assert _told(session, world["dispatcher"], "supervision.replied") == 1
    assert _events(session, case, "supervision.replied")[0].data["note"] == order.reply
    timeline = as_user(world["dispatcher"]).get(f"/cases/{case.id}").get_data(as_text=True)
    assert "已组织双方两次调解，预计下周达成协议" in timeline


def test_the_centre_closes_an_answered_order_and_the_institution_is_told(
        make, session, world, as_user):
    case = make.case(by=world["mediator"])
    order = _issued(session, world, case)
    reply_to_order(session, order, reply="已办结", actor=world["mediator"], now=NOW)
    make.commit()
    as_user(world["dispatcher"]).post(f"/supervision/{order.id}/close",
                                      data={"note": "反馈属实，同意办结"})
    session.refresh(order)
    assert (order.status, order.close_note, order.closed_by_id) == (
        "closed", "反馈属实，同意办结", world["dispatcher"].id)
    assert _told(session, world["mediator"], "supervision.closed") == 1


def test_a_mediator_of_another_region_can_neither_read_nor_answer_the_order(
        make, session, world, as_user):
    case = make.case(by=world["mediator"])
    order = _issued(session, world, case)
    make.commit()
    client = as_user(world["stranger"])
    assert client.get(f"/supervision/{order.id}").status_code == 404
    before = snapshot()
    assert client.post(f"/supervision/{order.id}/reply",
                       data={"reply": "越权反馈"}).status_code == 404
    assert snapshot() == before                 # no reply, no audit event, nobody told
    assert "请五个工作日内" not in client.get("/supervision/").get_data(as_text=True)
    session.refresh(order)
    assert (order.status, order.reply) == ("open", None)


def test_a_dispatcher_of_another_region_may_not_supervise_the_case(make, session, world):
    case = make.case(by=world["mediator"])
    try:
        _issued(session, world, case, actor=world["foreign_dispatcher"])
    except SupervisionError as refusal:
        assert refusal.code == "not_supervisor"
    assert _orders(session) == []


def test_a_mediator_cannot_issue_orders(make, session, world, as_user):
    case = make.case(by=world["mediator"])
    make.commit()
    client = as_user(world["mediator"])
    before = snapshot()
    response = client.post(f"/supervision/cases/{case.id}/new", data={
        "instruction": "自我督办", "due_on": "2099-01-10"})
    assert response.status_code == 403 and _orders(session) == []
    assert snapshot() == before                 # no audit event, nobody told


def test_an_order_is_answered_once(make, session, world):
    case = make.case(by=world["mediator"])
    order = _issued(session, world, case)
    reply_to_order(session, order, reply="第一次反馈", actor=world["mediator"], now=NOW)
    try:
        reply_to_order(session, order, reply="第二次反馈", actor=world["mediator"], now=NOW)
    except SupervisionError as refusal:
        assert refusal.code == "not_supervised"
    assert order.reply == "第一次反馈"


def test_an_unanswered_order_past_its_due_date_becomes_overdue_once(make, session, world):
    case = make.case(by=world["mediator"], now=NOW)
    order = _issued(session, world, case, due_at=NOW + timedelta(hours=2))
    later = NOW + timedelta(hours=3)
    assert sweep(session, now=later, config={}).overdue_orders == 1
    assert sweep(session, now=later, config={}).overdue_orders == 0
    assert order.status == "overdue"
    assert _told(session, world["mediator"], "supervision.overdue") == 1
    assert _told(session, world["dispatcher"], "supervision.overdue") == 1
    assert len(_events(session, case, "supervision.overdue")) == 1


def test_a_listed_order_shows_on_the_case_list_and_the_case_page(make, session, world, as_user):
    case = make.case(by=world["mediator"], summary="二十余户业主物业纠纷")
    quiet = make.case(by=world["mediator"], summary="邻里噪音纠纷")
    _issued(session, world, case, is_listed=True)
    make.commit()
    client = as_user(world["mediator"])
    rows = client.get("/cases/").get_data(as_text=True).split("<tr>")
    listed = [row for row in rows if "挂牌督办" in row]
    assert len(listed) == 1 and case.case_no in listed[0] and quiet.case_no not in listed[0]
    assert "挂牌督办" in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_the_supervised_institution_is_reminded_once_before_the_due_date(make, session, world):
    case = make.case(by=world["mediator"], now=NOW)
    _issued(session, world, case, due_at=NOW + timedelta(hours=30))
    config = {"REMINDER_HOURS": 24}
    assert sweep(session, now=NOW + timedelta(hours=10), config=config).order_reminders == 1
    assert sweep(session, now=NOW + timedelta(hours=11), config=config).order_reminders == 0
    assert _told(session, world["mediator"], "supervision.due_soon") == 1
    assert _told(session, world["dispatcher"], "supervision.due_soon") == 0


def test_the_dispatcher_sees_per_institution_how_many_orders_are_answered(
        make, session, world, as_user):
    first, second = make.case(by=world["mediator"]), make.case(by=world["mediator"])
    _issued(session, world, first)
    reply_to_order(session, _issued(session, world, second), reply="已反馈",
                   actor=world["mediator"], now=NOW)
    make.commit()
    page = as_user(world["dispatcher"]).get("/supervision/").get_data(as_text=True)
    row = next(r for r in page.split("<tr>") if world["mediator"].institution.name in r
               and 'class="num"' in r)
    assert [cell.split("<")[0] for cell in row.split('class="num">')[1:]] == ["1", "1", "0", "0"]
