"""The blank ledger a clerk downloads: Chinese headers on the first sheet, a sheet of the
allowed values, and drop-down lists (data validation) on the coded columns. Pure."""

from __future__ import annotations

from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from ..domain.codes import Channel, DisputeType, Source, values
from .columns import CHINESE_HEADERS, COLUMNS, OUTCOMES, POSITION, code_label

LEDGER_SHEET = "台账"
VALUES_SHEET = "可选值"
ROWS = 2000  # rows prepared with drop-downs
ALLOWED = {
    "channel": values(Channel),
    "source": values(Source),
    "dispute_type": values(DisputeType),
    "outcome": OUTCOMES,
}
WIDTHS = {"summary": 40, "party_names": 24, "case_no": 24}
DATE_HINT = "例如 2026-04-11、2026/4/11 或 2026年4月11日"
AMOUNT_HINT = "单位：元，例如 12000.50 或 12,000.50；可空"


def allowed_labels() -> dict[str, list[str]]:
    """For each coded column, its values as the interface shows them."""
    return {column: [code_label(column, code) for code in codes]
            for column, codes in ALLOWED.items()}


def write_template(target: str | IO[bytes]) -> None:
    workbook = Workbook()
    ledger = workbook.active
    ledger.title = LEDGER_SHEET
    ledger.append([CHINESE_HEADERS[column] for column in COLUMNS])
    for cell in ledger[1]:
        cell.font = Font(bold=True)
    ledger.freeze_panes = "A2"
    for column in COLUMNS:
        ledger.column_dimensions[_letter(column)].width = WIDTHS.get(column, 14)
    choices = workbook.create_sheet(VALUES_SHEET)
    for index, (column, labels) in enumerate(allowed_labels().items(), start=1):
        letter = get_column_letter(index)
        choices.cell(row=1, column=index, value=CHINESE_HEADERS[column]).font = Font(bold=True)
        for row, text in enumerate(labels, start=2):
            choices.cell(row=row, column=index, value=text)
        choices.column_dimensions[letter].width = 18
        source = f"{quote_sheetname(VALUES_SHEET)}!${letter}$2:${letter}${len(labels) + 1}"
        _validate(ledger, column, DataValidation(
            type="list", formula1=source, allow_blank=True, showErrorMessage=True,
            errorTitle="不在可选值中", error=f"请从下拉列表中选择{CHINESE_HEADERS[column]}"))
    for column in ("received_on", "concluded_on"):
        _validate(ledger, column, DataValidation(showInputMessage=True, allow_blank=True,
                                                 promptTitle=CHINESE_HEADERS[column],
                                                 prompt=DATE_HINT))
    for column in ("amount", "agreement_amount"):
        _validate(ledger, column, DataValidation(showInputMessage=True, allow_blank=True,
                                                 promptTitle=CHINESE_HEADERS[column],
                                                 prompt=AMOUNT_HINT))
    workbook.save(target)


def _letter(column: str) -> str:
    return get_column_letter(POSITION[column] + 1)


def _validate(sheet, column: str, validation: DataValidation) -> None:
    letter = _letter(column)
    validation.add(f"{letter}2:{letter}{ROWS + 1}")
    sheet.add_data_validation(validation)
