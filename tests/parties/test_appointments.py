"""Appointments, video rooms and electronic delivery (电子送达): scheduling tells every party
by text; the reminder job queues one reminder per party the day before, however often it
runs; a video room gives each party and the mediator a link of their own, signed with a JWT
naming them where configured (only the mediator's makes a moderator), shown to the party
around the session time; delivering a document texts the link and records the delivery."""

import re
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
    staff_participant,
    video_is_open,
    video_link,
)
from mediation_app.parties.delivery import DeliveryRefused, deliver_document
from mediation_app.parties.following import case_status
from mediation_app.parties.jobs import run_appointment_reminders
from mediation_app.parties.models import Appointment, DocumentDelivery, PartyGrant
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


def _video(session, case, world, starts_at):
    return schedule(session, case, NewAppointment(starts_at=starts_at, place="线上",
                                                  by_video=True),
                    jitsi=JITSI, actor=world.mediator, now=utcnow())


def _link_in(body: str) -> str:
    return re.search(r"(https://meet\.example\.org/\S+?)。", body).group(1)


def _claims(link: str) -> dict:
    """Whom the link names, whenever the test runs (its times are fixed dates, so the link's
    validity window may lie in the past)."""
    return jwt.decode(link.split("?jwt=")[1], JITSI.app_secret, algorithms=["HS256"],
                      audience="jitsi", options={"verify_nbf": False, "verify_exp": False})


def test_each_party_is_texted_a_link_of_their_own_naming_them(session, make, world):
    """A leaked link tells whose it was: each party's token carries their own name and id."""
    case = _case(make, world)
    appointment = _video(session, case, world, utcnow() + timedelta(days=1))
    applicant, respondent = case.parties
    mine = _link_in(texts_to(session, APPLICANT_PHONE)[-1])
    theirs = _link_in(texts_to(session, RESPONDENT_PHONE)[-1])
    assert mine != theirs
    assert _claims(mine)["context"]["user"] == {"id": f"party-{applicant.id}",
                                                "name": "张建国", "moderator": False}
    assert _claims(theirs)["context"]["user"]["name"] == "王秀英"
    room = appointment.video_url.removeprefix("https://meet.example.org/")
    assert "jwt" not in appointment.video_url and room.startswith(f"tiaojie-{case.id}-")
    assert all(_claims(link)["room"] == room and _claims(link)["iss"] == "tiaojie"
               and _claims(link)["sub"] == "meet.example.org" for link in (mine, theirs))


def test_a_party_never_joins_as_moderator(session, make, world):
    case = _case(make, world)
    _video(session, case, world, utcnow() + timedelta(days=1))
    for phone in (APPLICANT_PHONE, RESPONDENT_PHONE):
        claims = _claims(_link_in(texts_to(session, phone)[-1]))
        assert claims["moderator"] is False and claims["context"]["user"]["moderator"] is False


def test_only_the_mediator_is_the_moderator(session, make, world):
    case = _case(make, world)
    colleague = make.user(institution=world.committee, display_name="李同事")
    appointment = _video(session, case, world, utcnow() + timedelta(days=1))
    mediator = _claims(video_link(JITSI, appointment, staff_participant(
        world.mediator, case, appointment)))
    other = _claims(video_link(JITSI, appointment, staff_participant(
        colleague, case, appointment)))
    assert mediator["moderator"] is True and mediator["context"]["user"]["name"] == \
        world.mediator.display_name
    assert other["moderator"] is False and other["context"]["user"]["id"] == \
        f"user-{colleague.id}"


def test_the_reminder_carries_each_partys_own_link(session, make, world):
    case = _case(make, world)
    starts_at = _beijing(2026, 12, 3, 9)
    schedule(session, case, NewAppointment(starts_at=starts_at, place="线上", by_video=True),
             jitsi=JITSI, actor=world.mediator, now=_beijing(2026, 12, 1, 8))
    send_reminders(session, now=_beijing(2026, 12, 2, 10), jitsi=JITSI)
    reminder = texts_to(session, RESPONDENT_PHONE)[-1]
    assert "提醒" in reminder
    assert _claims(_link_in(reminder))["context"]["user"]["id"] == f"party-{case.parties[1].id}"


def test_the_status_page_shows_the_party_their_own_link(session, make, world):
    case = _case(make, world)
    starts_at = utcnow() + timedelta(minutes=10)
    appointment = schedule(session, case, NewAppointment(starts_at=starts_at, place="线上",
                                                         by_video=True),
                           jitsi=JITSI, actor=world.mediator, now=utcnow() - timedelta(hours=1))
    grant = PartyGrant(case_id=case.id, party_id=case.parties[1].id)
    view = case_status(session, grant, now=utcnow(), jitsi=JITSI)
    assert view.video_open and view.next_appointment.id == appointment.id
    assert _claims(view.video_link)["context"]["user"]["name"] == "王秀英"


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
