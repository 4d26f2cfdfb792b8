"""Appointments: scheduling a session tells every party the time and place (or video link)
by text message; a reminder goes the day before; cancelling one tells every party why, and
no reminder follows. The reminder job may run any number of
times: each reminder has its own outbox key and is queued once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access import policy
from ..audit.services import record_event
from ..auth.models import User
from ..casefile.models import Case, Party
from . import texts
from .models import Appointment
from .otp import is_mobile_number, normalise_phone
from .video import JitsiConfig, Participant, participant_url, room_name, room_url

VIDEO_OPEN_BEFORE = timedelta(minutes=30)
VIDEO_OPEN_AFTER = timedelta(hours=4)


class AppointmentRefused(ValueError):
    """`code`: not_allowed, in_the_past, no_video, already_cancelled, already_held,
    no_reason."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass
class NewAppointment:
    starts_at: datetime  # naive UTC
    place: str
    by_video: bool = False


def _texted(case: Case) -> list[Party]:
    """The parties with a mobile number: they are told by text message."""
    return [p for p in case.parties if p.phone and is_mobile_number(normalise_phone(p.phone))]


def party_participant(party: Party) -> Participant:
    return Participant(key=f"party-{party.id}", name=party.name)


def staff_participant(user: User, case: Case, appointment: Appointment) -> Participant:
    """Staff join under their own name; the case's mediator (or, when none is assigned, the
    one who scheduled the session) is the moderator."""
    presiding = case.assigned_mediator_id or appointment.created_by_id
    return Participant(key=f"user-{user.id}", name=user.display_name,
                       is_moderator=user.id == presiding)


def video_link(jitsi: JitsiConfig | None, appointment: Appointment,
               participant: Participant) -> str | None:
    """The participant's own link to the session's room, or None for a session in a room."""
    if appointment.video_url is None:
        return None
    return participant_url(jitsi, appointment.video_url, participant,
                           starts_at=appointment.starts_at)


def schedule(session: Session, case: Case, data: NewAppointment, *, jitsi: JitsiConfig | None,
             actor: User, now: datetime) -> Appointment:
    if not policy.schedules_sessions(actor, case):
        raise AppointmentRefused("not_allowed")
    if data.starts_at <= now:
        raise AppointmentRefused("in_the_past")
    if data.by_video and jitsi is None:
        raise AppointmentRefused("no_video")
    video_url = room_url(jitsi, room_name(case.id)) if data.by_video else None
    appointment = Appointment(case_id=case.id, starts_at=data.starts_at, place=data.place,
                              video_url=video_url, created_by_id=actor.id, created_at=now)
    session.add(appointment)
    session.flush()
    record_event(session, case, "appointment.scheduled", actor=actor, now=now,
                 starts_at=data.starts_at, place=data.place, by_video=data.by_video)
    for party in _texted(case):
        link = video_link(jitsi, appointment, party_participant(party))
        texts.send_text(session, phone=party.phone,
                        body=texts.appointment_text(case.case_no, data.starts_at, data.place, link),
                        key=f"appointment:{appointment.id}:party:{party.id}",
                        kind="appointment.scheduled", now=now, case_id=case.id,
                        institution_id=case.holder_institution_id)
    return appointment


def cancel(session: Session, appointment: Appointment, *, reason: str, actor: User,
           now: datetime) -> None:
    """Call a session off before it starts; every party with a mobile number is told, with
    the reason, and the day-before reminder is not sent."""
    case = session.get(Case, appointment.case_id)
    reason = reason.strip()
    if not policy.schedules_sessions(actor, case):
        raise AppointmentRefused("not_allowed")
    if appointment.cancelled_at is not None:
        raise AppointmentRefused("already_cancelled")
    if appointment.starts_at <= now:
        raise AppointmentRefused("already_held")
    if not reason:
        raise AppointmentRefused("no_reason")
    appointment.cancelled_at = now
    record_event(session, case, "appointment.cancelled", actor=actor, now=now,
                 starts_at=appointment.starts_at, place=appointment.place, reason=reason)
    body = texts.cancellation_text(case.case_no, appointment.starts_at, reason)
    for party in _texted(case):
        texts.send_text(session, phone=party.phone, body=body,
                        key=f"appointment:{appointment.id}:cancelled:{party.id}",
                        kind="appointment.cancelled", now=now, case_id=case.id,
                        institution_id=case.holder_institution_id)


def _china_date(moment: datetime):
    return texts.to_china_time(moment).date()


def send_reminders(session: Session, *, now: datetime, jitsi: JitsiConfig | None = None) -> int:
    """Queue a reminder to each party for every session held tomorrow (Beijing time).
    Returns how many were queued now; a second run the same day queues none."""
    tomorrow = _china_date(now) + timedelta(days=1)
    upcoming = session.scalars(select(Appointment).where(
        Appointment.cancelled_at.is_(None), Appointment.starts_at > now,
        Appointment.starts_at < now + timedelta(hours=48)))
    queued = 0
    for appointment in upcoming:
        if _china_date(appointment.starts_at) != tomorrow:
            continue
        case = session.get(Case, appointment.case_id)
        for party in _texted(case):
            body = texts.reminder_text(case.case_no, appointment.starts_at, appointment.place,
                                       video_link(jitsi, appointment, party_participant(party)))
            queued += texts.send_text(
                session, phone=party.phone, body=body,
                key=f"appointment:{appointment.id}:reminder:{party.id}",
                kind="appointment.reminder", now=now, case_id=case.id,
                institution_id=case.holder_institution_id) is not None
    return queued


def video_is_open(appointment: Appointment, *, now: datetime) -> bool:
    """The party's page shows the room link around the session time only."""
    return (appointment.video_url is not None
            and appointment.starts_at - VIDEO_OPEN_BEFORE <= now
            <= appointment.starts_at + VIDEO_OPEN_AFTER)


def upcoming_for(session: Session, case_id: int, *, now: datetime) -> list[Appointment]:
    return list(session.scalars(select(Appointment).where(
        Appointment.case_id == case_id, Appointment.cancelled_at.is_(None),
        Appointment.starts_at > now - VIDEO_OPEN_AFTER).order_by(Appointment.starts_at)))
