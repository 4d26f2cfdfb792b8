"""Returning a referral (退回): the form starts with no reason chosen, 材料不全 and 其他 need
an explanation, and the page asks for confirmation before anything is returned."""

import pytest
from sqlalchemy import select

from mediation_app.casefile.models import Referral
from mediation_app.notifications.models import Notification
from mediation_app.referrals.services import ReferralError, return_referral

from .helpers import (
    client_for,
    database,
    file_case_via_view,
    new_world,
    pending_referral_id,
    send,
    send_via_view,
)
from .helpers import (
    file_case as file_case_in_service,
)


def _pending(app, world):
    police = client_for(app, world.police_liaison)
    case_id = file_case_via_view(police, world.district.id)
    send_via_view(police, case_id, "police_mediation", world.committee, "请调解。")
    return pending_referral_id(app, case_id)


def _status(app, referral_id):
    with database(app) as session:
        referral = session.get(Referral, referral_id)
        return referral.status, referral.return_reason, referral.return_note


def test_the_return_form_starts_with_no_reason_selected(app):
    world = new_world(app)
    referral_id = _pending(app, world)
    page = client_for(app, world.mediator).get(f"/referrals/{referral_id}/return")
    select_html = page.get_data(as_text=True).split('name="reason"')[1].split("</select>")[0]
    assert select_html.split("<option", 2)[1].startswith(' value=""')
    assert "selected" not in select_html


def test_a_return_without_a_reason_is_refused_and_nothing_changes(app):
    world = new_world(app)
    referral_id = _pending(app, world)
    response = client_for(app, world.mediator).post(f"/referrals/{referral_id}/return",
                                                    data={"reason": "", "note": "",
                                                          "confirmed": "yes"})
    assert response.status_code == 200
    assert "请选择退回理由" in response.get_data(as_text=True)
    assert _status(app, referral_id) == ("pending", None, None)


@pytest.mark.parametrize("reason", ["incomplete_materials", "other"])
def test_missing_materials_and_other_need_an_explanation(app, reason):
    world = new_world(app)
    referral_id = _pending(app, world)
    response = client_for(app, world.mediator).post(f"/referrals/{referral_id}/return",
                                                    data={"reason": reason, "note": " ",
                                                          "confirmed": "yes"})
    assert "请说明缺少哪些材料或具体原因" in response.get_data(as_text=True)
    assert _status(app, referral_id) == ("pending", None, None)


def test_the_page_asks_for_confirmation_before_returning(app):
    world = new_world(app)
    referral_id = _pending(app, world)
    mediator = client_for(app, world.mediator)
    first = mediator.post(f"/referrals/{referral_id}/return",
                          data={"reason": "incomplete_materials", "note": "缺少报警回执。"})
    page = first.get_data(as_text=True)
    assert first.status_code == 200 and "确认退回" in page and "缺少报警回执。" in page
    assert _status(app, referral_id) == ("pending", None, None)

    second = mediator.post(f"/referrals/{referral_id}/return",
                           data={"reason": "incomplete_materials", "note": "缺少报警回执。",
                                 "confirmed": "yes"})
    assert second.status_code == 302
    assert _status(app, referral_id) == ("returned", "incomplete_materials", "缺少报警回执。")
    with database(app) as session:
        told = session.scalars(select(Notification.user_id).where(
            Notification.kind == "referral.returned")).all()
    assert told == [world.police_liaison.id]


def test_the_service_also_refuses_a_return_for_missing_materials_without_a_note(session, make):
    from .helpers import build_world

    world = build_world(make)
    case = file_case_in_service(session, world.police_liaison, now=_now())
    referral = send(session, case, "police_mediation", world.committee, world.police_liaison,
                    _now())
    with pytest.raises(ReferralError) as refused:
        return_referral(session, referral, reason="incomplete_materials", note="  ",
                        actor=world.mediator, now=_now())
    assert refused.value.code == "note_required" and referral.status == "pending"


def _now():
    from datetime import datetime

    return datetime(2025, 3, 10, 2, 0)
