"""Case number formats per institution, e.g. （2026）清江浦调字第0001号."""

from functools import lru_cache
from string import Formatter

DEFAULT_FORMAT = "（{year}）{short}调字第{seq:04d}号"
_FIELDS = {"year", "short", "seq"}


class InvalidNumberFormat(ValueError):
    pass


@lru_cache(maxsize=256)  # an import renders thousands of numbers in a few formats
def validate_format(template: str) -> str:
    """Accept only {year}, {short} and {seq[:0Nd]}; nothing that reaches attributes."""
    seen = set()
    try:
        parsed = list(Formatter().parse(template))
    except ValueError as exc:
        raise InvalidNumberFormat(f"malformed braces: {exc}") from None
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in _FIELDS:
            raise InvalidNumberFormat(f"unknown field {{{field}}}; use {{year}}, {{short}}, {{seq}}")
        if conversion:
            raise InvalidNumberFormat("conversions such as !r are not allowed")
        if spec and not (field == "seq" and spec.startswith("0") and spec.endswith("d")
                         and spec[1:-1].isdigit()):
            raise InvalidNumberFormat(f"format spec '{spec}' not allowed for {{{field}}}")
        seen.add(field)
    if "seq" not in seen:
        raise InvalidNumberFormat("the format must contain {seq}")
    return template


def render_case_number(template: str, *, year: int, short: str, seq: int) -> str:
    return validate_format(template).format(year=year, short=short, seq=seq)
