"""人民调解法 art. 27 and 人民调解工作若干规定 art. 35: the 调解笔录 states when the session
sat and who kept the record (记录人), whose name stands on the recorder's signature line."""

from datetime import time

from mediation_app.agreements import issuing

from .channel_helpers import case_under, stored, walk


def test_the_session_record_prints_its_times_and_its_recorder(make, session, issuer, pdf_text):
    case, user = case_under(make, "peoples_committee")
    recorder = make.user(institution=user.institution, display_name="李记录")
    walk(session, case, user, "accept", "start_mediation")
    make.session_record(case, user, start_time=time(9, 0), end_time=time(11, 30),
                        recorder_id=recorder.id)
    issuing.issue_case_document(session, issuer, case, "session_record", actor=user,
                                now=case.updated_at)
    text = pdf_text(stored(session, issuer, case, "session_record")).replace("\n", "")
    assert "9时00分至11时30分" in text
    assert "记录人（签名）：李记录" in text
