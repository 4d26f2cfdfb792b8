"""The ledger's columns (DESIGN.md §6) and how each cell is read and written.

Pure: no Flask, no database. A parser takes a raw cell (text from CSV; text, number,
date or None from a workbook) and returns (value, reason): reason is None when the cell
is good, else a short English sentence naming what is wrong."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from ..domain.codes import Channel, DisputeType, Source, values
from ..domain.spreadsheet import restore

COLUMNS = (
    "case_no", "institution_code", "channel", "source", "dispute_type", "region_code",
    "received_on", "outcome", "concluded_on", "parties", "amount", "agreement_amount",
    "summary",
)
POSITION = {column: index for index, column in enumerate(COLUMNS)}

PENDING = "pending"
OUTCOMES = (PENDING, "success", "failure", "withdrawn")

# Chinese headers accepted on import, as committees title their ledger columns.
ALIASES = {
    "案号": "case_no", "案件编号": "case_no", "编号": "case_no",
    "机构代码": "institution_code", "调解机构代码": "institution_code",
    "办理机构代码": "institution_code",
    "调解渠道": "channel", "渠道": "channel",
    "来源": "source", "案件来源": "source", "纠纷来源": "source",
    "纠纷类型": "dispute_type",
    "地区代码": "region_code", "区划代码": "region_code", "纠纷地区代码": "region_code",
    "受理日期": "received_on",
    "结果": "outcome", "调解结果": "outcome",
    "办结日期": "concluded_on", "结案日期": "concluded_on",
    "当事人数": "parties", "当事人人数": "parties", "涉及人数": "parties",
    "涉及金额": "amount", "争议金额": "amount", "标的金额": "amount",
    "协议金额": "agreement_amount", "协议涉及金额": "agreement_amount",
    "摘要": "summary", "纠纷摘要": "summary", "简要情况": "summary",
}

MAX_AMOUNT = Decimal("1e12")  # Numeric(14, 2)
CENT = Decimal("0.01")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_AMOUNT = re.compile(r"\d+(\.\d+)?|\d{1,3}(,\d{3})+(\.\d+)?")

Parsed = tuple[object, str | None]


def column_key(header: object) -> str | None:
    """The column a header names (English key or Chinese alias), or None."""
    name = str(header if header is not None else "").replace("\ufeff", "").strip()
    if name.lower() in POSITION:
        return name.lower()
    return ALIASES.get(name)


def map_header(headers: Iterable[object]) -> tuple[list[str | None], list[tuple[str, str]]]:
    """The column of each header cell, and the header's problems as (column, reason).
    Columns the ledger does not know are ignored."""
    headers = list(headers)
    keys = [column_key(header) for header in headers]
    problems, seen = [], set()
    for header, key in zip(headers, keys):
        if key in seen:
            problems.append((key, f"appears twice in the header (again as '{header}')"))
        if key:
            seen.add(key)
    problems += [(column, "missing from the header") for column in COLUMNS if column not in seen]
    return keys, problems


def as_text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime) and raw.time() == datetime.min.time():
        return raw.date().isoformat()
    return restore(str(raw)).strip()


def text_parser(max_length: int, *, required: bool) -> Callable[[object], Parsed]:
    def parse(raw: object) -> Parsed:
        value = as_text(raw)
        if not value:
            return None, ("empty" if required else None)
        if len(value) > max_length:
            return None, f"longer than {max_length} characters"
        return value, None

    return parse


def code_parser(allowed: Iterable[str]) -> Callable[[object], Parsed]:
    allowed = tuple(allowed)

    def parse(raw: object) -> Parsed:
        value = as_text(raw).lower()
        if value in allowed:
            return value, None
        shown = f"'{as_text(raw)}'" if value else "empty"
        return None, f"{shown}: must be one of {', '.join(allowed)}"

    return parse


def parse_date(raw: object, *, required: bool = True) -> Parsed:
    if isinstance(raw, datetime):
        if raw.time() != datetime.min.time():
            return None, "must be a date without a time"
        return raw.date(), None
    if isinstance(raw, date):
        return raw, None
    value = as_text(raw)
    if not value:
        return None, ("empty" if required else None)
    if not _DATE.fullmatch(value):
        return None, f"'{value}': must be a date YYYY-MM-DD"
    try:
        return date.fromisoformat(value), None
    except ValueError:
        return None, f"'{value}': no such date"


def parse_optional_date(raw: object) -> Parsed:
    return parse_date(raw, required=False)


def parse_parties(raw: object) -> Parsed:
    if isinstance(raw, bool):
        return None, "must be a whole number"
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    value = raw if isinstance(raw, int) else as_text(raw)
    if isinstance(value, str):
        if not value:
            return None, "empty"
        if not value.isdigit():
            return None, f"'{value}': must be a whole number"
        value = int(value)
    if value < 2:
        return None, "a dispute has at least 2 parties"
    if value > 1_000_000:
        return None, "implausibly many parties"
    return value, None


def parse_amount(raw: object) -> Parsed:
    """Yuan: a decimal ≥ 0 with at most two decimals; empty means unknown."""
    if isinstance(raw, bool):
        return None, "must be an amount such as 1200.50"
    if isinstance(raw, (int, float, Decimal)):
        text = repr(raw) if isinstance(raw, float) else str(raw)
    else:
        text = as_text(raw).lstrip("¥￥").strip()
    if not text:
        return None, None
    if text.startswith("-"):
        return None, "must not be negative"
    if not _AMOUNT.fullmatch(text):
        return None, f"'{text}': must be an amount such as 1200.50"
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None, f"'{text}': must be an amount such as 1200.50"
    if value != value.quantize(CENT):
        return None, "at most two decimals (fen)"
    if value >= MAX_AMOUNT:
        return None, "too large"
    return value.quantize(CENT), None


PARSERS: dict[str, Callable[[object], Parsed]] = {
    "case_no": text_parser(64, required=False),
    "institution_code": text_parser(32, required=True),
    "channel": code_parser(values(Channel)),
    "source": code_parser(values(Source)),
    "dispute_type": code_parser(values(DisputeType)),
    "region_code": text_parser(32, required=True),
    "received_on": parse_date,
    "outcome": code_parser(OUTCOMES),
    "concluded_on": parse_optional_date,
    "parties": parse_parties,
    "amount": parse_amount,
    "agreement_amount": parse_amount,
    "summary": text_parser(200, required=True),
}


def canonical_row(row: Mapping[str, object]) -> Mapping[str, object]:
    """The row keyed by column names, whatever headers (aliases) its keys are."""
    if all(key in POSITION for key in row):
        return row
    return {column_key(key) or key: value for key, value in row.items()}


def is_blank(row: Mapping[str, object]) -> bool:
    return all(as_text(value) == "" for value in row.values())


def parse_row(row: Mapping[str, object], *, today: date) -> tuple[dict, list[tuple[str, str]]]:
    """The row's values by column and its problems as (column, reason), in column order."""
    parsed, problems = {}, []
    for column in COLUMNS:
        value, reason = PARSERS[column](row.get(column))
        parsed[column] = value
        if reason:
            problems.append((column, reason))
    bad = {column for column, _reason in problems}
    problems += [p for p in _row_rules(parsed, today) if p[0] not in bad]
    problems.sort(key=lambda problem: POSITION[problem[0]])
    return parsed, problems


def _row_rules(row: dict, today: date) -> list[tuple[str, str]]:
    """The checks between columns."""
    problems = []
    outcome, received, concluded = row["outcome"], row["received_on"], row["concluded_on"]
    if received and received > today:
        problems.append(("received_on", "is in the future"))
    if outcome == PENDING and concluded:
        problems.append(("concluded_on", "must be empty while the outcome is pending"))
    elif outcome and outcome != PENDING and not concluded:
        problems.append(("concluded_on", f"empty: required when the outcome is {outcome}"))
    elif concluded and received and concluded < received:
        problems.append(("concluded_on", "is before received_on"))
    elif concluded and concluded > today:
        problems.append(("concluded_on", "is in the future"))
    if row["agreement_amount"] is not None and outcome and outcome != "success":
        problems.append(("agreement_amount", "only for the outcome success"))
    return problems


def text_cells(values_in_order: Iterable[object]) -> list[str]:
    """A ledger row as CSV text: dates YYYY-MM-DD, amounts with two decimals."""
    return [_text_cell(value) for value in values_in_order]


def _text_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.quantize(CENT)}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
