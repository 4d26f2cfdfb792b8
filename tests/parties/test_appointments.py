"""Appointments, video rooms and electronic delivery (电子送达): scheduling tells every party
by text; the reminder job queues one reminder per party the day before, however often it
runs; a video room link is signed with a JWT where configured and shown to the party around
the session time; delivering a document texts the link and records the delivery."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from sqlalchemy import select

from mediation_app.audit.models import CaseEvent
from mediation_app.db import utcnow
from mediation_app.documents.models import Document
from mediation_app.parties.appointments import (
    AppointmentRefused,
    NewAppointment,
    cancel,
    schedule,
    send_reminders,
    video_is_open,
)
from mediation_app.parties.delivery import DeliveryRefused, deliver_document
from mediation_app.parties.jobs import run_appointment_reminders
from mediation_app.parties.models import Appointment, DocumentDelivery
from mediation_app.parties.texts import CHINA
from mediation_app.parties.video import JitsiConfig

from .conftest import APPLICANT_PHONE, RESPONDENT_PHONE, texts_to

JITSI = JitsiConfig(base_url="https://meet.example.org", app_id="tiaojie", app_secret="a-jitsi-app-secret-of-at-least-32-bytes")


def _case(make, world):
    parties = [make.party("applicant", name="张建国", phone=APPLICANT_PHONE),
               make.party("respondent", name="王秀英", phone=RESPONDENT_PHONE)]
    return make.case(by=world.mediator, parties=parties)


def _beijing(year, month, day, hour, minute=0) -> datetime:
    """A Beijing wall-clock time as the naive UTC the database keeps."""
    return datetime(year, month, day, hour, minute, tzinfo=CHINA).astimezone(UTC).replace(
        tzinfo=None)


def test_scheduling_tells_every_party_the_time_and_place(session, make, world):
    case = _case(make, world)
    now = _beijing(2026, 12, 1, 9)
    schedule(session, case, NewAppointment(starts_at=_beijing(2026, 12, 3, 14, 30),
                                           place="浦楼街道调解室"),
             jitsi=None, actor=world.mediator, now=now)
    for phone in (APPLICANT_PHONE, RESPONDENT_PHONE):
        assert texts_to(session, phone) == [
            f"【矛盾纠纷调解】案件 {case.case_no} 定于 2026年12月3日 14:30 进行调解，地点：浦楼街道调解室。"]
    assert session.scalar(select(CaseEvent).where(CaseEvent.action == "appointment.scheduled"))


def test_a_session_cannot_be_scheduled_in_the_past(session, make, world):
    case = _case(make, world)
    with pytest.raises(AppointmentRefused) as refused:
        schedule(session, case, NewAppointment(starts_at=utcnow() - timedelta(hours=1),
                                               place="调解室"),
                 jitsi=None, actor=world.mediator, now=utcnow())
    assert refused.value.code == "in_the_past"


def test_another_institution_cannot_schedule(session, make, world):
    case = _case(make, world)
    with pytest.raises(AppointmentRefused) as refused:
        schedule(session, case, NewAppointment(starts_at=utcnow() + timedelta(days=1),
                                               place="调解室"),
                 jitsi=None, actor=world.other_mediator, now=utcnow())
    assert refused.value.code == "not_allowed"
    assert texts_to(session, APPLICANT_PHONE) == []


def test_the_reminder_goes_once_the_day_before(session, make, world):
    case = _case(make, world)
    schedule(session, case, NewAppointment(starts_at=_beijing(2026, 12, 3, 9), place="调解室"),
             jitsi=None, actor=world.mediator, now=_beijing(2026, 12, 1, 8))
    assert send_reminders(session, now=_beijing(2026, 12, 1, 20)) == 0  # two days before
    assert send_reminders(session, now=_beijing(2026, 12, 2, 8)) == 2
    assert send_reminders(session, now=_beijing(2026, 12, 2, 9)) == 0  # run again: nothing new
    assert "提醒：案件" in texts_to(session, APPLICANT_PHONE)[-1]
    assert len(texts_to(session, RESPONDENT_PHONE)) == 2


def test_the_scheduler_job_commits_the_reminders(app, session, make, world):
    case = _case(make, world)
    schedule(session, case, NewAppointment(starts_at=_beijing(2026, 12, 3, 9), place="调解室"),
             jitsi=None, actor=world.mediator, now=_beijing(2026, 12, 1, 8))
    make.commit()
    assert run_appointment_reminders(app, now=_beijing(2026, 12, 2, 10)) == 2
    assert run_appointment_reminders(app, now=_beijing(2026, 12, 2, 11)) == 0


def test_a_video_room_carries_a_signed_jwt_for_that_room(session, make, world):
    case = _case(make, world)
    starts_at = utcnow() + timedelta(days=1)
    appointment = schedule(session, case, NewAppointment(starts_at=starts_at, place="线上",
                                                         by_video=True),
                           jitsi=JITSI, actor=world.mediator, now=utcnow())
    room, token = appointment.video_url.removeprefix("https://meet.example.org/").split("?jwt=")
    claims = jwt.decode(token, JITSI.app_secret, algorithms=["HS256"], audience="jitsi",
                        options={"verify_nbf": False})
    assert claims["room"] == room and claims["iss"] == "tiaojie"
    assert claims["sub"] == "meet.example.org" and room.startswith(f"tiaojie-{case.id}-")
    assert appointment.video_url in texts_to(session, APPLICANT_PHONE)[-1]


def test_without_a_secret_the_room_link_is_plain(session, make, world):
    case = _case(make, world)
    appointment = schedule(session, case, NewAppointment(
        starts_at=utcnow() + timedelta(days=1), place="线上", by_video=True),
        jitsi=JitsiConfig(base_url="https://meet.example.org/"), actor=world.mediator,
        now=utcnow())
    assert "jwt" not in appointment.video_url


def test_the_party_sees_the_video_link_only_around_the_session_time(session, make, world):
    case = _case(make, world)
    starts_at = utcnow() + timedelta(days=1)
    appointment = schedule(session, case, NewAppointment(starts_at=starts_at, place="线上",
                                                         by_video=True),
                           jitsi=JITSI, actor=world.mediator, now=utcnow())
    assert not video_is_open(appointment, now=starts_at - timedelta(hours=2))
    assert video_is_open(appointment, now=starts_at - timedelta(minutes=10))
    assert not video_is_open(appointment, now=starts_at + timedelta(hours=5))


def test_staff_schedule_through_the_form_in_beijing_time(client, session, make, world, login):
    case = _case(make, world)
    make.commit()
    day = (utcnow() + timedelta(days=3)).date()
    login(world.mediator).post(f"/cases/{case.id}/appointments",
                               data={"day": day.isoformat(), "time": "14:30",
                                     "place": "浦楼街道调解室"})
    body = texts_to(session, APPLICANT_PHONE)[-1]
    assert f"{day.year}年{day.month}月{day.day}日 14:30" in body


def _scheduled(session, case, world, *, starts_at, now):
    return schedule(session, case, NewAppointment(starts_at=starts_at, place="浦楼街道调解室"),
                    jitsi=None, actor=world.mediator, now=now)


def test_cancelling_tells_every_party_the_reason(session, make, world):
    case = _case(make, world)
    appointment = _scheduled(session, case, world, starts_at=_beijing(2026, 12, 3, 14, 30),
                             now=_beijing(2026, 12, 1, 9))
    cancel(session, appointment, reason="调解员临时公出", actor=world.mediator,
           now=_beijing(2026, 12, 1, 10))
    for phone in (APPLICANT_PHONE, RESPONDENT_PHONE):
        assert texts_to(session, phone)[-1] == (
            f"【矛盾纠纷调解】案件 {case.case_no} 原定于 2026年12月3日 14:30 的调解已取消，"
            "原因：调解员临时公出。新的时间另行通知。")
    event = session.scalar(select(CaseEvent).where(CaseEvent.action == "appointment.cancelled"))
    assert event.data["reason"] == "调解员临时公出"


def test_a_cancelled_session_gets_no_reminder(session, make, world):
    case = _case(make, world)
    appointment = _scheduled(session, case, world, starts_at=_beijing(2026, 12, 3, 9),
                             now=_beijing(2026, 12, 1, 8))
    cancel(session, appointment, reason="当事人申请改期", actor=world.mediator,
           now=_beijing(2026, 12, 1, 9))
    assert send_reminders(session, now=_beijing(2026, 12, 2, 8)) == 0


@pytest.mark.parametrize(("actor", "reason", "at", "code"), [
    ("other_mediator", "改期", _beijing(2026, 12, 1, 10), "not_allowed"),
    ("mediator", "  ", _beijing(2026, 12, 1, 10), "no_reason"),
    ("mediator", "改期", _beijing(2026, 12, 3, 15), "already_held"),
])
def test_a_cancellation_is_refused_and_nothing_is_sent(session, make, world, actor, reason, at,
                                                       code):
    case = _case(make, world)
    appointment = _scheduled(session, case, world, starts_at=_beijing(2026, 12, 3, 14, 30),
                             now=_beijing(2026, 12, 1, 9))
    with pytest.raises(AppointmentRefused) as refused:
        cancel(session, appointment, reason=reason, actor=getattr(world, actor), now=at)
    assert refused.value.code == code
    assert appointment.cancelled_at is None and len(texts_to(session, APPLICANT_PHONE)) == 1


def test_a_session_is_cancelled_once(session, make, world):
    case = _case(make, world)
    appointment = _scheduled(session, case, world, starts_at=_beijing(2026, 12, 3, 14, 30),
                             now=_beijing(2026, 12, 1, 9))
    cancel(session, appointment, reason="改期", actor=world.mediator, now=_beijing(2026, 12, 1, 10))
    with pytest.raises(AppointmentRefused) as refused:
        cancel(session, appointment, reason="改期", actor=world.mediator,
               now=_beijing(2026, 12, 1, 11))
    assert refused.value.code == "already_cancelled"
    assert len(texts_to(session, APPLICANT_PHONE)) == 2


def test_staff_cancel_through_the_page_and_the_session_leaves_the_list(session, make, world,
                                                                       login):
    case = _case(make, world)
    appointment = _scheduled(session, case, world, starts_at=utcnow() + timedelta(days=2),
                             now=utcnow())
    make.commit()
    client = login(world.mediator)
    response = client.post(f"/cases/{case.id}/appointments/{appointment.id}/cancel",
                           data={"reason": "调解员临时公出"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "调解已取消" in page and "浦楼街道调解室" not in page
    session.expire_all()
    assert session.get(Appointment, appointment.id).cancelled_at is not None
    assert "调解员临时公出" in texts_to(session, APPLICANT_PHONE)[-1]


def test_staff_of_another_institution_cannot_cancel(session, make, world, login):
    case = _case(make, world)
    appointment = _scheduled(session, case, world, starts_at=utcnow() + timedelta(days=2),
                             now=utcnow())
    make.commit()
    response = login(world.other_mediator).post(
        f"/cases/{case.id}/appointments/{appointment.id}/cancel", data={"reason": "改期"})
    assert response.status_code == 404
    session.expire_all()
    assert session.get(Appointment, appointment.id).cancelled_at is None
    assert len(texts_to(session, APPLICANT_PHONE)) == 1


def _issued(make, world, issuer):
    parties = [make.party("applicant", name="张建国", phone=APPLICANT_PHONE),
               make.party("respondent", name="王秀英", phone=None)]
    case, mediator = make.mediating_case(by=world.mediator, parties=parties)
    make.sign_everyone(make.agreement(case, mediator), case, mediator, issuer=issuer)
    return case


def test_delivering_a_document_texts_the_link_and_records_the_delivery(session, make, world,
                                                                       issuer):
    case = _issued(make, world, issuer)
    document = session.scalar(select(Document).where(Document.case_id == case.id))
    reached = deliver_document(session, document, actor=world.mediator, now=utcnow(),
                               follow_url="http://localhost/follow")
    assert reached == ["张建国"]
    assert "《人民调解协议书》已向您送达" in texts_to(session, APPLICANT_PHONE)[-1]
    delivery = session.scalar(select(DocumentDelivery))
    assert delivery.party_id == case.parties[0].id and delivery.first_downloaded_at is None
    event = session.scalar(select(CaseEvent).where(CaseEvent.action == "document.delivered"))
    assert event.data["phones"] == ["139****5678"]


def test_another_institution_cannot_deliver_the_document(session, make, world, issuer):
    case = _issued(make, world, issuer)
    document = session.scalar(select(Document).where(Document.case_id == case.id))
    with pytest.raises(DeliveryRefused):
        deliver_document(session, document, actor=world.other_mediator, now=utcnow(),
                         follow_url="http://localhost/follow")
    assert session.scalar(select(DocumentDelivery)) is None
