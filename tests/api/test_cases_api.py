from datetime import datetime

from sqlalchemy import select

from mediation_app.casefile.models import Case
from mediation_app.domain.idcard import mask_id_number

from ..factories import id_number
from ..unchanged import snapshot


def _auth(secret):
    return {"Authorization": f"Bearer {secret}"}


def _new_case(region_code, **overrides):
    body = {
        "dispute_type": "loan", "source": "online", "region_code": region_code,
        "summary": "民间借贷纠纷", "received_on": "2026-11-01", "amount": "5000.00",
        "parties": [
            {"role": "applicant", "name": "张三", "id_number": id_number()},
            {"role": "respondent", "name": "李四"},
        ],
    }
    body.update(overrides)
    return body


def test_requests_without_a_token_get_401(client):
    response = client.get("/api/v1/cases")
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"


def test_a_revoked_token_is_refused(make, client, session):
    from mediation_app.auth.models import ApiToken

    secret = make.token(make.user())
    session.scalar(select(ApiToken)).revoked_at = datetime(2026, 1, 1)
    make.commit()
    assert client.get("/api/v1/cases", headers=_auth(secret)).status_code == 401


def test_the_list_shows_only_cases_the_user_may_see(make, client):
    mediator = make.user()
    mine = make.case(by=mediator)
    make.case()
    secret = make.token(mediator)
    make.commit()
    body = client.get("/api/v1/cases", headers=_auth(secret)).json
    assert [item["id"] for item in body["items"]] == [mine.id] and body["total"] == 1


def test_the_holder_reads_the_parties_id_numbers_whole(make, client):
    """The API follows the pages' rule (DESIGN.md §8): the institutions that handled the case
    see its parties whole."""
    mediator = make.user()
    number = id_number()
    case = make.case(by=mediator, parties=[make.party(id_number=number), make.party()])
    secret = make.token(mediator)
    make.commit()
    body = client.get(f"/api/v1/cases/{case.id}", headers=_auth(secret)).json
    assert body["case_no"] == case.case_no
    assert body["parties"][0]["id_number"] == number


def test_a_region_reader_gets_the_id_numbers_masked(make, client):
    mediator = make.user()
    number = id_number()
    case = make.case(by=mediator, parties=[make.party(id_number=number), make.party()])
    reader = make.user(role="committee", institution=make.institution(
        kind="committee", region=mediator.institution.region))
    secret = make.token(reader)
    make.commit()
    body = client.get(f"/api/v1/cases/{case.id}", headers=_auth(secret)).json
    assert body["parties"][0]["id_number"] == number[:4] + "*" * 10 + number[-4:]


def test_a_region_reader_gets_numbers_written_in_the_summary_masked(make, client):
    mediator = make.user()
    number = id_number()
    case = make.case(by=mediator, summary=f"张三（{number}）欠款纠纷",
                     description=f"身份证{number}")
    reader = make.user(role="committee", institution=make.institution(
        kind="committee", region=mediator.institution.region))
    secret = make.token(reader)
    make.commit()
    body = client.get(f"/api/v1/cases/{case.id}", headers=_auth(secret)).json
    assert body["summary"] == f"张三（{mask_id_number(number)}）欠款纠纷"
    assert body["description"] == f"身份证{mask_id_number(number)}"


def test_the_case_list_masks_numbers_written_in_summaries(make, client):
    mediator = make.user()
    number = id_number()
    make.case(by=mediator, summary=f"张三（{number}）欠款纠纷")
    secret = make.token(mediator)
    make.commit()
    [item] = client.get("/api/v1/cases", headers=_auth(secret)).json["items"]
    assert item["summary"] == f"张三（{mask_id_number(number)}）欠款纠纷"


def test_another_institutions_case_is_404(make, client):
    case = make.case()
    secret = make.token(make.user())
    make.commit()
    assert client.get(f"/api/v1/cases/{case.id}", headers=_auth(secret)).status_code == 404


def test_create_files_a_case_and_returns_201(make, client):
    mediator = make.user()
    secret = make.token(mediator)
    make.commit()
    response = client.post("/api/v1/cases", json=_new_case(mediator.institution.region.code),
                           headers=_auth(secret))
    assert response.status_code == 201
    assert response.json["case_no"].endswith("第0001号") and response.json["amount"] == "5000.00"


def test_create_reports_each_invalid_field(make, client):
    mediator = make.user()
    secret = make.token(mediator)
    make.commit()
    body = _new_case(mediator.institution.region.code, dispute_type="nonsense",
                     parties=[{"role": "applicant", "name": "张三", "id_number": "123"}])
    response = client.post("/api/v1/cases", json=body, headers=_auth(secret))
    assert response.status_code == 422
    assert {"dispute_type", "parties"} <= set(response.json["fields"])


def test_create_refuses_a_region_outside_the_jurisdiction(make, client):
    mediator = make.user()
    elsewhere = make.district()
    secret = make.token(mediator)
    make.commit()
    response = client.post("/api/v1/cases", json=_new_case(elsewhere.code), headers=_auth(secret))
    assert response.status_code == 422 and "region_code" in response.json["fields"]


def test_a_committee_reader_cannot_file_cases(make, client, session):
    reader = make.user(role="committee", institution=make.institution(kind="committee"))
    secret = make.token(reader)
    make.commit()
    before = snapshot()
    response = client.post("/api/v1/cases", json=_new_case(reader.institution.region.code),
                           headers=_auth(secret))
    assert response.status_code == 403
    assert snapshot() == before                 # no case, no party, no audit event
    assert session.scalars(select(Case)).all() == []


def test_the_openapi_document_describes_the_case_endpoints(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    assert {"/cases", "/cases/{case_id}"} <= set(document["paths"])
    assert {"get", "post"} <= set(document["paths"]["/cases"])
    assert "CaseIn" in document["components"]["schemas"]
