"""With TEST_REDIS_URL: the printed 督办单 is rendered by a queue worker. The request that asks
for it renders nothing and follows the job; the worker keeps the file, masked as the request
printed it; only the user who asked downloads it, once the page's own check passes again."""

from datetime import datetime
from pathlib import Path

from mediation_app.supervision.services import issue_order

from ..factories import id_number
from ..jobs import fixtures

queued_app, redis_url, sign_in, work, renders = (
    fixtures.queued_app, fixtures.redis_url, fixtures.sign_in, fixtures.work, fixtures.renders)
ID_NUMBER = id_number(birth="19690712")


def _order(make, session, world) -> tuple[int, str]:
    case = make.case(by=world["mediator"],
                     summary=f"王某（身份证{ID_NUMBER}，电话13912345678）讨薪")
    order = issue_order(session, case, instruction="请于期限内组织双方再次调解。",
                        due_at=datetime(2026, 12, 1, 15, 59), is_listed=False,
                        actor=world["dispatcher"], now=datetime(2026, 11, 2, 2, 0))
    make.commit()
    return order.id, case.case_no


def _ask(client, order_id) -> str:
    response = client.get(f"/supervision/{order_id}.pdf")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def _flat(text: str) -> str:
    return "".join(text.split())


def test_the_request_renders_nothing_and_follows_the_job(make, session, world, sign_in, renders):
    order_id, _case_no = _order(make, session, world)
    client = sign_in(world["mediator"])
    following = _ask(client, order_id)
    assert following.startswith(f"/supervision/{order_id}/print/")
    page = client.get(following).get_data(as_text=True)
    assert "正在生成 PDF 文件" in page and '<meta http-equiv="refresh"' in page
    assert renders == []


def test_the_worker_keeps_the_printed_order_masked_for_download(
        make, session, world, sign_in, queued_app, work, renders, pdf_text):
    order_id, case_no = _order(make, session, world)
    client = sign_in(world["mediator"])
    following = _ask(client, order_id)
    assert work(queued_app) == 1
    assert renders == ["job"]
    page = client.get(following).get_data(as_text=True)
    assert "PDF 文件已生成" in page and f"{following}/file" in page
    download = client.get(f"{following}/file")
    assert download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    text = _flat(pdf_text(download.data))
    assert case_no in text and "督办单" in text
    assert ID_NUMBER not in text and "139****5678" in text
    stored = list(Path(queued_app.config["MEDIATION_STORAGE"]).glob("rendered/*/*"))
    assert download.data in [path.read_bytes() for path in stored]


def test_only_the_user_who_asked_downloads_the_file(
        make, session, world, committees, sign_in, queued_app, work):
    """The issuing centre's dispatcher may print the order too, but not fetch the mediator's
    copy; the committee reader is refused as on the page, strangers do not find it."""
    order_id, _case_no = _order(make, session, world)
    following = _ask(sign_in(world["mediator"]), order_id)
    work(queued_app)
    assert sign_in(world["dispatcher"]).get(f"{following}/file").status_code == 404
    assert sign_in(world["dispatcher"]).get(following).status_code == 404
    assert sign_in(committees["district"]).get(f"{following}/file").status_code == 403
    for stranger in (world["stranger"], world["foreign_dispatcher"]):
        assert sign_in(stranger).get(f"{following}/file").status_code == 404


def test_the_job_is_followed_only_under_its_own_order(make, session, world, sign_in,
                                                      queued_app, work):
    order_id, _case_no = _order(make, session, world)
    other_id, _other_no = _order(make, session, world)
    client = sign_in(world["mediator"])
    job_id = _ask(client, order_id).rsplit("/", 1)[1]
    work(queued_app)
    assert client.get(f"/supervision/{other_id}/print/{job_id}/file").status_code == 404
