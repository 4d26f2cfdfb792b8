"""Phone numbers as clerks type them: mobiles (11 digits, 1[3-9]…) and landlines (area code
and number, 0571-88888888). Spaces, dashes, brackets, full-width digits and a +86 prefix
are accepted; the stored form is 13800138000 or 0571-88888888."""

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―()]")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# 010 and 02x are three-digit area codes, the others have four (0571); numbers 7 or 8 digits
_LANDLINE = re.compile(r"(0(?:10|2[0-9]|[3-9][0-9]{2}))([1-9][0-9]{6,7})")


class InvalidPhone(ValueError):
    """`str(problem)` says what is wrong: not_digits, bad_mobile, bad_landline."""


def normalise_phone(raw: str) -> str:
    """The number in its stored form, or InvalidPhone."""
    number = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))
    if number.startswith("+86"):
        number = number[3:]
    if not number.isascii() or not number.isdigit():
        raise InvalidPhone("not_digits")
    if number.startswith("1"):
        if not _MOBILE.fullmatch(number):
            raise InvalidPhone("bad_mobile")
        return number
    landline = _LANDLINE.fullmatch(number)
    if landline is None:
        raise InvalidPhone("bad_landline")
    return f"{landline.group(1)}-{landline.group(2)}"
