"""What the dispatcher does about a warning: each warning names the rule and words that
raised it; a false one is dismissed with a reason (kept, audited, not raised again); a real
one is given to an institution, routed (分流) when the centre holds the case, assigned to
its holder (交办) with a supervision order otherwise."""

from datetime import datetime

from flask import g
from sqlalchemy import select

from mediation_app.audit.models import CaseEvent
from mediation_app.casefile.models import Referral
from mediation_app.notifications.models import Notification
from mediation_app.supervision.models import SupervisionOrder
from mediation_app.warnings.models import EarlyWarning
from mediation_app.warnings.rules import WarningRules
from mediation_app.warnings.services import evaluate

from ..factories import PASSWORD
from ..unchanged import snapshot

RULES = WarningRules()
NOW = datetime(2026, 11, 2, 2, 0)


def _district(make):
    city = make.region()
    district = make.region(level="district", parent=city)
    centre = make.institution(kind="governance_centre", region=district)
    return {"district": district, "centre": centre,
            "dispatcher": make.user(role="dispatcher", institution=centre),
            "mediator": make.user(institution=make.institution(region=district)),
            "foreign_dispatcher": make.user(role="dispatcher", institution=make.institution(
                kind="governance_centre", region=make.region(level="district", parent=city)))}


def _sign_in(app, user):
    """A fresh client signed in as the user (the test's context forgets its last user)."""
    g.pop("_login_user", None)
    client = app.test_client()
    assert client.post("/login", data={"username": user.username,
                                       "password": PASSWORD}).status_code == 302
    g.pop("_login_user", None)
    return client


def _warning(session, case):
    evaluate(session, case, RULES, now=NOW)
    return session.scalars(select(EarlyWarning).where(EarlyWarning.case_id == case.id)).one()


def _events(session, case, action):
    return list(session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                        CaseEvent.action == action)))


def test_a_warning_keeps_the_rule_and_the_words_that_raised_it(make, session):
    people = _district(make)
    case = make.case(by=people["mediator"], summary="欠薪纠纷", description="工人扬言再不给钱就喝农药")
    warning = _warning(session, case)
    assert (warning.flag, warning.rule, warning.term, warning.status) == (
        "risk_words", "self_harm", "喝农药", "open")
    notice = session.scalars(select(Notification).where(
        Notification.user_id == people["dispatcher"].id)).one()
    assert "喝农药" in notice.params["detail"] and "扬言自杀" in notice.params["detail"]
    assert _events(session, case, "warning.raised")[0].data["rules"] == ["self_harm"]


def test_an_ordinary_term_raises_no_warning(make, session):
    people = _district(make)
    case = make.case(by=people["mediator"], summary="承包地纠纷",
                     description="申请人与村集体经济组织就村集体土地承包发生争议，承诺不再上访")
    evaluate(session, case, RULES, now=NOW)
    assert session.scalars(select(EarlyWarning)).all() == [] and not case.is_flagged


def test_dismissing_a_false_warning_records_the_reason_and_clears_the_flag(
        make, session, app):
    people = _district(make)
    case = make.case(by=people["mediator"], description="当事人称要到法院门口拉横幅宣传普法")
    warning = _warning(session, case)
    make.commit()
    _sign_in(app, people["dispatcher"]).post(
        f"/supervision/warnings/{warning.id}/dismiss", data={"reason": "系普法宣传活动，非维权"})
    session.refresh(warning)
    assert (warning.status, warning.dismiss_reason, warning.decided_by_id) == (
        "dismissed", "系普法宣传活动，非维权", people["dispatcher"].id)
    assert not case.is_flagged and case.warning_flags == []
    assert _events(session, case, "warning.dismissed")[0].data["note"] == "系普法宣传活动，非维权"
    assert session.scalars(select(Notification.kind).where(
        Notification.user_id == people["mediator"].id)).all() == ["warning.dismissed"]
    assert evaluate(session, case, RULES, now=NOW) == [] and not case.is_flagged


def test_a_dismissal_without_a_reason_changes_nothing(make, session, app):
    people = _district(make)
    case = make.case(by=people["mediator"], description="扬言跳楼")
    warning = _warning(session, case)
    make.commit()
    _sign_in(app, people["dispatcher"]).post(
        f"/supervision/warnings/{warning.id}/dismiss", data={"reason": "  "})
    session.refresh(warning)
    assert warning.status == "open" and case.is_flagged


