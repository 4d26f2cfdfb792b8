"""The 终止调解告知书 of a failed mediation (人民调解法 第二十六条: the parties are told of the
other ways open to them). Without REDIS_URL the page issues it in the request; with
TEST_REDIS_URL a queue worker does, and the request renders nothing."""

from datetime import datetime

from sqlalchemy import select

from mediation_app.audit.models import CaseEvent
from mediation_app.documents.models import Document
from mediation_app.handlings.services import fire_transition

from ..factories import reason_for
from ..jobs import fixtures

queued_app, redis_url, sign_in, work, renders = (
    fixtures.queued_app, fixtures.redis_url, fixtures.sign_in, fixtures.work, fixtures.renders)


def _failed_case(make):
    case, mediator = make.mediating_case()
    fire_transition(make.session, case, "close_failure", actor=mediator, now=datetime.now(),
                    reason=reason_for(case, "close_failure"))
    make.commit()
    return case.id, mediator


def _notices(session, case_id) -> list[Document]:
    session.rollback()
    notices = list(session.scalars(select(Document).where(
        Document.case_id == case_id, Document.kind == "failure_notice")))
    session.expunge_all()
    session.rollback()
    return notices


def test_without_a_queue_the_page_issues_the_notice_itself(make, session, login, renders):
    case_id, mediator = _failed_case(make)
    response = login(mediator).post(f"/cases/{case_id}/failure-notice", follow_redirects=True)
    assert "终止调解告知书已出具。" in response.get_data(as_text=True)
    [notice] = _notices(session, case_id)
    assert notice.title == "终止调解告知书" and set(renders) == {"request"}


def test_with_a_queue_the_request_only_queues_the_notice(make, session, sign_in, renders):
    case_id, mediator = _failed_case(make)
    response = sign_in(mediator).post(f"/cases/{case_id}/failure-notice")
    assert f"/cases/{case_id}/documents/jobs/" in response.headers["Location"]
    assert (_notices(session, case_id), renders) == ([], [])


def test_a_worker_issues_the_notice_with_its_file_and_audit_event(
        make, session, sign_in, queued_app, work, issuer, pdf_text, renders):
    case_id, mediator = _failed_case(make)
    mediator_id = mediator.id
    client = sign_in(mediator)
    following = client.post(f"/cases/{case_id}/failure-notice").headers["Location"]
    assert work(queued_app) == 1
    [notice] = _notices(session, case_id)
    assert "终止调解告知书" in "".join(pdf_text(issuer.storage.read(notice.storage_key)).split())
    assert issuer.storage.read(notice.masked_storage_key)
    event = session.scalar(select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                   CaseEvent.action == "document.issued"))
    assert (event.actor_id, event.data["code"]) == (mediator_id, notice.verification_code)
    assert set(renders) == {"job"}
    session.rollback()
    done = client.get(following, follow_redirects=True)
    assert done.request.path == f"/cases/{case_id}"
    assert "终止调解告知书已出具。" in done.get_data(as_text=True)


def test_a_reader_who_may_not_issue_the_notice_may_not_follow_its_job(make, session, sign_in):
    case_id, mediator = _failed_case(make)
    region = mediator.institution.region
    reader = make.user(role="committee", institution=make.institution(kind="committee",
                                                                      region=region))
    stranger = make.user(institution=make.institution(region=make.district()))
    make.commit()
    following = sign_in(mediator).post(f"/cases/{case_id}/failure-notice").headers["Location"]
    assert sign_in(reader).get(following).status_code == 403
    assert sign_in(stranger).get(following).status_code == 404
