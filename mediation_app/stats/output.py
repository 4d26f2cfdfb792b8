"""The statistics as the JSON of DESIGN.md §7, as a text table, and as CSV/XLSX rows."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..domain.spreadsheet import neutralise
from ..handlings.prevention import Prevented
from .definitions import CONTRACT_FIELDS
from .queries import Report

PREVENTED_FIELDS = tuple(Prevented().as_dict())
Stopped = dict[str | None, Prevented]     # what was prevented per group key (None: totals)


def prevented_of(stopped: Stopped | None, key: str | None) -> dict[str, int]:
    return (stopped or {}).get(key, Prevented()).as_dict()

_DECIMAL = re.compile(r'"__decimal__(-?\d+\.\d\d)"')


def _encode(value):
    if isinstance(value, Decimal):
        return f"__decimal__{value:.2f}"
    raise TypeError(f"cannot encode {type(value).__name__}")


def as_document(report: Report, stopped: Stopped | None = None) -> dict:
    """DESIGN.md §7's document; with `stopped`, each row also says what was prevented."""
    def row(key, figures) -> dict:
        found = figures.contract()
        if stopped is not None:
            found["prevented"] = prevented_of(stopped, key)
        return found

    return {"from": report.period.start.isoformat(), "to": report.period.end.isoformat(),
            "totals": row(None, report.totals),
            "groups": [{"key": key, **row(key, figures)} for key, figures in report.groups]}


def as_json(report: Report, stopped: Stopped | None = None) -> str:
    """Amounts and rates as JSON numbers with exactly two decimals (1234.50, 99.76)."""
    text = json.dumps(as_document(report, stopped), ensure_ascii=False, default=_encode,
                      indent=2)
    return _DECIMAL.sub(r"\1", text)


def _cell(value) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}" if isinstance(value, Decimal) else str(value)


def as_table(report: Report) -> str:
    header = ["key", *CONTRACT_FIELDS]
    rows = [["TOTAL", *[_cell(report.totals.contract()[name]) for name in CONTRACT_FIELDS]]]
    rows += [[key, *[_cell(figures.contract()[name]) for name in CONTRACT_FIELDS]]
             for key, figures in report.groups]
    widths = [max(len(str(line[i])) for line in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(cell).rjust(widths[i]) if i else str(cell).ljust(widths[i])
                       for i, cell in enumerate(line)) for line in [header, *rows]]
    period = f"{report.period.start.isoformat()} – {report.period.end.isoformat()}"
    return f"{period}\n" + "\n".join(lines)


def table_rows(report: Report, *, labels=None, stopped: Stopped | None = None
               ) -> tuple[list[str], list[list]]:
    """Header and rows (with the durable success rate beside the raw one, then what was
    prevented: prevented_criminal_cases …) for exports."""
    header = ["key", *CONTRACT_FIELDS, "durable_success", "durable_success_rate",
              *[f"prevented_{name}" for name in PREVENTED_FIELDS]]
    rows = []
    for key, figures in [("TOTAL", report.totals), *report.groups]:
        values = figures.contract()
        stopped_here = prevented_of(stopped, None if key == "TOTAL" else key)
        rows.append([labels(key) if labels and key != "TOTAL" else key,
                     *[values[name] for name in CONTRACT_FIELDS],
                     figures.durable_success, figures.durable_success_rate,
                     *[stopped_here[name] for name in PREVENTED_FIELDS]])
    return header, rows


# --- the XLSX report --------------------------------------------------------------------

PERCENT = "0.00%"
AMOUNT = "#,##0.00"
DAYS = "0.0"
INTEGER = "0"


@dataclass
class Sheet:
    """One sheet of the report: its (Chinese) name, header, rows, a number format per
    column index (rates are fractions shown as percentages) and a width per column."""

    name: str
    header: list[str]
    rows: list[list]
    formats: dict[int, str] = field(default_factory=dict)
    widths: list[int] = field(default_factory=list)


def percent(value: Decimal | None) -> float | None:
    """A rate in percent (99.76) as the fraction a percentage cell holds (0.9976)."""
    return None if value is None else float(value / 100)


def _value(value):
    if isinstance(value, Decimal):
        return float(value)
    return neutralise(value)


def report_workbook(title: str, subtitle: str, sheets: list[Sheet]) -> bytes:
    """A workbook a reader can file: on every sheet a title row and a row saying what the
    figures cover, then the table with a bold header, set column widths and number
    formats. Text never runs as a formula (domain.spreadsheet)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in sheets:
        sheet = workbook.create_sheet(spec.name)
        columns = max(len(spec.header), 1)
        sheet.append([neutralise(title)])
        sheet.append([neutralise(subtitle)])
        sheet.append([])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=columns)
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([neutralise(name) for name in spec.header])
        for cell in sheet[HEADER_ROW]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in spec.rows:
            sheet.append([_value(value) for value in row])
        for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
            for cell in row:
                number_format = spec.formats.get(cell.column - 1)
                if number_format and isinstance(cell.value, int | float):
                    cell.number_format = number_format
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"        # text, never a formula
        for index, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HEADER_ROW = 4
