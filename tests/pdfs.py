"""PDF text and fonts as poppler-utils read them, for the tests that read documents back
(skipped where poppler-utils is missing; make test installs it)."""

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
