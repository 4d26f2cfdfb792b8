"""The API corrects a session's start and end time and its recorder (记录人) like the page."""

from datetime import time

from mediation_app.agreements.models import MediationSession

from .test_cases_api import _auth

BODY = {"held_on": "2026-12-01", "place": "调解室", "mediators": "王调解",
        "attendees": "双方当事人", "record": "双方陈述意见。"}


def _put(make, client, **changes):
    case, mediator = make.mediating_case()
    colleague = make.user(institution=mediator.institution, display_name="李记录")
    record = make.session_record(case, mediator)
    secret = make.token(mediator)
    make.commit()
    body = {**BODY, "recorder_id": colleague.id, **changes}
    response = client.put(f"/api/v1/sessions/{record.id}", json=body, headers=_auth(secret))
    return record.id, colleague, response


def test_the_api_saves_the_times_and_the_recorder(make, client, session):
    record_id, colleague, response = _put(make, client, start_time="09:00", end_time="11:30")
    session.expire_all()
    saved = session.get(MediationSession, record_id)
    assert (saved.start_time, saved.end_time, saved.recorder_id) == (
        time(9, 0), time(11, 30), colleague.id)
    assert (response.json["end_time"], response.json["recorder"]) == ("11:30", "李记录")


def test_the_api_refuses_an_end_before_the_start(make, client, session):
    record_id, _colleague, response = _put(make, client, start_time="11:00", end_time="10:00")
    session.expire_all()
    assert response.json["fields"]["end_time"] == ["must be after start_time"]
    assert session.get(MediationSession, record_id).end_time is None
