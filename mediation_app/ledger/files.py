"""Ledger files: rows read from CSV or XLSX one at a time, and rows written the same way.

Rows are numbered as a spreadsheet shows them: the header is row 1."""

from __future__ import annotations

import csv
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils.exceptions import InvalidFileException

from ..domain.spreadsheet import neutralise
from ..labels import N_
from .columns import headers, localized, map_header, text_cells
from .problems import FILE, ImportRefused, RowProblem, refuse
from .reasons import Reason

Rows = Iterator[tuple[int, dict]]
WriteRow = Callable[[tuple], None]
XLSX_SUFFIX = ".xlsx"


def is_xlsx(path: str | Path) -> bool:
    return Path(path).suffix.lower() == XLSX_SUFFIX


def _numbered_rows(records: Iterable[tuple], what: str) -> Rows:
    records = iter(records)
    header = next(records, None)
    if header is None:
        raise refuse(1, FILE, Reason(what))
    keys, problems = map_header(header)
    if problems:
        raise ImportRefused([RowProblem(1, column, reason) for column, reason in problems])
    for number, record in enumerate(records, start=2):
        yield number, {key: cell for key, cell in zip(keys, record) if key}


def _csv_records(stream: IO[str]) -> Iterator[list[str]]:
    reader = csv.reader(stream)
    number = 0
    while True:
        number += 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise refuse(number, FILE, Reason(N_("the file is not UTF-8 text"))) from None
        except csv.Error as error:
            raise refuse(number, FILE, Reason(N_("unreadable CSV: %(error)s"), error=str(error))) \
                from None
        yield record


def read_csv(stream: IO[str]) -> Rows:
    """(row number, {column: text}) for each row of a CSV text stream (open it with
    encoding='utf-8-sig', newline='')."""
    return _numbered_rows(_csv_records(stream), N_("the file is empty: it needs a header row"))


def _open_workbook(path: str | Path):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # style warnings of files saved by other programs
            return load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise refuse(1, FILE, Reason(N_("not a readable .xlsx workbook"))) from None


def read_xlsx(path: str | Path) -> Rows:
    """(row number, {column: cell value}) for each row of the workbook's first sheet."""
    workbook = _open_workbook(path)
    try:
        sheet = workbook.worksheets[0]
        yield from _numbered_rows(sheet.iter_rows(values_only=True),
                                  N_("the first sheet is empty: it needs a header row"))
    finally:
        workbook.close()


def count_rows(path: str | Path) -> int | None:
    """How many rows follow the header (blank ones included), for a progress bar."""
    try:
        if is_xlsx(path):
            workbook = _open_workbook(path)
            try:
                rows = workbook.worksheets[0].max_row
            finally:
                workbook.close()
            return max(rows - 1, 0) if rows else None
        with open(path, encoding="utf-8-sig", newline="") as stream:
            return max(sum(1 for _record in csv.reader(stream)) - 1, 0)
    except (ImportRefused, UnicodeDecodeError, csv.Error, OSError):
        return None  # the import itself reports what is wrong with the file


@contextmanager
def open_rows(path: str | Path) -> Iterator[Rows]:
    """The rows of a CSV or .xlsx file (chosen by extension), closed afterwards."""
    if is_xlsx(path):
        with closing(read_xlsx(path)) as rows:
            yield rows
        return
    with open(path, encoding="utf-8-sig", newline="") as stream, \
            closing(read_csv(stream)) as rows:
        yield rows


@contextmanager
def write_csv(stream: IO[str], *, codes: bool = False) -> Iterator[WriteRow]:
    """Write the header, then give a function writing one ledger row: in Chinese (headers,
    values as the interface shows them, amounts like 12,000.50) unless asked for codes."""
    writer = csv.writer(stream)
    writer.writerow(headers(codes=codes))
    shown = (lambda row: row) if codes else localized
    yield lambda row: writer.writerow([neutralise(cell)
                                       for cell in text_cells(shown(row), codes=codes)])


@contextmanager
def write_xlsx(target: str | Path | IO[bytes], *, codes: bool = False) -> Iterator[WriteRow]:
    """Like write_csv, into a streamed (write-only) workbook saved at the end: real date
    cells shown YYYY-MM-DD and amounts shown with two decimals."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("ledger" if codes else "台账")
    sheet.append(headers(codes=codes))
    shown = (lambda row: row) if codes else localized
    yield lambda row: sheet.append([_xlsx_cell(sheet, value) for value in shown(row)])
    workbook.save(target)


def _xlsx_cell(sheet, value):
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "#,##0.00"
        return cell
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=neutralise(value))
        cell.data_type = "s"  # text, never a formula
        return cell
    return value


@contextmanager
def open_writer(path: str | Path, *, codes: bool = False) -> Iterator[WriteRow]:
    """A row writer for a CSV or .xlsx file, chosen by extension."""
    if is_xlsx(path):
        with write_xlsx(path, codes=codes) as write_row:
            yield write_row
        return
    with open(path, "w", encoding="utf-8", newline="") as stream, \
            write_csv(stream, codes=codes) as write_row:
        yield write_row
