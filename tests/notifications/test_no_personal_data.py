"""Personal data has one rule, notifications included: an ID number or a mobile phone
written in what a notification carries (a warning's matched text, a note) is masked the
way pages mask it, in the in-app inbox and in the email or text message alike."""

from sqlalchemy import select

from mediation_app.db import utcnow
from mediation_app.domain.idcard import mask_id_number
from mediation_app.notifications.dispatch import save_preferences, tell
from mediation_app.notifications.models import Notification
from mediation_app.outbox.models import OutboxMessage
from tests.factories import id_number


def _told(make, session):
    user = make.user()
    save_preferences(session, user, phone="13700001111", email_topics=[], sms_topics=["warning"],
                     now=utcnow())
    number = id_number()
    tell(session, [user], kind="warning.raised", key="w:1", now=utcnow(), case_no="（2026）调1号",
         detail=f"当事人{number}扬言报复，电话13912345678")
    session.flush()
    return number


def test_the_inbox_keeps_no_id_number_or_phone(make, session):
    number = _told(make, session)
    detail = session.scalar(select(Notification)).params["detail"]
    assert number not in detail and "13912345678" not in detail
    assert mask_id_number(number) in detail and "139****5678" in detail


def test_the_text_message_carries_no_id_number_or_phone(make, session):
    number = _told(make, session)
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.channel == "sms"))
    assert number not in message.body and "13912345678" not in message.body
    assert "139****5678" in message.body and message.recipient == "13700001111"
