"""The ledger's columns (DESIGN.md §6) and how each cell is read and written.

Pure: no Flask, no database. A parser takes a raw cell (text from CSV; text, number,
date or None from a workbook) and returns (value, reason): reason is None when the cell
is good, else a Reason (reasons.py): a short English sentence naming what is wrong, with its
msgid so that pages show it in Chinese.

Clerks type Chinese: headers (案号, 调解渠道, …), values as the interface shows them
(人民调解, 邻里纠纷, 成功, 2026年4月11日, 12,000.50) are read as well as the English keys and
codes, and are what an export writes unless it is asked for codes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from ..domain.codes import Channel, DisputeType, Source, values
from ..domain.spreadsheet import restore
from ..labels import N_, label_zh
from .reasons import Reason

COLUMNS = (
    "case_no", "institution_code", "channel", "source", "dispute_type", "region_code",
    "received_on", "outcome", "concluded_on", "parties", "amount", "agreement_amount",
    "summary", "party_names",
)
OPTIONAL_COLUMNS = ("party_names",)  # files made before it are read as they were
POSITION = {column: index for index, column in enumerate(COLUMNS)}

# The headers an export writes, and what a clerk types.
CHINESE_HEADERS = {
    "case_no": "案号", "institution_code": "机构代码", "channel": "调解渠道",
    "source": "案件来源", "dispute_type": "纠纷类型", "region_code": "地区代码",
    "received_on": "受理日期", "outcome": "调解结果", "concluded_on": "办结日期",
    "parties": "当事人数", "amount": "涉及金额", "agreement_amount": "协议金额",
    "summary": "纠纷摘要", "party_names": "当事人",
}
# The column of each code family, and its label group (labels.py).
CODED = {"channel": "channel", "source": "source", "dispute_type": "dispute_type",
         "outcome": "ledger_outcome"}

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
    "当事人": "party_names", "当事人姓名": "party_names", "当事人名称": "party_names",
}

# Outcomes as a ledger names them (exported), and other ways clerks write them.
OUTCOME_LABELS = {PENDING: "在办", "success": "成功", "failure": "不成功", "withdrawn": "撤回"}
OUTCOME_SYNONYMS = {
    "调解成功": "success", "已成功": "success", "达成协议": "success",
    "失败": "failure", "调解失败": "failure", "调解不成": "failure", "未成功": "failure",
    "调解不成功": "failure", "已撤回": "withdrawn", "撤销": "withdrawn", "撤回申请": "withdrawn",
    "在办中": PENDING, "办理中": PENDING, "调解中": PENDING, "未结": PENDING, "未办结": PENDING,
}

EMPTY = Reason(N_("empty"))
MAX_AMOUNT = Decimal("1e12")  # Numeric(14, 2)
CENT = Decimal("0.01")
_DATE = re.compile(r"(\d{4})(?:-|/|\.|年)(\d{1,2})(?:-|/|\.|月)(\d{1,2})日?")
_AMOUNT = re.compile(r"\d+(\.\d+)?|\d{1,3}(,\d{3})+(\.\d+)?")

Parsed = tuple[object, str | None]


def code_label(column: str, code: str) -> str:
    """The Chinese a ledger shows for a code of `column` (人民调解, 邻里纠纷, 成功, …)."""
    if column == "outcome":
        return OUTCOME_LABELS.get(code, code)
    return label_zh(column, code)


def _spellings(label: str) -> set[str]:
    """劳动争议 / 欠薪 → 劳动争议 / 欠薪, 劳动争议, 欠薪; 邻里纠纷 ↔ 邻里."""
    names = {label, *(part.strip() for part in label.split("/"))}
    names |= {name.removesuffix("纠纷") for name in names} | {f"{name}纠纷" for name in names}
    return {name for name in names if name}


def value_aliases(column: str, codes: Iterable[str]) -> dict[str, str]:
    """Every Chinese way of writing the column's codes, each to its code."""
    aliases = {}
    for code in codes:
        for name in _spellings(label_zh(column, code)) | {code_label(column, code)}:
            aliases.setdefault(name, code)
    if column == "outcome":
        aliases.update(OUTCOME_SYNONYMS)
    return aliases


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
            problems.append((key, Reason(N_("appears twice in the header (again as '%(header)s')"),
                                         header=str(header))))
        if key:
            seen.add(key)
    problems += [(column, Reason(N_("missing from the header"))) for column in COLUMNS
                 if column not in seen and column not in OPTIONAL_COLUMNS]
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
            return None, (EMPTY if required else None)
        if len(value) > max_length:
            return None, Reason(N_("longer than %(n)s characters"), n=max_length)
        return value, None

    return parse


def code_parser(column: str, allowed: Iterable[str]) -> Callable[[object], Parsed]:
    """A code, or its Chinese as the interface shows it (人民调解, 邻里纠纷, 成功)."""
    allowed = tuple(allowed)
    aliases: dict[str, str] = {}

    def parse(raw: object) -> Parsed:
        text = as_text(raw)
        value = text.lower()
        if value in allowed:
            return value, None
        if not aliases:
            aliases.update(value_aliases(column, allowed))
        if text.replace(" ", "") in aliases:
            return aliases[text.replace(" ", "")], None
        choices = "、".join(code_label(column, code) for code in allowed)
        if not value:
            return None, Reason(N_("empty: must be one of %(choices)s"), choices=choices)
        return None, Reason(N_("'%(value)s': must be one of %(choices)s"), value=text,
                            choices=choices)

    return parse


