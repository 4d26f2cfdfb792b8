"""The public verification page: anyone holding a document can check it, without signing in,
and learns whether it is genuine, in force and unaltered, but nothing personal."""

from io import BytesIO

from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from mediation_app.agreements.services import correct_agreement
from mediation_app.db import utcnow
from mediation_app.documents.models import Document
from mediation_app.documents.signing import check_signature

# The Chinese page text (mediation_app/translations/zh_Hans_CN/LC_MESSAGES/messages.po)
GENUINE = "真实有效：该文书由下列机构出具，现行有效。"
VOIDED = "已作废：该文书由本系统出具，但已于"
UNALTERED = "未被篡改：您上传的文件与本系统出具的文书完全一致。"
ALTERED = "已被篡改：您上传的文件与本系统出具的文书不一致，请勿采信。"
UNKNOWN = "没有验证码为 {code} 的文书。请核对验证码：非本系统出具的文书无法核验。"
PHONE, OTHER_PHONE = "13912345678", "13687654321"


def _issued(make, session, issuer):
    """A signed agreement issued as a PDF; returns plain values and the stored bytes."""
    parties = [make.party("applicant", name="欧阳明", phone=PHONE),
               make.party("respondent", name="司马芳", phone=OTHER_PHONE)]
    case, mediator = make.mediating_case(parties=parties)
    agreement = make.agreement(case, mediator)
    make.sign_everyone(agreement, case, mediator, issuer=issuer)
    document = session.scalar(select(Document).where(Document.agreement_id == agreement.id))
    issued = {"code": document.verification_code, "case_no": case.case_no,
              "institution": document.institution.name, "title": document.title,
              "names": [p.name for p in case.parties] + [mediator.display_name],
              "id_numbers": [p.id_number for p in case.parties],
              "addresses": [p.address for p in case.parties],
              "pdf": issuer.storage.read(document.storage_key),
              "agreement": agreement, "mediator": mediator}
    make.commit()
    return issued


def _upload(client, code, content):
    """POST the file as the page's form does. The body is encoded in memory: the test client's
    own encoding spools a large body to a temporary file it never closes (a ResourceWarning)."""
    boundary, body = encode_multipart(
        {"file": FileStorage(BytesIO(content), "agreement.pdf", "application/pdf")})
    return client.post(f"/verify/{code}", data=body,
                       content_type=f'multipart/form-data; boundary="{boundary}"')


def _page(response):
    return response.get_data(as_text=True)


def test_anyone_can_see_that_an_issued_document_is_genuine(make, session, issuer, client):
    issued = _issued(make, session, issuer)
    response = client.get(f"/verify/{issued['code']}")  # nobody signed in
    assert response.status_code == 200
    page = _page(response)
    assert GENUINE in page
    assert issued["institution"] in page and issued["case_no"] in page
    assert issued["title"] in page and issued["code"] in page
    assert VOIDED not in page and UNALTERED not in page and ALTERED not in page


def test_the_verify_page_shows_no_personal_data(make, session, issuer, client):
    issued = _issued(make, session, issuer)
    page = _page(client.get(f"/verify/{issued['code']}"))
    assert GENUINE in page
    for name in issued["names"]:
        assert name not in page
    for id_number in issued["id_numbers"]:
        assert id_number not in page and id_number[-6:] not in page
    for address in issued["addresses"]:
        assert address not in page
    assert PHONE not in page and OTHER_PHONE not in page
    assert "1200" not in page and "1,200" not in page  # nor what was agreed


def test_an_unknown_code_is_a_404_that_explains(make, session, issuer, client):
    _issued(make, session, issuer)
    response = client.get("/verify/ZZZZ2222ZZ")
    assert response.status_code == 404
    page = _page(response)
    assert UNKNOWN.format(code="ZZZZ2222ZZ") in page
    assert GENUINE not in page


def test_a_code_that_looks_like_markup_is_shown_escaped(client, app):
    response = client.get("/verify/<script>x")
    assert response.status_code == 404
    page = _page(response)
    assert "<script>x" not in page and "&lt;script&gt;x" in page


def test_the_exact_stored_pdf_is_reported_unaltered(make, session, issuer, client):
    issued = _issued(make, session, issuer)
    response = _upload(client, issued["code"], issued["pdf"])
    assert response.status_code == 200
    page = _page(response)
    assert UNALTERED in page and ALTERED not in page and GENUINE in page


def test_a_copy_with_one_byte_changed_is_reported_altered(make, session, issuer, client):
    issued = _issued(make, session, issuer)
    pdf = issued["pdf"]
    altered = bytearray(pdf)
    position = pdf.index(b"/Type /Page") + 1
    altered[position] ^= 0x01
    altered = bytes(altered)
    assert len(altered) == len(pdf) and altered != pdf
    assert check_signature(pdf).intact
    assert not check_signature(altered).intact

    response = _upload(client, issued["code"], altered)
    assert response.status_code == 200
    page = _page(response)
    assert ALTERED in page and UNALTERED not in page


def test_a_voided_agreement_is_reported_voided(make, session, issuer, client):
    issued = _issued(make, session, issuer)
    new = correct_agreement(session, issued["agreement"], reason="金额笔误",
                            actor=issued["mediator"], now=utcnow())
    assert new.status == "draft"
    make.commit()

    response = client.get(f"/verify/{issued['code']}")
    assert response.status_code == 200
    page = _page(response)
    assert VOIDED in page and "作废，并由更正后的版本替代。" in page
    assert GENUINE not in page
    # an intact copy of a voided document is still unaltered, but still void
    response = _upload(client, issued["code"], issued["pdf"])
    page = _page(response)
    assert VOIDED in page and UNALTERED in page and GENUINE not in page


def test_a_typed_lowercase_code_leads_to_the_uppercase_page(make, session, issuer, client):
    issued = _issued(make, session, issuer)
    response = client.get(f"/verify?code=%20{issued['code'].lower()}%20")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/verify/{issued['code']}"
    assert GENUINE in _page(client.get(response.headers["Location"]))


def test_a_lowercase_code_in_the_address_still_verifies(make, session, issuer, client):
    issued = _issued(make, session, issuer)
    response = client.get(f"/verify/{issued['code'].lower()}")
    assert response.status_code == 200 and GENUINE in _page(response)


def test_the_verify_page_is_rate_limited(make, session, issuer, client):
    issued = _issued(make, session, issuer)
    statuses = [client.get(f"/verify/{issued['code']}").status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429


def test_guessing_codes_is_rate_limited_too(client, app):
    statuses = [client.get(f"/verify/GUESS{n:05d}").status_code for n in range(31)]
    assert statuses[:30] == [404] * 30 and statuses[30] == 429


def test_the_code_form_is_rate_limited(client, app):
    statuses = [client.get("/verify?code=abc").status_code for _ in range(31)]
    assert statuses[:30] == [302] * 30 and statuses[30] == 429
