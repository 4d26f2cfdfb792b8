"""Fixtures of the monthly report tests."""

import pytest

from ..pdfs import pdf_fonts, read_text  # noqa: F401  (pdf_fonts is a fixture)


@pytest.fixture(scope="session")
def monthly_app(app):
    """The app serving /reports and offering `flask report` and `flask scheduler`."""
    return app


@pytest.fixture
def pdf_text(tmp_path):
    """The report is tables: its text is read row by row, as pdftotext lays it out."""
    return lambda content: read_text(content, tmp_path, "-layout")
