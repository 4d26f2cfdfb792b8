"""With TEST_REDIS_URL: the draft agreement's preview (marked 草稿, neither signed nor stored
as a document) is rendered by a queue worker. The request renders nothing and follows the
job; the worker keeps the file, masked as the user who asked reads the case; only that
user downloads it, once the page's own check passes again."""

from pathlib import Path

from sqlalchemy import func, select

from mediation_app.documents.models import Document

from ..jobs import fixtures

queued_app, redis_url, sign_in, work, renders = (
    fixtures.queued_app, fixtures.redis_url, fixtures.sign_in, fixtures.work, fixtures.renders)


def _draft(make):
    case, mediator = make.mediating_case()
    draft = make.agreement(case, mediator)
    reader = make.user(role="committee", institution=make.institution(
        kind="committee", region=mediator.institution.region))
    stranger = make.user()
    make.commit()
    return draft.id, case, {"mediator": mediator, "reader": reader, "stranger": stranger}


def _ask(client, draft_id) -> str:
    response = client.get(f"/agreements/{draft_id}/preview.pdf")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def _flat(text: str) -> str:
    return "".join(text.split())


def test_the_request_renders_nothing_and_follows_the_job(make, session, sign_in, renders):
    draft_id, _case, users = _draft(make)
    client = sign_in(users["mediator"])
    following = _ask(client, draft_id)
    assert following.startswith(f"/agreements/{draft_id}/preview/")
    page = client.get(following).get_data(as_text=True)
    assert "正在生成 PDF 文件" in page and '<meta http-equiv="refresh"' in page
    assert renders == []


def test_the_worker_keeps_the_draft_for_download_and_stores_no_document(
        make, session, sign_in, queued_app, work, renders, pdf_text):
    draft_id, case, users = _draft(make)
    number = case.parties[0].id_number
    client = sign_in(users["mediator"])
    following = _ask(client, draft_id)
    assert work(queued_app) == 1 and renders == ["job"]
    page = client.get(following).get_data(as_text=True)
    assert "PDF 文件已生成" in page and f"{following}/file" in page
    download = client.get(f"{following}/file")
    assert download.mimetype == "application/pdf"
    text = _flat(pdf_text(download.data))
    assert "草稿" in text and number in text
    stored = list(Path(queued_app.config["MEDIATION_STORAGE"]).glob("rendered/*/*"))
    assert download.data in [path.read_bytes() for path in stored]
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Document)) == 0


def test_a_reader_who_sees_the_case_masked_gets_the_draft_masked(
        make, session, sign_in, queued_app, work, pdf_text):
    draft_id, case, users = _draft(make)
    number = case.parties[0].id_number
    client = sign_in(users["reader"])
    following = _ask(client, draft_id)
    work(queued_app)
    text = _flat(pdf_text(client.get(f"{following}/file").data))
    assert number not in text and number[:4] + "*" * 10 + number[-4:] in text


def test_only_the_user_who_asked_downloads_the_draft(make, session, sign_in, queued_app, work):
    """The committee reader may preview the draft too, but not fetch the mediator's copy;
    a mediator of another committee does not find it."""
    draft_id, _case, users = _draft(make)
    following = _ask(sign_in(users["mediator"]), draft_id)
    work(queued_app)
    assert sign_in(users["reader"]).get(f"{following}/file").status_code == 404
    assert sign_in(users["reader"]).get(following).status_code == 404
    assert sign_in(users["stranger"]).get(f"{following}/file").status_code == 404


def test_the_job_is_followed_only_under_its_own_draft(make, session, sign_in, queued_app, work):
    draft_id, _case, users = _draft(make)
    other_case, _mediator = make.mediating_case(by=users["mediator"])
    other_id = make.agreement(other_case, users["mediator"]).id
    make.commit()
    client = sign_in(users["mediator"])
    job_id = _ask(client, draft_id).rsplit("/", 1)[1]
    work(queued_app)
    assert client.get(f"/agreements/{other_id}/preview/{job_id}/file").status_code == 404
