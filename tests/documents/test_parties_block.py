"""人民调解法 art. 29: the agreement states the parties' basic facts (当事人基本情况); the
statutory form prints each person's 民族, 出生日期, 职业 and 工作单位. The birth date is
personal data like the ID number that encodes it: the masked rendition hides it, and the
employer with it, as it leaves out the address."""

import pytest
from sqlalchemy import select

from mediation_app.documents.models import Document
from tests.factories import PASSWORD, id_number


@pytest.fixture
def signed(make, session, issuer):
    """An issued agreement whose applicant's basic facts are all filled in."""
    applicant = make.party("applicant", ethnicity="回族", id_number=id_number(birth="19750308"),
                           occupation="个体户", employer="淮安市某超市")
    case, mediator = make.mediating_case(parties=[applicant, make.party("respondent")])
    make.sign_everyone(make.agreement(case, mediator), case, mediator, issuer=issuer)
    reader = make.user(role="committee", institution=make.institution(
        kind="committee", region=mediator.institution.region))
    session.commit()
    document = session.scalars(select(Document).where(Document.case_id == case.id,
                                                      Document.kind == "agreement")).one()
    return mediator, reader, document


def _text_as(app, user, document, pdf_text) -> str:
    client = app.test_client()
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    return pdf_text(client.get(f"/documents/{document.id}").data)


def test_the_agreement_prints_ethnicity_birth_date_occupation_and_employer(
        app, signed, pdf_text):
    mediator, _reader, document = signed
    text = _text_as(app, mediator, document, pdf_text).replace("\n", "")
    assert "回族，1975年3月8日出生" in text
    assert "职业 个体户，工作单位 淮安市某超市" in text


def test_the_masked_rendition_hides_the_birth_date_and_the_employer(app, signed, pdf_text):
    _mediator, reader, document = signed
    text = _text_as(app, reader, document, pdf_text).replace("\n", "")
    assert "1975年3月8日" not in text and "淮安市某超市" not in text
    assert "出生日期 ****年**月**日" in text and "职业 个体户" in text
