"""Reading a case number back into its year and sequence, under an institution's format.

An imported number that has the institution's own format takes that (year, seq), and
the counter is moved past it, so numbers generated later never repeat it. Pure."""

from __future__ import annotations

import re
from functools import lru_cache
from string import Formatter

from ..domain.case_numbers import (
    InvalidNumberFormat,
    render_case_number,
    validate_format,
)


@lru_cache(maxsize=256)
def _pattern(template: str, short: str) -> re.Pattern | None:
    try:
        validate_format(template)
    except InvalidNumberFormat:
        return None
    parts, named = [], set()
    for literal, field, _spec, _conversion in Formatter().parse(template):
        parts.append(re.escape(literal))
        if field == "short":
            parts.append(re.escape(short))
        elif field in ("year", "seq"):
            digits = r"\d{4}" if field == "year" else r"\d+"
            parts.append(f"(?P={field})" if field in named else f"(?P<{field}>{digits})")
            named.add(field)
    return re.compile("".join(parts))


def parse_case_number(template: str, *, short: str, case_no: str) -> tuple[int | None, int] | None:
    """(year or None when the format has no year, seq) if `case_no` is exactly what the
    format renders for them; None for a number of some other form."""
    pattern = _pattern(template, short)
    match = pattern.fullmatch(case_no) if pattern else None
    if match is None:
        return None
    year = int(match["year"]) if "year" in pattern.groupindex else None
    seq = int(match["seq"])
    rendered = render_case_number(template, year=year or 0, short=short, seq=seq)
    return (year, seq) if rendered == case_no and seq > 0 else None