def parse_date(raw: object, *, required: bool = True) -> Parsed:
    """2026-04-11, 2026-4-11, 2026/4/11, 2026.4.11 or 2026年4月11日 (or a date cell)."""
    if isinstance(raw, datetime):
        if raw.time() != datetime.min.time():
            return None, Reason(N_("must be a date without a time"))
        return raw.date(), None
    if isinstance(raw, date):
        return raw, None
    value = as_text(raw).replace(" ", "")
    if not value:
        return None, (EMPTY if required else None)
    match = _DATE.fullmatch(value)
    if not match:
        return None, Reason(N_("'%(value)s': must be a date YYYY-MM-DD"), value=value)
    try:
        return date(*(int(part) for part in match.groups())), None
    except ValueError:
        return None, Reason(N_("'%(value)s': no such date"), value=value)


def parse_optional_date(raw: object) -> Parsed:
    return parse_date(raw, required=False)


def parse_parties(raw: object) -> Parsed:
    if isinstance(raw, bool):
        return None, Reason(N_("must be a whole number"))
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    value = raw if isinstance(raw, int) else as_text(raw).removesuffix("人").strip()
    if isinstance(value, str):
        if not value:
            return None, EMPTY
        if not value.isdigit():
            return None, Reason(N_("'%(value)s': must be a whole number"), value=value)
        value = int(value)
    if value < 2:
        return None, Reason(N_("a dispute has at least 2 parties"))
    if value > 1_000_000:
        return None, Reason(N_("implausibly many parties"))
    return value, None


def parse_amount(raw: object) -> Parsed:
    """Yuan: a decimal ≥ 0 with at most two decimals (12000.50, 12,000.50, ¥12,000.50 or
    12,000.50元; full-width commas too); empty means unknown."""
    if isinstance(raw, bool):
        return None, Reason(N_("must be an amount such as 1200.50"))
    if isinstance(raw, (int, float, Decimal)):
        text = repr(raw) if isinstance(raw, float) else str(raw)
    else:
        text = as_text(raw).lstrip("¥￥").removesuffix("元").strip().replace("，", ",")
    if not text:
        return None, None
    if text.startswith("-"):
        return None, Reason(N_("must not be negative"))
    bad = Reason(N_("'%(value)s': must be an amount such as 1200.50"), value=text)
    if not _AMOUNT.fullmatch(text):
        return None, bad
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None, bad
    if value != value.quantize(CENT):
        return None, Reason(N_("at most two decimals (fen)"))
    if value >= MAX_AMOUNT:
        return None, Reason(N_("too large"))
    return value.quantize(CENT), None


PARSERS: dict[str, Callable[[object], Parsed]] = {
    "case_no": text_parser(64, required=False),
    "institution_code": text_parser(32, required=True),
    "channel": code_parser("channel", values(Channel)),
    "source": code_parser("source", values(Source)),
    "dispute_type": code_parser("dispute_type", values(DisputeType)),
    "region_code": text_parser(32, required=True),
    "received_on": parse_date,
    "outcome": code_parser("outcome", OUTCOMES),
    "concluded_on": parse_optional_date,
    "parties": parse_parties,
    "amount": parse_amount,
    "agreement_amount": parse_amount,
    "summary": text_parser(200, required=True),
    "party_names": text_parser(500, required=False),
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
    future = Reason(N_("is in the future"))
    if received and received > today:
        problems.append(("received_on", future))
    if outcome == PENDING and concluded:
        problems.append(("concluded_on", Reason(N_("must be empty while the outcome is pending"))))
    elif outcome and outcome != PENDING and not concluded:
        problems.append(("concluded_on", Reason(N_("empty: required when the outcome is %(outcome)s"),
                                                outcome=outcome, coded={"outcome": "outcome"})))
    elif concluded and received and concluded < received:
        problems.append(("concluded_on", Reason(N_("is before received_on"))))
    elif concluded and concluded > today:
        problems.append(("concluded_on", future))
    if row["agreement_amount"] is not None and outcome and outcome != "success":
        problems.append(("agreement_amount", Reason(N_("only for the outcome success"))))
    return problems


def headers(*, codes: bool = False) -> list[str]:
    """The header row of an export: Chinese, or the English keys when asked for codes."""
    return list(COLUMNS) if codes else [CHINESE_HEADERS[column] for column in COLUMNS]


def localized(row: tuple) -> tuple:
    """An exported row with its codes written as the interface shows them (人民调解, 成功)."""
    return tuple(code_label(column, value) if column in CODED and value else value
                 for column, value in zip(COLUMNS, row))


def text_cells(values_in_order: Iterable[object], *, codes: bool = True) -> list[str]:
    """A ledger row as CSV text: dates YYYY-MM-DD, amounts with two decimals."""
    return [_text_cell(value, codes) for value in values_in_order]


def _text_cell(value: object, codes: bool = True) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.quantize(CENT)}" if codes else f"{value.quantize(CENT):,}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
