import shutil
import subprocess

import pytest


def _poppler(tool: str, pdf_path) -> str:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed; make test installs it")
    return subprocess.run([tool, str(pdf_path), "-"] if tool == "pdftotext" else [tool, str(pdf_path)],
                          capture_output=True, text=True, check=True).stdout


@pytest.fixture
def pdf_text(tmp_path):
    def extract(content: bytes) -> str:
        path = tmp_path / "extract.pdf"
        path.write_bytes(content)
        return _poppler("pdftotext", path)

    return extract


@pytest.fixture
def pdf_fonts(tmp_path):
    def fonts(content: bytes) -> str:
        path = tmp_path / "fonts.pdf"
        path.write_bytes(content)
        return _poppler("pdffonts", path)

    return fonts


@pytest.fixture
def closed(make, session, issuer):
    """A committee's case mediated with success: a session record, a signed and issued
    agreement, the handling closed, and a follow-up visit (回访) recorded."""
    from datetime import date

    from mediation_app.agreements.services import record_follow_up
    from mediation_app.db import utcnow
    from mediation_app.handlings.services import fire_transition

    case, mediator = make.mediating_case()
    make.sign_everyone(make.agreement(case, mediator), case, mediator, issuer=issuer)
    fire_transition(session, case, "close_success", actor=mediator, now=utcnow())
    record_follow_up(session, case, visited_on=date.today(), satisfaction=5,
                     notes="双方已按协议履行完毕。", actor=mediator, now=utcnow())
    session.commit()
    return case, mediator
