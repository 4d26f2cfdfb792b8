"""人民调解法 art. 27 and 人民调解工作若干规定 art. 35: the mediation makes a record
(调解笔录) signed by the mediator and the parties. Each session records when it started
and ended and who kept the record (记录人), a case worker of the recording institution."""

from datetime import time

from sqlalchemy import select

from mediation_app.agreements.models import MediationSession
from mediation_app.audit.models import CaseEvent
from mediation_app.db import utcnow
from mediation_app.handlings.services import fire_transition

SESSION = {"held_on": "2026-12-01", "place": "调解室", "mediators": "王调解",
           "attendees": "双方当事人", "record": "双方陈述意见。"}


def _accepted_case(make, session):
    mediator = make.user(display_name="王调解")
    colleague = make.user(institution=mediator.institution, display_name="李记录")
    case = make.case(by=mediator)
    make.examined_for_police_mediation(case, mediator)
    for step in ("accept", "start_mediation"):
        fire_transition(session, case, step, actor=mediator, now=utcnow())
    make.commit()
    return case, mediator, colleague


def _sessions(session, case) -> list[MediationSession]:
    return list(session.scalars(select(MediationSession)
                                .where(MediationSession.case_id == case.id)))


def test_a_session_keeps_its_start_and_end_time_and_its_recorder(make, login, session):
    case, mediator, colleague = _accepted_case(make, session)
    login(mediator).post(f"/cases/{case.id}/sessions/new", data={
        **SESSION, "start_time": "09:00", "end_time": "11:30", "recorder_id": str(colleague.id)})
    [record] = _sessions(session, case)
    assert (record.start_time, record.end_time, record.recorder_id) == (
        time(9, 0), time(11, 30), colleague.id)


def test_a_session_ending_before_it_starts_is_refused_in_chinese(make, login, session):
    case, mediator, _colleague = _accepted_case(make, session)
    page = login(mediator).post(f"/cases/{case.id}/sessions/new", data={
        **SESSION, "start_time": "11:00", "end_time": "10:00"}).get_data(as_text=True)
    assert "结束时间应晚于开始时间。" in page
    assert _sessions(session, case) == []


def test_the_recorder_is_offered_among_the_institutions_case_workers_only(make, login, session):
    case, mediator, colleague = _accepted_case(make, session)
    make.user(display_name="外单位人员")
    make.user(role="admin", institution=mediator.institution, display_name="系统管理员")
    make.commit()
    page = login(mediator).get(f"/cases/{case.id}/sessions/new").get_data(as_text=True)
    offered = page[page.index('name="recorder_id"'):]
    offered = offered[:offered.index("</select>")]
    assert "李记录" in offered and f'<option selected value="{mediator.id}">' in offered
    assert "外单位人员" not in offered and "系统管理员" not in offered


def test_a_recorder_from_another_institution_is_refused(make, login, session):
    case, mediator, _colleague = _accepted_case(make, session)
    stranger = make.user(display_name="外单位人员")
    make.commit()
    login(mediator).post(f"/cases/{case.id}/sessions/new", data={
        **SESSION, "recorder_id": str(stranger.id)})
    assert _sessions(session, case) == []


def test_the_edit_page_corrects_the_times_and_the_timeline_shows_them(make, login, session):
    case, mediator, colleague = _accepted_case(make, session)
    record = make.session_record(case, mediator, start_time=time(9, 0), end_time=time(10, 0))
    make.commit()
    login(mediator).post(f"/sessions/{record.id}/edit", data={
        **SESSION, "start_time": "09:00", "end_time": "10:45", "recorder_id": str(colleague.id),
        "version": str(record.version)})
    session.expire_all()
    saved = session.get(MediationSession, record.id)
    event = session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                   CaseEvent.action == "session.edited"))
    assert (saved.end_time, saved.recorder_id) == (time(10, 45), colleague.id)
    assert "end_time" in event.data["fields"] and "recorder_id" in event.data["fields"]


def test_the_case_page_shows_the_sessions_times_and_recorder(make, login, session):
    case, mediator, colleague = _accepted_case(make, session)
    make.session_record(case, mediator, start_time=time(9, 0), end_time=time(11, 30),
                        recorder_id=colleague.id)
    make.commit()
    page = login(mediator).get(f"/cases/{case.id}").get_data(as_text=True)
    assert "09:00–11:30" in page and "记录人: 李记录" in page
