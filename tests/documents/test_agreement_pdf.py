from decimal import Decimal

from sqlalchemy import select

from mediation_app.documents.models import Document
from mediation_app.documents.signing import check_signature
from mediation_app.storage import Storage


def _issued_agreement(make, session, issuer, **case_overrides):
    case, mediator = make.mediating_case(**case_overrides)
    agreement = make.agreement(case, mediator, amount=Decimal("12345.60"))
    make.sign_everyone(agreement, case, mediator, issuer=issuer)
    document = session.scalar(select(Document).where(Document.agreement_id == agreement.id))
    return case, agreement, document, issuer.storage.read(document.storage_key)


def test_the_agreement_pdf_carries_names_amounts_and_the_case_number(make, session, issuer,
                                                                     pdf_text):
    parties = [make.party(name="欧阳明"), make.party("respondent", name="司马芳")]
    case, _agreement, _document, pdf = _issued_agreement(make, session, issuer, parties=parties)
    text = pdf_text(pdf)
    assert "欧阳明" in text and "司马芳" in text
    assert "12,345.60" in text and case.case_no in text


def test_the_agreement_pdf_embeds_a_cjk_font(make, session, issuer, pdf_fonts):
    *_rest, pdf = _issued_agreement(make, session, issuer)
    fonts = pdf_fonts(pdf)
    assert "CJK" in fonts and "yes" in fonts


def test_every_page_carries_the_verification_code(make, session, issuer, pdf_text):
    _case, _agreement, document, pdf = _issued_agreement(make, session, issuer)
    assert document.verification_code in pdf_text(pdf)


def test_the_stored_pdf_matches_its_recorded_hash(make, session, issuer):
    import hashlib

    *_rest, document, pdf = _issued_agreement(make, session, issuer)
    assert hashlib.sha256(pdf).hexdigest() == document.sha256 and document.is_signed


def test_the_pades_signature_validates_with_pyhanko(make, session, issuer):
    *_rest, pdf = _issued_agreement(make, session, issuer)
    check = check_signature(pdf)
    assert check.present and check.intact


def test_a_one_byte_change_breaks_the_signature(make, session, issuer):
    *_rest, pdf = _issued_agreement(make, session, issuer)
    altered = bytearray(pdf)
    position = pdf.index(b"/Type /Page") + 1
    altered[position] ^= 0x01
    assert not check_signature(bytes(altered)).intact


def test_party_names_that_look_like_code_print_literally(make, session, issuer, pdf_text):
    parties = [make.party(name="<script>"), make.party("respondent", name="{{ 7*7 }}")]
    *_rest, pdf = _issued_agreement(make, session, issuer, parties=parties)
    text = pdf_text(pdf)
    assert "<script>" in text and "{{ 7*7 }}" in text


def test_a_failed_storage_write_leaves_no_document(make, session, issuer, tmp_path):
    from mediation_app.documents.services import Issuer

    class BrokenStorage(Storage):
        def put(self, folder, content):
            if folder == "documents":
                raise OSError("disk full")
            return super().put(folder, content)

    broken = Issuer(storage=BrokenStorage(tmp_path), secret_key=issuer.secret_key,
                    public_url=issuer.public_url)
    case, mediator = make.mediating_case()
    agreement = make.agreement(case, mediator)
    try:
        make.sign_everyone(agreement, case, mediator, issuer=broken)
    except OSError:
        session.rollback()
    assert session.scalar(select(Document)) is None
