"""With TEST_REDIS_URL: issuing a document is a job on Redis. The web request queues it and
answers at once with a page that follows it; a real RQ worker renders, signs, stores and
records the document (audit, notices to other institutions), and the page then goes where
issuing in the request went. A failed job leaves nothing issued; only who may issue the
document follows its job, and only under its own case."""

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from mediation_app.agreements import issuing
from mediation_app.audit.models import CaseEvent
from mediation_app.casefile.models import Referral
from mediation_app.db import utcnow
from mediation_app.documents.models import Document
from mediation_app.handlings.services import fire_transition
from mediation_app.notifications.models import Notification

from ..jobs import fixtures

queued_app, redis_url, sign_in, work = (fixtures.queued_app, fixtures.redis_url,
                                         fixtures.sign_in, fixtures.work)


def _documents(session, case_id, kind) -> list[Document]:
    """The case's documents of `kind`, detached, the test's transaction ended (SQLite: an
    open one would hold the lock the requests and the worker need)."""
    session.rollback()
    documents = list(session.scalars(select(Document).where(
        Document.case_id == case_id, Document.kind == kind).order_by(Document.id)))
    session.expunge_all()
    session.rollback()
    return documents


def _issue(client, case_id, kind="application") -> str:
    """POST the documents page's button; the address of the page that follows the job."""
    response = client.post(f"/cases/{case_id}/documents/{kind}")
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    assert f"/cases/{case_id}/documents/jobs/" in location
    return location


def _stored_files(app) -> set[Path]:
    return set(Path(app.config["MEDIATION_STORAGE"]).glob("documents/**/*"))


def test_the_request_only_queues_the_document_and_shows_that_it_is_being_made(
        make, session, sign_in):
    """The web request renders nothing: no document exists until a worker runs the job, and
    the page that follows it says the document is being made and reloads itself."""
    case, mediator = make.mediating_case()
    make.commit()
    case_id = case.id
    client = sign_in(mediator)
    following = _issue(client, case_id)
    assert _documents(session, case_id, "application") == []
    page = client.get(following)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "正在生成文书" in text
    assert '<meta http-equiv="refresh"' in text


def test_a_worker_issues_the_document_with_its_file_and_audit_event(
        make, session, sign_in, queued_app, work, issuer, pdf_text):
    """人民调解法 第十七条: the application the worker issues is signed, stored and audited as
    the issuing mediator's act, and the page that followed it goes to the documents page."""
    case, mediator = make.mediating_case()
    make.commit()
    case_id, mediator_id = case.id, mediator.id
    client = sign_in(mediator)
    following = _issue(client, case_id)
    assert work(queued_app) == 1
    [application] = _documents(session, case_id, "application")
    assert "人民调解申请书" in pdf_text(issuer.storage.read(application.storage_key))
    assert issuer.storage.read(application.masked_storage_key)
    event = session.scalar(select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                   CaseEvent.action == "document.issued"))
    assert (event.actor_id, event.data["code"]) == (mediator_id, application.verification_code)
    session.rollback()
    done = client.get(following, follow_redirects=True)
    assert done.request.path == f"/cases/{case_id}/documents"
    assert "已出具人民调解申请书" in done.get_data(as_text=True)


def test_issued_again_by_a_worker_the_copy_sent_to_the_court_is_voided_and_the_court_told(
        make, session, sign_in, queued_app, work, issuer):
    """若干规定 第二条、第三条: the 司法确认申请书 issued again while the court's referral
    waits replaces the one sent with it; the worker voids that one and the court's staff are
    told, as when the request issued it."""
    case, mediator = make.mediating_case()
    agreement = make.agreement(case, mediator)
    make.sign_everyone(agreement, case, mediator, issuer=issuer)
    fire_transition(session, case, "close_success", actor=mediator, now=datetime.now())
    court = make.institution(kind="court", name="清江浦区人民法院",
                             region=mediator.institution.region)
    liaison = make.user(role="liaison", institution=court)
    referral = Referral(case_id=case.id, kind="judicial_confirmation",
                        from_institution_id=mediator.institution_id, to_institution_id=court.id,
                        from_handling_id=case.handlings[-1].id, reason="申请司法确认",
                        created_by_id=mediator.id, accept_by=datetime.now() + timedelta(days=3))
    session.add(referral)
    session.flush()
    sent = issuing.issue_confirmation_application(session, issuer, agreement, court=None,
                                                  actor=mediator, now=datetime.now(),
                                                  referral=referral)
    make.commit()
    case_id, agreement_id, court_id = case.id, agreement.id, court.id
    sent_id, liaison_id = sent.id, liaison.id
    response = sign_in(mediator).post(f"/agreements/{agreement_id}/confirmation-application",
                                      data={"court": str(court_id)})
    assert "/documents/jobs/" in response.headers["Location"]
    assert len(_documents(session, case_id, "confirmation_application")) == 1
    work(queued_app)
    first, again = _documents(session, case_id, "confirmation_application")
    assert first.id == sent_id and first.voided_at is not None and again.voided_at is None
    [notice] = session.scalars(select(Notification).where(
        Notification.user_id == liaison_id, Notification.kind == "document.voided"))
    assert notice.params["document"] == sent_id


