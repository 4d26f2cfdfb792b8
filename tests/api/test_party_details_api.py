"""The API takes and gives the parties' 民族, 出生日期, 职业 and 工作单位; the birth date is
personal data like the ID number that encodes it (masked for region readers), the employer
like the address (left out for them)."""

from datetime import date

from sqlalchemy import select

from mediation_app.casefile.models import Case

from ..factories import id_number
from .test_cases_api import _auth, _new_case

DETAILS = {"role": "applicant", "name": "张三", "id_number": id_number(birth="19750308"),
           "ethnicity": "回族", "occupation": "个体户", "employer": "某超市",
           "phone": "138 0013 8000"}


def _filed(make, client, first=DETAILS):
    mediator = make.user()
    secret = make.token(mediator)
    make.commit()
    body = _new_case(mediator.institution.region.code,
                     parties=[first, {"role": "respondent", "name": "李四"}])
    return mediator, client.post("/api/v1/cases", json=body, headers=_auth(secret))


def test_filing_through_the_api_keeps_the_parties_basic_facts(make, client, session):
    _filed(make, client)
    party = session.scalar(select(Case)).parties[0]
    assert (party.ethnicity, party.birth_date, party.occupation, party.employer, party.phone) == (
        "回族", date(1975, 3, 8), "个体户", "某超市", "13800138000")


def test_the_api_refuses_a_phone_that_is_neither_mobile_nor_landline(make, client, session):
    _mediator, response = _filed(make, client, first={**DETAILS, "phone": "12345"})
    assert "phone" in str(response.json) and session.scalar(select(Case)) is None


def test_the_api_refuses_an_unknown_ethnicity(make, client, session):
    _mediator, response = _filed(make, client, first={**DETAILS, "ethnicity": "火星族"})
    assert "ethnicity" in str(response.json) and session.scalar(select(Case)) is None


def test_the_holder_reads_the_birth_date_and_employer_whole(make, client, session):
    mediator, _response = _filed(make, client)
    case = session.scalar(select(Case))
    secret = make.token(mediator)
    make.commit()
    party = client.get(f"/api/v1/cases/{case.id}", headers=_auth(secret)).json["parties"][0]
    assert (party["ethnicity"], party["birth_date"], party["occupation"], party["employer"]) == (
        "回族", "1975-03-08", "个体户", "某超市")


def test_a_region_reader_reads_the_birth_date_masked_and_no_employer(make, client, session):
    mediator, _response = _filed(make, client)
    case = session.scalar(select(Case))
    reader = make.user(role="committee", institution=make.institution(
        kind="committee", region=mediator.institution.region))
    secret = make.token(reader)
    make.commit()
    party = client.get(f"/api/v1/cases/{case.id}", headers=_auth(secret)).json["parties"][0]
    assert (party["birth_date"], party["employer"], party["occupation"]) == (
        "****-**-**", None, "个体户")
