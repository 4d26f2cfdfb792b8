import csv
import io

import pytest
from flask import g
from openpyxl import load_workbook
from sqlalchemy import func, select

from mediation_app.casefile.models import Case
from mediation_app.domain.idcard import mask_id_number, mask_phone
from mediation_app.extensions import db
from mediation_app.ledger import jobs
from mediation_app.ledger.models import LedgerImport
from mediation_app.ledger.uploads import UploadRefused, store_upload
from mediation_app.stats.models import DirtyCase, HandlingFact
from mediation_app.storage import Storage

from ..factories import id_number
from ..unchanged import snapshot, stored_files
from .conftest import csv_text

ID_NUMBER = id_number(birth="19800101")
PHONE = "13912345678"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _upload(client, content: bytes, name="台账.csv", dry_run=False):
    data = {"file": (io.BytesIO(content), name)}
    if dry_run:
        data["dry_run"] = "y"
    return client.post("/ledger/", data=data, content_type="multipart/form-data")


def _finished(client, response):
    """Wait for the background import the upload started; return its status JSON."""
    assert response.status_code == 302, response.get_data(as_text=True)
    import_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    db.session.rollback()  # SQLite: a test's open read would hold the lock the import needs
    jobs.wait(import_id, timeout=30)
    return import_id, client.get(f"/ledger/imports/{import_id}.json").get_json()


def _cases(session):
    return session.scalar(select(func.count()).select_from(Case))


@pytest.fixture
def mediator(make, world):
    user = make.user(institution=world.committee)
    make.commit()
    return user


def test_an_uploaded_ledger_is_imported_in_the_background(login, mediator, row, session):
    client = login(mediator)
    content = csv_text([row(case_no="A-1"), row(case_no="A-2")]).encode()
    import_id, status = _finished(client, _upload(client, content))
    assert (status["status"], status["imported"], status["processed_rows"]) == ("done", 2, 2)
    assert _cases(session) == 2
    page = client.get(f"/ledger/imports/{import_id}").get_data(as_text=True)
    assert "ledger.js" in page and "<progress" in page
    assert set(session.scalars(select(Case.filed_by_id))) == {mediator.id}


def test_a_web_dry_run_writes_nothing(login, mediator, row, session):
    client = login(mediator)
    _id, status = _finished(client, _upload(client, csv_text([row()]).encode(), dry_run=True))
    assert (status["status"], status["dry_run"], status["imported"]) == ("done", True, 0)
    assert _cases(session) == 0


def test_rows_outside_the_uploaders_jurisdiction_refuse_the_whole_file(login, mediator, row, world,
                                                                       session):
    client = login(mediator)
    content = csv_text([row(), row(institution_code=world.police.code, channel="administrative")])
    import_id, status = _finished(client, _upload(client, content.encode()))
    assert status["status"] == "refused" and status["problem_count"] == 1
    assert status["problems"] == [{"row": 3, "column": "机构代码",
                                   "reason": "该机构不在您的管辖范围内"}]
    assert _cases(session) == 0
    page = client.get(f"/ledger/imports/{import_id}").get_data(as_text=True)
    assert "该机构不在您的管辖范围内" in page


def test_an_xlsx_upload_is_recognised_by_its_content(login, mediator, row, tmp_path, session):
    from openpyxl import Workbook

    from mediation_app.ledger.columns import COLUMNS

    workbook = Workbook()
    workbook.active.append(list(COLUMNS))
    workbook.active.append([row(case_no="X-1").get(column) for column in COLUMNS])
    workbook.save(tmp_path / "l.xlsx")
    client = login(mediator)
    _id, status = _finished(client, _upload(client, (tmp_path / "l.xlsx").read_bytes(), "l.dat"))
    assert status["status"] == "done" and _cases(session) == 1


@pytest.mark.parametrize("content", [PNG, "案号".encode("gbk") * 10, b""])
def test_a_file_that_is_neither_utf8_csv_nor_xlsx_is_refused_at_upload(login, mediator, content,
                                                                       session):
    response = _upload(login(mediator), content)
    assert response.status_code == 200
    assert session.scalar(select(func.count()).select_from(LedgerImport)) == 0


def test_an_upload_over_the_size_limit_is_refused(app, login, mediator, monkeypatch):
    monkeypatch.setitem(app.config, "LEDGER_MAX_BYTES", 1000)
    assert _upload(login(mediator), b"x" * 5000).status_code == 413


def test_uploads_are_copied_in_chunks_and_refused_past_the_limit(tmp_path):
    with pytest.raises(UploadRefused) as refused:
        store_upload(io.BytesIO(b"a,b\n" * 100_000), Storage(tmp_path), max_bytes=1024)
    assert refused.value.reason == "too_large"
    assert list(tmp_path.rglob("*.part")) == []


