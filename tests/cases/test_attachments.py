from datetime import datetime

import pytest

from mediation_app.cases import services
from mediation_app.storage import Storage
from mediation_app.uploads import UploadRefused

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64
ALLOWED = ("image/jpeg", "image/png", "application/pdf")


def _attach(session, case, actor, content, tmp_path, max_bytes=1024):
    return services.add_attachment(
        session, case, filename="证据.png", content=content, storage=Storage(tmp_path),
        allowed=ALLOWED, max_bytes=max_bytes, actor=actor, now=datetime.now())


def test_a_png_is_stored_with_its_sniffed_type_and_hash(make, session, tmp_path):
    mediator = make.user()
    attachment = _attach(session, make.case(by=mediator), mediator, PNG, tmp_path)
    assert attachment.content_type == "image/png"
    assert Storage(tmp_path).read(attachment.storage_key) == PNG


def test_a_pdf_is_accepted(make, session, tmp_path):
    mediator = make.user()
    assert _attach(session, make.case(by=mediator), mediator, PDF, tmp_path).content_type == \
        "application/pdf"


@pytest.mark.parametrize("content, reason", [
    (b"<script>alert(1)</script>", "wrong_type"),
    (b"MZ\x90\x00" + b"\x00" * 60, "wrong_type"),
    (b"", "empty"),
    (PNG + b"\x00" * 2048, "too_large"),
])
def test_uploads_are_judged_by_content_and_size(make, session, tmp_path, content, reason):
    mediator = make.user()
    with pytest.raises(UploadRefused) as refusal:
        _attach(session, make.case(by=mediator), mediator, content, tmp_path)
    assert refusal.value.reason == reason


def test_storage_keys_cannot_escape_the_root(tmp_path):
    with pytest.raises(ValueError):
        Storage(tmp_path).path_of("../../etc/passwd")
