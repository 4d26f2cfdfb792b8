"""With TEST_REDIS_URL: the 以案定补 statement's PDF is rendered by a queue worker. The request
renders nothing and follows the job; the worker renders what the request rendered for that
reader (a mediator's own lines, in the reader's language); only that reader downloads it."""

from pathlib import Path

from redis import Redis
from rq import Queue

from mediation_app.jobs.queue import QUEUE_NAME

from . import pdfs
from .jobs import fixtures
from .test_subsidy import _concluded

queued_app, redis_url, sign_in, work, renders = (
    fixtures.queued_app, fixtures.redis_url, fixtures.sign_in, fixtures.work, fixtures.renders)
pdf_text = pdfs.pdf_text


def _waiting(app) -> int:
    """Jobs waiting on the app's queue."""
    return Queue(QUEUE_NAME, connection=Redis.from_url(app.config["REDIS_URL"])).count


def _ask(client, query="month=2026-10") -> str:
    response = client.get(f"/subsidy/statement.pdf?{query}")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def _statement_of(make):
    """Two mediators of one committee, each with a case concluded in October 2026."""
    mediator = make.user(display_name="李调解")
    colleague = make.user(institution=mediator.institution, display_name="周调解")
    for each in (mediator, colleague):
        _concluded(make, each, outcome="close_success", amount=None)
    make.commit()
    return mediator, colleague


def test_the_request_renders_nothing_and_follows_the_job(make, session, sign_in, renders):
    mediator, _colleague = _statement_of(make)
    client = sign_in(mediator)
    following = _ask(client)
    assert following.startswith("/subsidy/statement/jobs/")
    page = client.get(following).get_data(as_text=True)
    assert "正在生成 PDF 文件" in page and renders == []


def test_the_worker_renders_the_mediators_own_statement(
        make, session, sign_in, queued_app, work, renders, pdf_text):
    mediator, _colleague = _statement_of(make)
    client = sign_in(mediator)
    following = _ask(client)
    assert work(queued_app) == 1 and renders == ["job"]
    assert f"{following}/file" in client.get(following).get_data(as_text=True)
    download = client.get(f"{following}/file")
    assert download.mimetype == "application/pdf"
    text = "".join(pdf_text(download.data).split())
    assert "人民调解员以案定补统计表" in text and "2026-10" in text
    assert "李调解" in text and "周调解" not in text
    assert list(Path(queued_app.config["MEDIATION_STORAGE"]).glob("rendered/*/*"))


def test_the_worker_renders_what_the_request_rendered_without_a_queue(
        make, session, sign_in, queued_app, work, login, pdf_text):
    mediator, _colleague = _statement_of(make)
    client = sign_in(mediator)
    following = _ask(client)
    work(queued_app)
    queued = pdf_text(client.get(f"{following}/file").data)
    session.rollback()
    in_request = login(mediator).get("/subsidy/statement.pdf?month=2026-10")
    assert in_request.mimetype == "application/pdf"
    assert queued == pdf_text(in_request.data)


def test_another_reader_may_not_download_the_statement(make, session, sign_in, queued_app,
                                                       work):
    """A colleague of the same committee, who sees a statement of their own, does not find
    the one asked for by the mediator; nor does an admin, who sees no statements."""
    mediator, colleague = _statement_of(make)
    admin = make.user(role="admin", institution=mediator.institution)
    make.commit()
    following = _ask(sign_in(mediator))
    work(queued_app)
    assert sign_in(colleague).get(f"{following}/file").status_code == 404
    assert sign_in(colleague).get(following).status_code == 404
    assert sign_in(admin).get(f"{following}/file").status_code == 403


def test_an_institution_the_reader_does_not_see_is_not_queued(make, session, sign_in,
                                                              queued_app):
    mediator, _colleague = _statement_of(make)
    other_id = make.institution(region=make.district()).id
    make.commit()
    response = sign_in(mediator).get(
        f"/subsidy/statement.pdf?month=2026-10&institution_id={other_id}")
    assert response.status_code == 404
    assert _waiting(queued_app) == 0
