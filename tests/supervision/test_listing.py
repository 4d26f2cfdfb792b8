"""挂牌督办: a governance centre lists the supervision order of a major case; the political-
legal committee (政法委) over the case and the supervised institution are told, in the inbox
and by the channels each chose, and told again when the listing is lifted (摘牌) or the order
closed. Texts name the case and the institutions, never an ID number or a phone."""

from datetime import datetime, timedelta

from sqlalchemy import select

from mediation_app.audit.models import CaseEvent
from mediation_app.domain.idcard import mask_id_number, mask_phone
from mediation_app.handlings.catalog import catalog
from mediation_app.notifications.dispatch import save_preferences
from mediation_app.notifications.models import Notification
from mediation_app.outbox.models import OutboxMessage
from mediation_app.supervision.assignments import assign_warning
from mediation_app.supervision.services import (
    SupervisionError,
    change_listing,
    close_order,
    issue_order,
)
from mediation_app.warnings.models import EarlyWarning

from ..factories import id_number
from ..unchanged import snapshot

NOW = datetime(2026, 11, 2, 2, 0)
ID_NUMBER = id_number(birth="19750304")
PHONE = "13912345678"


def _kinds(session, user) -> list[str]:
    return list(session.scalars(select(Notification.kind).where(Notification.user_id == user.id)
                                .order_by(Notification.id)))


def _notice(session, user, kind) -> Notification:
    return session.scalar(select(Notification).where(Notification.user_id == user.id,
                                                     Notification.kind == kind))


def _issued(session, world, case, *, is_listed=True, now=NOW):
    return issue_order(session, case, instruction="请七日内组织联合调解并书面报告",
                       due_at=NOW + timedelta(days=7), is_listed=is_listed,
                       actor=world["dispatcher"], now=now)


def test_listing_at_issue_tells_the_district_committee(make, session, world, committees):
    case = make.case(by=world["mediator"], summary="三十余名工人欠薪纠纷")
    _issued(session, world, case)
    assert _kinds(session, committees["district"]) == ["supervision.listed"]
    notice = _notice(session, committees["district"], "supervision.listed")
    assert notice.case_id == case.id and notice.params["case_no"] == case.case_no
    assert world["centre"].name in notice.params["detail"]
    assert "三十余名工人欠薪纠纷" in notice.params["detail"]


def test_listing_at_issue_tells_the_supervised_institution_it_is_listed(
        make, session, world, committees):
    case = make.case(by=world["mediator"])
    _issued(session, world, case)
    assert _kinds(session, world["mediator"]) == ["supervision.issued"]
    assert "挂牌督办" in _notice(session, world["mediator"], "supervision.issued").params["detail"]


def test_committees_of_other_districts_and_above_the_centre_are_not_told(
        make, session, world, committees):
    case = make.case(by=world["mediator"])
    _issued(session, world, case)
    assert _kinds(session, committees["other"]) == []
    assert _kinds(session, committees["city"]) == []
    assert _kinds(session, world["stranger"]) == []


def test_an_ordinary_order_tells_no_committee(make, session, world, committees):
    case = make.case(by=world["mediator"])
    _issued(session, world, case, is_listed=False)
    assert [_kinds(session, reader) for reader in committees.values()] == [[], [], []]


def test_without_a_committee_at_the_centre_level_the_nearest_above_is_told(make, session, world):
    city_reader = make.user(role="committee", institution=make.institution(
        kind="committee", region=world["district"].parent))
    case = make.case(by=world["mediator"])
    _issued(session, world, case)
    assert _kinds(session, city_reader) == ["supervision.listed"]


def test_a_city_centre_listing_tells_the_committees_of_the_city_and_the_district(
        make, session, world, committees):
    city_centre = make.institution(kind="governance_centre", region=world["district"].parent)
    city_dispatcher = make.user(role="dispatcher", institution=city_centre)
    case = make.case(by=world["mediator"])
    issue_order(session, case, instruction="市级挂牌督办", due_at=NOW + timedelta(days=7),
                is_listed=True, actor=city_dispatcher, now=NOW)
    assert _kinds(session, committees["city"]) == ["supervision.listed"]
    assert _kinds(session, committees["district"]) == ["supervision.listed"]
    assert _kinds(session, committees["other"]) == []


def test_the_notices_carry_no_id_number_or_phone(make, session, world, committees):
    case = make.case(by=world["mediator"], summary=f"张某（{ID_NUMBER}，{PHONE}）煽动讨薪")
    _issued(session, world, case)
    for user in (committees["district"], world["mediator"]):
        [notice] = session.scalars(select(Notification).where(Notification.user_id == user.id))
        text = str(notice.params)
        assert ID_NUMBER not in text and PHONE not in text
    detail = _notice(session, committees["district"], "supervision.listed").params["detail"]
    assert mask_id_number(ID_NUMBER) in detail and mask_phone(PHONE) in detail


def test_the_committee_gets_the_listing_by_the_channels_it_chose(make, session, world,
                                                                   committees):
    reader = committees["district"]
    reader.email = "zfw@example.cn"
    save_preferences(session, reader, phone=PHONE, email_topics=["deadline"],
                     sms_topics=["deadline"], now=NOW)
    case = make.case(by=world["mediator"], summary=f"李某{ID_NUMBER}群体讨薪")
    _issued(session, world, case)
    messages = list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient_user_id == reader.id).order_by(OutboxMessage.channel)))
    assert [(m.channel, m.recipient, m.kind) for m in messages] == [
        ("email", "zfw@example.cn", "supervision.listed"), ("sms", PHONE, "supervision.listed")]
    assert all(case.case_no in m.body and ID_NUMBER not in m.body for m in messages)


