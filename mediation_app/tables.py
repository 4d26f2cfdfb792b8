"""Any table of figures as a CSV (UTF-8 with BOM, so spreadsheet programs read Chinese)
or XLSX download."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from flask import Response, abort, make_response
from openpyxl import Workbook

from .domain.spreadsheet import neutralise
from .downloads import content_disposition

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _csv(header: list, rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(value) for value in header])
    writer.writerows([["" if value is None else neutralise(value) for value in row]
                      for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode()


def _xlsx(header: list, rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in [header, *rows]:
        sheet.append([float(value) if isinstance(value, Decimal) else neutralise(value)
                      for value in row])
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_download(header: list, rows: list[list], name: str, fmt: str) -> Response:
    if fmt == "csv":
        response = make_response(_csv(header, rows))
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        response = make_response(_xlsx(header, rows))
        response.headers["Content-Type"] = XLSX
    else:
        abort(404)
    response.headers["Content-Disposition"] = content_disposition(f"{name}.{fmt}")
    return response