def test_a_dispatcher_of_another_district_cannot_dismiss_the_warning(make, session, app):
    people = _district(make)
    case = make.case(by=people["mediator"], description="扬言跳楼")
    warning = _warning(session, case)
    make.commit()
    client = _sign_in(app, people["foreign_dispatcher"])
    before = snapshot()
    response = client.post(f"/supervision/warnings/{warning.id}/dismiss",
                           data={"reason": "不在辖区"})
    assert snapshot() == before                 # no row changed, no audit event, nobody told
    session.refresh(warning)
    assert response.status_code == 404 and warning.status == "open"


def test_a_warning_case_held_elsewhere_is_assigned_to_its_holder_with_an_order(
        make, session, app):
    people = _district(make)
    case = make.case(by=people["mediator"], description="二十多名工人扬言到区政府门口拉横幅")
    evaluate(session, case, RULES, now=NOW)
    warning = session.scalars(select(EarlyWarning).where(EarlyWarning.rule == "crowd")).one()
    make.commit()
    _sign_in(app, people["dispatcher"]).post(f"/supervision/warnings/{warning.id}/assign", data={
        "institution_id": people["mediator"].institution_id,
        "instruction": "请当日联系工人代表，稳控情绪", "due_on": "2099-01-05"})
    session.refresh(warning)
    order = session.scalars(select(SupervisionOrder)).one()
    assert (warning.status, warning.assignment, warning.supervision_order_id) == (
        "assigned", "assign", order.id)
    assert (order.source, order.institution_id, order.instruction) == (
        "warning", people["mediator"].institution_id, "请当日联系工人代表，稳控情绪")
    assert {n.kind for n in session.scalars(select(Notification).where(
        Notification.user_id == people["mediator"].id))} >= {"warning.assigned",
                                                             "supervision.issued"}
    assert len(_events(session, case, "warning.assigned")) == 1


def test_a_warning_case_the_centre_holds_is_routed_by_a_dispatch_referral(
        make, session, app):
    people = _district(make)
    case = make.case(by=people["dispatcher"], description="三十余名业主聚集在售楼处")
    warning = _warning(session, case)
    committee = people["mediator"].institution
    make.commit()
    _sign_in(app, people["dispatcher"]).post(f"/supervision/warnings/{warning.id}/assign", data={
        "institution_id": committee.id, "instruction": "请物业纠纷调委会尽快介入",
        "off_list_reason": "区内专业调委会"})
    session.refresh(warning)
    referral = session.scalars(select(Referral)).one()
    assert (referral.kind, referral.to_institution_id, referral.status) == (
        "dispatch", committee.id, "pending")
    assert (warning.status, warning.assignment, warning.referral_id) == (
        "assigned", "dispatch", referral.id)
    assert session.scalars(select(SupervisionOrder)).all() == []


def test_a_warning_no_longer_met_is_cleared_and_raised_again_when_it_returns(make, session):
    people = _district(make)
    case = make.case(by=people["mediator"], description="扬言跳楼")
    warning = _warning(session, case)
    case.description = "双方情绪平稳"
    evaluate(session, case, RULES, now=NOW)
    session.refresh(warning)
    assert warning.status == "cleared" and not case.is_flagged
    case.description = "再次扬言跳楼"
    assert evaluate(session, case, RULES, now=NOW) == ["risk_words"]
    session.refresh(warning)
    assert warning.status == "open" and case.warning_flags == ["risk_words"]
    assert [e.action for e in session.scalars(select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action.like("warning.%"))
        .order_by(CaseEvent.seq))] == [
        "warning.raised", "warning.cleared", "warning.raised"]


def test_the_case_page_names_the_words_and_offers_the_dispatcher_alone_the_decisions(
        make, session, app):
    people = _district(make)
    case = make.case(by=people["mediator"], description="家属扬言要带着汽油去医院")
    warning = _warning(session, case)
    make.commit()
    dispatcher_page = _sign_in(app, people["dispatcher"]).get(
        f"/cases/{case.id}").get_data(as_text=True)
    assert "扬言暴力、极端行为" in dispatcher_page and "带着汽油" in dispatcher_page
    assert f"/supervision/warnings/{warning.id}/dismiss" in dispatcher_page
    mediator_page = _sign_in(app, people["mediator"]).get(
        f"/cases/{case.id}").get_data(as_text=True)
    assert "带着汽油" in mediator_page
    assert f"/supervision/warnings/{warning.id}/dismiss" not in mediator_page
