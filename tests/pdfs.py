"""PDF text and fonts as poppler-utils read them, for the tests that read documents back
(skipped where poppler-utils is missing; make test installs it)."""

import shutil
import subprocess

import pytest


def _poppler(tool: str, pdf_path, *options: str) -> str:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed; make test installs it")
    output = ["-"] if tool == "pdftotext" else []
    return subprocess.run([tool, *options, str(pdf_path), *output],
                          capture_output=True, text=True, check=True).stdout


def read_text(content: bytes, folder, *options: str) -> str:
    path = folder / "extract.pdf"
    path.write_bytes(content)
    return _poppler("pdftotext", path, *options)


@pytest.fixture
def pdf_text(tmp_path):
    return lambda content: read_text(content, tmp_path)


@pytest.fixture
def pdf_fonts(tmp_path):
    def fonts(content: bytes) -> str:
        path = tmp_path / "fonts.pdf"
        path.write_bytes(content)
        return _poppler("pdffonts", path)

    return fonts
