"""With TEST_REDIS_URL: an oral agreement (人民调解法 第二十八条、第三十条) is recorded and its
record issued by a queue worker, both or neither; the request renders and records nothing."""

from sqlalchemy import select

from mediation_app.agreements import issuing
from mediation_app.agreements.models import Agreement
from mediation_app.audit.models import CaseEvent
from mediation_app.documents.models import Document

from ..jobs import fixtures
from .test_oral_agreement import ORAL_FORM

queued_app, redis_url, sign_in, work, renders = (
    fixtures.queued_app, fixtures.redis_url, fixtures.sign_in, fixtures.work, fixtures.renders)


def _record_orally(make, sign_in):
    """The mediator posts the oral agreement; (case id, client, the page that follows)."""
    case, mediator = make.mediating_case()
    make.commit()
    case_id = case.id
    client = sign_in(mediator)
    response = client.post(f"/cases/{case_id}/agreement/oral", data=ORAL_FORM)
    assert response.status_code == 302, response.get_data(as_text=True)
    return case_id, client, response.headers["Location"]


def _recorded(session, case_id):
    """(agreements, documents, audit actions) of the case, the test's transaction ended."""
    session.rollback()
    state = (session.scalars(select(Agreement).where(Agreement.case_id == case_id)).all(),
             session.scalars(select(Document).where(Document.case_id == case_id)).all(),
             set(session.scalars(select(CaseEvent.action).where(CaseEvent.case_id == case_id))))
    session.expunge_all()
    session.rollback()
    return state


def test_the_request_records_and_renders_nothing_and_follows_the_job(
        make, session, sign_in, renders):
    case_id, client, following = _record_orally(make, sign_in)
    assert f"/cases/{case_id}/documents/jobs/" in following
    agreements, documents, actions = _recorded(session, case_id)
    assert (agreements, documents, renders) == ([], [], [])
    assert "agreement.oral" not in actions
    assert "正在生成文书" in client.get(following).get_data(as_text=True)


def test_a_worker_records_the_oral_agreement_and_issues_its_record(
        make, session, sign_in, queued_app, work, renders):
    case_id, client, following = _record_orally(make, sign_in)
    assert work(queued_app) == 1
    [agreement], [document], actions = _recorded(session, case_id)
    assert (agreement.form, agreement.status, agreement.clauses) == (
        "oral", "signed", ["双方于当日共同清理排水沟。", "今后轮流清理。"])
    assert (document.kind, document.title, document.is_signed) == (
        "oral_agreement", "口头调解协议记录", True)
    assert {"agreement.oral", "document.issued"} <= actions
    assert renders and set(renders) == {"job"}
    done = client.get(following, follow_redirects=True)
    assert done.request.path == f"/cases/{case_id}"
    assert "口头调解协议已记录，自今日起生效" in done.get_data(as_text=True)


def test_a_failed_job_records_no_oral_agreement(
        make, session, sign_in, queued_app, work, monkeypatch):
    """All or nothing: the record failing, the agreement is not kept either."""
    case_id, client, following = _record_orally(make, sign_in)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(issuing, "issue", broken)
    work(queued_app)
    agreements, documents, actions = _recorded(session, case_id)
    assert (agreements, documents) == ([], [])
    assert "agreement.oral" not in actions
    failed = client.get(following, follow_redirects=True).get_data(as_text=True)
    assert "文书生成出错，未出具任何文书" in failed


def test_another_institution_does_not_find_the_job(make, session, sign_in):
    case_id, _client, following = _record_orally(make, sign_in)
    stranger = make.user(institution=make.institution(region=make.district()))
    make.commit()
    assert sign_in(stranger).get(following).status_code == 404
