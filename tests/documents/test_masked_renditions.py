"""One rule for personal data, PDFs included (issue 8 item 2, issue 11 item 2): the
institution that made a document, and any institution that handled the case, download the
signed original; every other reader of the case (a committee reader, a dispatcher)
downloads the same document rendered with the parties' ID numbers and phones masked and
their addresses left out, marked as a copy that is not an original. Agreement previews
follow the same rule."""

import pytest
from sqlalchemy import select

from mediation_app.documents.models import Document
from mediation_app.storage import Storage
from tests.factories import PASSWORD


@pytest.fixture
def signed(make, session, issuer):
    """A committee's signed agreement, issued; and a committee reader of the same district."""
    case, mediator = make.mediating_case()
    make.sign_everyone(make.agreement(case, mediator), case, mediator, issuer=issuer)
    reader = make.user(role="committee", institution=make.institution(
        kind="committee", region=mediator.institution.region))
    session.commit()
    document = session.scalars(select(Document).where(Document.case_id == case.id,
                                                      Document.kind == "agreement")).one()
    return case, mediator, reader, document


def _masked(number: str) -> str:
    return number[:4] + "*" * 10 + number[-4:]


def _download_as(app, user, document):
    client = app.test_client()
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    return client.get(f"/documents/{document.id}")


def test_the_maker_downloads_the_signed_original_with_the_numbers_whole(
        app, signed, pdf_text):
    case, mediator, _, document = signed
    response = _download_as(app, mediator, document)
    text = pdf_text(response.data)
    assert case.parties[0].id_number in text
    assert "遮蔽" not in text
    assert response.data == Storage(app.config["MEDIATION_STORAGE"]).read(document.storage_key)


def test_a_reader_who_sees_the_case_masked_downloads_the_masked_rendition(
        app, signed, pdf_text):
    case, _, reader, document = signed
    response = _download_as(app, reader, document)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = pdf_text(response.data)
    party = case.parties[0]
    assert party.id_number not in text and _masked(party.id_number) in text
    assert party.phone not in text and party.address not in text
    assert "本件为个人信息已遮蔽的副本，不作原件使用" in text
    assert document.verification_code in text  # the same document, only masked
    assert "%E9%81%AE%E8%94%BD" in response.headers["Content-Disposition"]  # 遮蔽副本


def test_the_masked_rendition_is_stored_beside_the_original_not_instead_of_it(app, signed):
    _, _, _, document = signed
    storage = Storage(app.config["MEDIATION_STORAGE"])
    assert document.masked_storage_key and document.masked_storage_key != document.storage_key
    assert storage.read(document.masked_storage_key) != storage.read(document.storage_key)


def test_a_document_issued_before_renditions_were_kept_is_refused_to_masked_readers(
        app, session, signed):
    _, _, reader, document = signed
    document.masked_storage_key = None
    session.commit()
    response = _download_as(app, reader, document)
    assert response.status_code == 403 and not response.data.startswith(b"%PDF")


def test_a_draft_preview_is_masked_for_a_reader_who_sees_the_case_masked(
        app, make, session, pdf_text):
    case, mediator = make.mediating_case()
    draft = make.agreement(case, mediator)
    reader = make.user(role="committee", institution=make.institution(
        kind="committee", region=mediator.institution.region))
    session.commit()
    number = case.parties[0].id_number
    client = app.test_client()
    client.post("/login", data={"username": reader.username, "password": PASSWORD})
    text = pdf_text(client.get(f"/agreements/{draft.id}/preview.pdf").data)
    assert number not in text and _masked(number) in text


@pytest.fixture
def numbers_in_the_text(make, session, issuer):
    """A signed agreement whose facts and clauses name a party's ID number and phone."""
    case, mediator = make.mediating_case()
    party = case.parties[0]
    agreement = make.agreement(case, mediator, facts=f"申请人（身份证号{party.id_number}）诉称",
                               clauses=[f"款项汇至申请人（电话{party.phone}）。"])
    make.sign_everyone(agreement, case, mediator, issuer=issuer)
    reader = make.user(role="committee", institution=make.institution(
        kind="committee", region=mediator.institution.region))
    session.commit()
    document = session.scalars(select(Document).where(Document.case_id == case.id,
                                                      Document.kind == "agreement")).one()
    return party, mediator, reader, document


def test_numbers_written_in_the_agreements_text_are_masked_in_the_rendition(
        app, numbers_in_the_text, pdf_text):
    party, _, reader, document = numbers_in_the_text
    text = pdf_text(_download_as(app, reader, document).data)
    assert f"身份证号{_masked(party.id_number)}" in text
    assert party.id_number not in text and party.phone not in text


def test_the_original_keeps_the_numbers_written_in_its_text(app, numbers_in_the_text, pdf_text):
    party, mediator, _, document = numbers_in_the_text
    text = pdf_text(_download_as(app, mediator, document).data)
    assert f"身份证号{party.id_number}" in text and f"电话{party.phone}" in text
