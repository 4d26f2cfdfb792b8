"""Each user chooses what comes by email and text message; each case shows every message
sent about it — to whom (phones and addresses masked), by which channel, and its status;
a request that queued messages sends them right after it commits."""

from sqlalchemy import select

from mediation_app.notifications.models import NotificationPreference
from mediation_app.outbox.backends import Backends, ConsoleBackend
from mediation_app.outbox.models import OutboxMessage

from ..referrals.helpers import (
    client_for,
    database,
    file_case_via_view,
    new_world,
    send_via_view,
)


def test_a_user_saves_which_topics_come_by_email_and_text(app):
    world = new_world(app)
    client = client_for(app, world.mediator)
    assert "通知方式设置" in client.get("/notifications/preferences").get_data(as_text=True)
    response = client.post("/notifications/preferences", data={
        "phone": "13912345678", "email_topics": ["outcome"], "sms_topics": ["referral"]})
    assert response.status_code == 302
    with database(app) as session:
        saved = session.scalar(select(NotificationPreference))
        assert (saved.user_id, saved.phone, saved.email_topics, saved.sms_topics) == (
            world.mediator.id, "13912345678", ["outcome"], ["referral"])


def test_text_messages_without_a_mobile_number_are_refused(app):
    world = new_world(app)
    response = client_for(app, world.mediator).post("/notifications/preferences", data={
        "phone": "", "sms_topics": ["referral"]})
    assert "接收短信须填写手机号码" in response.get_data(as_text=True)
    with database(app) as session:
        assert session.scalar(select(NotificationPreference)) is None


def test_the_ledger_shows_each_message_with_channel_status_and_masked_phone(app):
    app.extensions["outbox"], saved = Backends(email=ConsoleBackend(), sms=ConsoleBackend()), \
        app.extensions["outbox"]
    try:
        world = new_world(app)
        client_for(app, world.mediator).post("/notifications/preferences", data={
            "phone": "13912345678", "sms_topics": ["referral"]})
        police = client_for(app, world.police_liaison)
        case_id = file_case_via_view(police, world.district.id)
        send_via_view(police, case_id, "police_mediation", world.committee, "请调解。")
        # sent right after the request committed, without waiting for the scheduler
        assert [e.recipient for e in app.extensions["outbox"].sms.delivered] == ["13912345678"]
        with database(app) as session:
            message = session.scalar(select(OutboxMessage))
            assert (message.status, message.attempts) == ("sent", 1)

        ledger = police.get(f"/notifications/cases/{case_id}").get_data(as_text=True)
        rows = ledger.split("<tbody>")[1]
        assert "139****5678" in rows and "13912345678" not in rows
        assert "短信" in rows and "已发送" in rows
        assert "站内通知" in rows and "已送达，未读" in rows
    finally:
        app.extensions["outbox"] = saved
