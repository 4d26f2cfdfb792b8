"""The served OpenAPI document is valid OpenAPI 3, moments carry their time zone, amounts
are documented as the strings they are, and every operation documents its errors."""

from datetime import datetime

from openapi_spec_validator import validate

from .test_cases_api import _auth


def _document(client):
    return client.get("/api/v1/openapi.json").json


def test_the_served_document_is_valid_openapi(client):
    validate(_document(client))


def test_amounts_are_documented_as_strings_without_a_string_bound(client):
    schemas = _document(client)["components"]["schemas"]
    for name in ("CaseIn", "CaseOut", "AgreementIn", "AgreementOut"):
        amount = schemas[name]["properties"]["amount"]
        assert amount["type"] == "string" and "minimum" not in amount, name


def test_every_operation_documents_its_error_responses(client):
    paths = _document(client)["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "403"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method in ("post", "put"):
                assert {"409", "422"} <= codes, (method, path)


def test_moments_in_answers_carry_the_utc_offset(make, client):
    mediator = make.user()
    case = make.case(by=mediator, now=datetime(2026, 11, 1, 2, 0))
    secret = make.token(mediator)
    make.commit()
    body = client.get(f"/api/v1/cases/{case.id}", headers=_auth(secret)).json
    assert body["filed_at"] == "2026-11-01T02:00:00+00:00"
    assert datetime.fromisoformat(body["handlings"][0]["started_at"]).tzinfo is not None


def test_an_amount_too_large_for_the_database_is_refused_with_422(make, client):
    from .test_cases_api import _new_case

    mediator = make.user()
    secret = make.token(mediator)
    make.commit()
    response = client.post("/api/v1/cases", headers=_auth(secret),
                           json=_new_case(mediator.institution.region.code,
                                          amount="10000000000000.00"))
    assert response.status_code == 422 and "amount" in response.json["fields"]
