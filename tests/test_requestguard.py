"""Inputs that used to end in a 500 get a clear 400 or a 404 and change nothing: ids beyond
PostgreSQL's integer, NUL characters in text or upload names, deeply nested JSON."""

import io

from sqlalchemy import func, select

from mediation_app.casefile.models import Attachment, Case

from .api.test_cases_api import _auth, _new_case

NUL_MESSAGE = "请求中含有空字符"


def _case_count(session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(Case))


def test_a_case_id_beyond_the_database_integer_is_not_found(make, login):
    client = login(make.user())
    for path in ("/cases/2147483648", "/cases/99999999999999999999"):
        response = client.get(path)
        assert response.status_code == 404 and "未找到" in response.get_data(as_text=True)


def test_an_api_case_id_beyond_the_database_integer_is_a_json_404(make, client):
    secret = make.token(make.user())
    make.commit()
    response = client.get("/api/v1/cases/2147483648", headers=_auth(secret))
    assert response.status_code == 404 and response.json["status"] == 404


def test_the_largest_database_id_still_reaches_the_view(make, login):
    client = login(make.user())
    assert client.get("/cases/2147483647").status_code == 404  # looked up, not there


def test_a_nul_in_an_api_text_is_refused_and_nothing_is_filed(make, client, session):
    mediator = make.user()
    secret = make.token(mediator)
    make.commit()
    body = _new_case(mediator.institution.region.code, summary="借款\u0000纠纷")
    response = client.post("/api/v1/cases", json=body, headers=_auth(secret))
    assert response.status_code == 400 and NUL_MESSAGE in response.json["error"]
    assert _case_count(session) == 0


def test_a_nul_in_a_form_field_is_refused_with_a_chinese_message(make, login, session):
    mediator = make.user()
    case = make.case(by=mediator)
    make.commit()
    before = case.summary
    response = login(mediator).post(f"/cases/{case.id}/edit", data={"summary": "改\x00"})
    assert response.status_code == 400 and NUL_MESSAGE in response.get_data(as_text=True)
    session.rollback()
    assert session.get(Case, case.id).summary == before


def test_a_nul_in_a_search_is_refused(make, login):
    response = login(make.user()).get("/cases/?q=%00")
    assert response.status_code == 400 and NUL_MESSAGE in response.get_data(as_text=True)


def test_a_deeply_nested_json_body_is_refused(make, client):
    secret = make.token(make.user())
    make.commit()
    nested = "[" * 100000 + "]" * 100000
    response = client.post("/api/v1/cases", data=nested, content_type="application/json",
                           headers=_auth(secret))
    assert response.status_code == 400 and "嵌套层级过深" in response.json["error"]


def test_a_nul_in_an_upload_name_is_refused_and_nothing_is_attached(make, login, session):
    mediator = make.user()
    case = make.case(by=mediator)
    make.commit()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    response = login(mediator).post(f"/cases/{case.id}/attachments",
                                    data={"file": (io.BytesIO(png), "photo\x00.png")},
                                    content_type="multipart/form-data")
    assert response.status_code == 400 and NUL_MESSAGE in response.get_data(as_text=True)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Attachment)) == 0
