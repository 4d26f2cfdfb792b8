"""Resident identity card numbers (GB 11643-1999): validation and masking."""

import re
import unicodedata
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_CANONICAL = re.compile(r"[0-9]{17}[0-9X]")


class InvalidIdNumber(ValueError):
    """The number is not a valid 18-character citizen identity number."""


def check_digit(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS))
    return _CHECK_CHARS[total % 11]


def normalise_id_number(raw: str) -> str:
    """Return the number in canonical form (ASCII digits, upper-case X) or raise
    InvalidIdNumber. Full-width digits and X (as Chinese input methods type them) are
    folded to ASCII (NFKC); any other digit (Arabic-Indic, superscript...) is refused."""
    number = unicodedata.normalize("NFKC", raw).strip().upper()
    if len(number) != 18:
        raise InvalidIdNumber("must have 18 characters")
    if not _CANONICAL.fullmatch(number):
        raise InvalidIdNumber("must be 17 digits followed by a digit or X")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        birth = None
    if birth is None or birth.year < 1900 or birth > date.today():
        raise InvalidIdNumber("contains an impossible birth date")
    if check_digit(number[:17]) != number[17]:
        raise InvalidIdNumber("check digit does not match")
    return number


def mask_id_number(number: str | None) -> str:
    """Keep the first four and last four characters: 3208**********1234."""
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str | None) -> str:
    """Keep the first three and last four digits: 138****5678."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def birth_date(number: str | None) -> date | None:
    """The birth date a citizen identity number encodes (positions 7–14), if it reads."""
    if not number or len(number) != 18 or not number[:14].isdigit():
        return None
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def age_on(number: str | None, day: date) -> int | None:
    """Full years of age on `day` of the person the number names (None if unreadable)."""
    born = birth_date(number)
    return None if born is None else years_between(born, day)


def years_between(born: date, day: date) -> int:
    """Full years from `born` to `day`: the age on that day."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


MASKED_BIRTH_DATE = "****-**-**"


def mask_birth_date(born: date | None) -> str:
    """A birth date hidden whole, as a masked ID number hides the one it encodes."""
    return MASKED_BIRTH_DATE if born is not None else ""
