"""The statistics as the JSON of DESIGN.md §7, as a text table, and as CSV/XLSX rows."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from .definitions import CONTRACT_FIELDS
from .queries import Report

_DECIMAL = re.compile(r'"__decimal__(-?\d+\.\d\d)"')


def _encode(value):
    if isinstance(value, Decimal):
        return f"__decimal__{value:.2f}"
    raise TypeError(f"cannot encode {type(value).__name__}")


def as_json(report: Report) -> str:
    """Amounts and rates as JSON numbers with exactly two decimals (1234.50, 99.76)."""
    document = {
        "from": report.period.start.isoformat(),
        "to": report.period.end.isoformat(),
        "totals": report.totals.contract(),
        "groups": [{"key": key, **figures.contract()} for key, figures in report.groups],
    }
    text = json.dumps(document, ensure_ascii=False, default=_encode, indent=2)
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


def table_rows(report: Report, *, labels=None) -> tuple[list[str], list[list]]:
    """Header and rows (with the durable success rate beside the raw one) for exports."""
    header = ["key", *CONTRACT_FIELDS, "durable_success", "durable_success_rate"]
    rows = []
    for key, figures in [("TOTAL", report.totals), *report.groups]:
        values = figures.contract()
        rows.append([labels(key) if labels and key != "TOTAL" else key,
                     *[values[name] for name in CONTRACT_FIELDS],
                     figures.durable_success, figures.durable_success_rate])
    return header, rows