def test_lifting_the_listing_tells_the_committee_and_the_institution(
        make, session, world, committees, as_user):
    case = make.case(by=world["mediator"])
    order = _issued(session, world, case)
    make.commit()
    response = as_user(world["dispatcher"]).post(f"/supervision/{order.id}/lift",
                                                 data={"note": "已稳控，转为一般督办"})
    assert response.status_code == 302
    session.refresh(order)
    assert order.is_listed is False and order.status == "open"
    assert _kinds(session, committees["district"]) == ["supervision.listed",
                                                       "supervision.lifted"]
    assert _kinds(session, world["mediator"]) == ["supervision.issued", "supervision.lifted"]
    assert "摘牌" in _notice(session, world["mediator"], "supervision.lifted").params["detail"]
    [event] = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                      CaseEvent.action == "supervision.lifted"))
    assert event.data["note"] == "已稳控，转为一般督办" and event.actor_id == world["dispatcher"].id
    timeline = as_user(world["mediator"]).get(f"/cases/{case.id}").get_data(as_text=True)
    assert "撤销挂牌督办（摘牌）" in timeline and "已稳控，转为一般督办" in timeline


def test_listing_an_existing_order_tells_the_committee_and_the_institution(
        make, session, world, committees, as_user):
    case = make.case(by=world["mediator"])
    order = _issued(session, world, case, is_listed=False)
    make.commit()
    as_user(world["dispatcher"]).post(f"/supervision/{order.id}/list", data={"note": "事态升级"})
    session.refresh(order)
    assert order.is_listed is True
    assert _kinds(session, committees["district"]) == ["supervision.listed"]
    assert _kinds(session, world["mediator"]) == ["supervision.issued", "supervision.listed"]


def test_listing_again_after_lifting_is_told_again(make, session, world, committees):
    case = make.case(by=world["mediator"])
    order = _issued(session, world, case)
    change_listing(session, order, listed=False, note="", actor=world["dispatcher"],
                   now=NOW + timedelta(hours=1))
    change_listing(session, order, listed=True, note="再次升级", actor=world["dispatcher"],
                   now=NOW + timedelta(hours=2))
    assert _kinds(session, committees["district"]) == [
        "supervision.listed", "supervision.lifted", "supervision.listed"]


def test_the_supervised_institution_cannot_lift_the_listing(
        make, session, world, committees, as_user):
    case = make.case(by=world["mediator"])
    order = _issued(session, world, case)
    make.commit()
    response = as_user(world["mediator"]).post(f"/supervision/{order.id}/lift", data={})
    assert response.status_code == 403
    session.refresh(order)
    assert order.is_listed is True
    assert _kinds(session, committees["district"]) == ["supervision.listed"]


def test_a_committee_reader_cannot_lift_the_listing(make, session, world, committees, as_user):
    case = make.case(by=world["mediator"])
    order = _issued(session, world, case)
    make.commit()
    client = as_user(committees["district"])
    before = snapshot()
    response = client.post(f"/supervision/{order.id}/lift", data={})
    assert response.status_code == 403
    assert snapshot() == before                 # no row changed, no audit event, nobody told
    session.refresh(order)
    assert order.is_listed is True


def test_lifting_an_order_that_is_not_listed_is_refused_and_tells_nobody(
        make, session, world, committees):
    case = make.case(by=world["mediator"])
    order = _issued(session, world, case, is_listed=False)
    try:
        change_listing(session, order, listed=False, note="", actor=world["dispatcher"], now=NOW)
    except SupervisionError as refusal:
        assert refusal.code == "listing_unchanged"
    else:
        raise AssertionError("lifting an unlisted order was accepted")
    assert _kinds(session, committees["district"]) == []
    assert _kinds(session, world["mediator"]) == ["supervision.issued"]


def test_closing_a_listed_order_tells_the_committee(make, session, world, committees):
    case = make.case(by=world["mediator"])
    order = _issued(session, world, case)
    close_order(session, order, note="已化解", actor=world["dispatcher"],
                now=NOW + timedelta(days=1))
    assert _kinds(session, committees["district"]) == ["supervision.listed",
                                                       "supervision.closed"]
    assert "办结" in _notice(session, committees["district"], "supervision.closed").params["detail"]


def test_a_major_group_warning_assigned_to_the_holder_is_listed_and_told_to_the_committee(
        make, session, world, committees):
    case = make.case(by=world["mediator"], summary="三十余户村民征地补偿纠纷")
    warning = EarlyWarning(case_id=case.id, flag="major_group", rule="major_group", term="32")
    session.add(warning)
    session.flush()
    assign_warning(session, catalog(), warning, institution=world["mediator"].institution,
                   instruction="请当日稳控并报告", due_at=NOW + timedelta(days=3),
                   off_list_reason=None, actor=world["dispatcher"], now=NOW,
                   accept_working_days=3)
    assert _kinds(session, committees["district"]) == ["supervision.listed"]