def test_only_the_uploader_and_an_admin_of_the_region_see_an_import(app, login, make, mediator,
                                                                     row, world):
    client = login(mediator)
    import_id, _status = _finished(client, _upload(client, csv_text([row()]).encode()))
    colleague = make.user(institution=world.committee)
    admin = make.user(role="admin", institution=world.centre)
    distant_admin = make.user(role="admin", institution=world.faraway)
    make.commit()
    for user, expected in ((colleague, 404), (admin, 200), (distant_admin, 404)):
        g.pop("_login_user", None)  # requests share the test's app context, and so its `g`
        other = app.test_client()
        other.post("/login", data={"username": user.username, "password": "correct-horse-42"})
        assert other.get(f"/ledger/imports/{import_id}.json").status_code == expected


def test_a_committee_reader_cannot_import(login, make, world, row, session):
    reader = make.user(role="committee", institution=world.centre)
    make.commit()
    client = login(reader)
    assert client.get("/ledger/").status_code == 403
    before, files = snapshot(), stored_files()
    response = _upload(client, csv_text([row(case_no="R-1")]).encode())
    assert response.status_code == 403
    assert session.scalar(select(func.count()).select_from(LedgerImport)) == 0
    assert _cases(session) == 0
    assert snapshot() == before and stored_files() == files   # no row, no audit event, no file


def test_export_downloads_the_cases_of_the_users_institution_as_csv(login, mediator, row, world,
                                                                     app):
    client = login(mediator)
    content = csv_text([row(case_no="A-1")])
    _finished(client, _upload(client, content.encode()))
    response = client.get("/ledger/export?format=csv&from=2025-01-01&to=2025-12-31")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("案号,机构代码,调解渠道") and lines[1].startswith("A-1,")
    assert len(client.get("/ledger/export?format=csv&from=2026-01-01")
               .get_data(as_text=True).splitlines()) == 1


def test_export_as_xlsx_for_a_region_reader(login, make, mediator, row, world):
    _finished(login(mediator), _upload(login(mediator), csv_text([row(case_no="A-1")]).encode()))
    reader = make.user(role="committee", institution=world.centre)
    make.commit()
    login(mediator).post("/logout")
    response = login(reader).get("/ledger/export?format=xlsx")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "A-1" and len(rows) == 2


def test_the_export_page_shows_its_form(login, mediator):
    page = login(mediator).get("/ledger/export").get_data(as_text=True)
    assert 'name="from"' in page and 'name="format"' in page


def test_an_upload_without_the_forms_csrf_token_is_refused(other_app, make, world, row, session):
    from mediation_app.ledger.views import bp

    guarded = other_app(WTF_CSRF_ENABLED=True)
    if "ledger" not in guarded.blueprints:  # until the package is wired into create_app
        guarded.register_blueprint(bp)
    username = make.user(institution=world.committee).username
    content = csv_text([row()]).encode()
    make.commit()  # SQLite: another app's requests must not wait on this session's lock
    g.pop("_login_user", None)
    client = guarded.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    signed_in = client.post("/login", data={"username": username,
                                            "password": "correct-horse-42", "csrf_token": token})
    assert signed_in.status_code == 302
    assert _upload(client, content).status_code == 200
    assert session.scalar(select(func.count()).select_from(LedgerImport)) == 0
    session.rollback()
    form = client.get("/ledger/").get_data(as_text=True)
    token = form.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/ledger/", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(content), "l.csv"), "dry_run": "y"})
    assert response.status_code == 302
    jobs.wait(int(response.headers["Location"].split("/")[-1]), timeout=30)


def _exported_summary(client) -> str:
    lines = client.get("/ledger/export?format=csv").get_data(as_text=True).splitlines()
    [row] = list(csv.DictReader(lines))
    return row["纠纷摘要"]


def test_a_region_reader_exports_id_numbers_and_phones_in_summaries_masked(login, make, mediator,
                                                                          row, world):
    summary = f"张某（{ID_NUMBER}，{PHONE}）与李某借贷纠纷"
    _finished(login(mediator), _upload(login(mediator),
                                       csv_text([row(case_no="A-1", summary=summary)]).encode()))
    reader = make.user(role="committee", institution=world.centre)
    make.commit()
    login(mediator).post("/logout")
    exported = _exported_summary(login(reader))
    assert ID_NUMBER not in exported and PHONE not in exported
    assert mask_id_number(ID_NUMBER) in exported and mask_phone(PHONE) in exported


def test_the_institution_that_handled_the_case_exports_its_summary_whole(login, mediator, row):
    summary = f"张某（{ID_NUMBER}，{PHONE}）与李某借贷纠纷"
    client = login(mediator)
    _finished(client, _upload(client, csv_text([row(case_no="A-1", summary=summary)]).encode()))
    assert _exported_summary(client) == summary


def test_a_finished_import_leaves_its_cases_queued_for_the_statistics(login, mediator, row,
                                                                     session):
    """The import's thread does not roll its cases up: the scheduler's roll-up of the minute
    does (and a reader's sync before reading, should one come first)."""
    client = login(mediator)
    content = csv_text([row(case_no="A-1"), row(case_no="A-2")]).encode()
    _finished(client, _upload(client, content))

    session.rollback()
    assert session.scalar(select(func.count(func.distinct(DirtyCase.case_id)))) == 2
    assert session.scalar(select(func.count()).select_from(HandlingFact)) == 0