def test_a_failed_job_leaves_no_document_nor_file_says_so_and_may_be_issued_again(
        make, session, sign_in, queued_app, work, monkeypatch):
    """A job that fails after storing the PDF keeps nothing of it (no row, no file); the page
    says in Chinese that nothing was issued, and issuing again works."""
    case, mediator = make.mediating_case()
    make.commit()
    case_id = case.id
    client = sign_in(mediator)
    files = _stored_files(queued_app)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(issuing, "void_earlier_copies", broken)
    following = _issue(client, case_id)
    work(queued_app)
    assert _documents(session, case_id, "application") == []
    assert {path for path in _stored_files(queued_app) - files if path.is_file()} == set()
    failed = client.get(following, follow_redirects=True)
    assert failed.request.path == f"/cases/{case_id}/documents"
    assert "文书生成出错，未出具任何文书" in failed.get_data(as_text=True)
    monkeypatch.undo()
    _issue(client, case_id)
    work(queued_app)
    assert len(_documents(session, case_id, "application")) == 1


def test_a_document_refused_by_the_worker_issues_nothing_and_says_why(
        make, session, sign_in, queued_app, work):
    """人民调解法 第二十三条、第二十四条: the rights notice goes with acceptance; queued at
    another step, the worker issues nothing and the page says why in Chinese."""
    _case, mediator = make.mediating_case()
    registered = make.case(by=mediator)
    make.commit()
    registered_id = registered.id
    client = sign_in(mediator)
    following = _issue(client, registered_id, "rights_notice")
    work(queued_app)
    assert _documents(session, registered_id, "rights_notice") == []
    page = client.get(following, follow_redirects=True).get_data(as_text=True)
    assert "该文书应在本程序的其他环节出具" in page


def test_a_job_is_followed_only_under_its_own_case(make, session, sign_in):
    """Another case's job is not found under a case the mediator issues documents for."""
    case, mediator = make.mediating_case()
    other = make.case(by=mediator)
    make.commit()
    case_id, other_id = case.id, other.id
    client = sign_in(mediator)
    job_id = _issue(client, case_id).rsplit("/", 1)[1]
    assert client.get(f"/cases/{other_id}/documents/jobs/{job_id}").status_code == 404


def test_a_reader_who_may_not_issue_the_document_may_not_follow_its_job(
        make, session, sign_in):
    """The committee reader of the region reads the case but issues none of its documents:
    the job's page refuses them; another institution's mediator does not find it."""
    case, mediator = make.mediating_case()
    region = mediator.institution.region
    reader = make.user(role="committee", institution=make.institution(kind="committee",
                                                                      region=region))
    stranger = make.user(role="mediator", institution=make.institution(
        region=make.district()))
    make.commit()
    case_id = case.id
    following = _issue(sign_in(mediator), case_id)
    assert sign_in(reader).get(following).status_code == 403
    assert sign_in(stranger).get(following).status_code == 404


def test_a_visit_record_queued_twice_is_issued_once(make, session, sign_in, queued_app, work):
    """人民调解法 第三十一条: one 回访记录 per visit. Asked for twice before a worker runs,
    the first job issues it and the second issues nothing and says it was issued."""
    case, mediator, visit = make.visited_case()
    case_id, visit_id = case.id, visit.id
    client = sign_in(mediator)
    first, second = (client.post(f"/follow-ups/{visit_id}/record").headers["Location"]
                     for _ in range(2))
    assert work(queued_app) == 2
    [record] = _documents(session, case_id, "follow_up_record")
    assert record.title == "人民调解回访记录"
    assert "已出具人民调解回访记录" in client.get(first, follow_redirects=True).get_data(
        as_text=True)
    assert "本次回访的记录已经出具" in client.get(second, follow_redirects=True).get_data(
        as_text=True)


def test_a_document_issued_by_a_worker_is_dated_when_it_was_asked_for(
        make, session, sign_in, queued_app, work, monkeypatch):
    """A worker that runs the job after midnight (here two days later) dates the document,
    its signature and its audit event the day the mediator asked for it."""
    from mediation_app.agreements import issue_jobs

    case, mediator = make.mediating_case()
    make.commit()
    case_id = case.id
    asked = utcnow()
    _issue(sign_in(mediator), case_id)
    later = asked + timedelta(days=2)
    monkeypatch.setattr(issue_jobs, "utcnow", lambda: later)
    assert work(queued_app) == 1
    [application] = _documents(session, case_id, "application")
    assert asked <= application.created_at < asked + timedelta(minutes=5)
    event = session.scalar(select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                   CaseEvent.action == "document.issued"))
    assert event.at == application.created_at
