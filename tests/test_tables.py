"""Statistics and subsidy tables download without live formulas (OWASP CSV injection)."""

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from mediation_app.tables import table_download


def test_a_csv_table_quotes_labels_that_start_a_formula_and_keeps_numbers(app):
    with app.test_request_context():
        response = table_download(["key", "cases"], [["=cmd|'/c calc'!A1", 3], ["-1", -2]],
                                  "stats", "csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1] == ["'=cmd|'/c calc'!A1", "3"]
    assert rows[2] == ["'-1", "-2"]


def test_an_xlsx_table_writes_labels_as_strings_and_figures_as_numbers(app):
    with app.test_request_context():
        response = table_download(["key", "amount"], [["@SUM(A1)", Decimal("12.50")]],
                                  "subsidy", "xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    label, amount = sheet.cell(2, 1), sheet.cell(2, 2)
    assert label.data_type == "s" and label.value == "'@SUM(A1)"
    assert amount.data_type == "n" and amount.value == 12.5

