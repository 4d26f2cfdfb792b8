"""Personal data shown whole or masked: the one place that decides how a party's ID number
and phones are rendered, for pages, the API, PDFs, previews, exports, notifications and
logs. Callers ask the policy (policy.sees_personal_data / sees_record_whole) for `whole`."""

from __future__ import annotations

import re
from dataclasses import dataclass, is_dataclass
from datetime import date

from ..domain.idcard import mask_birth_date, mask_id_number, mask_phone, years_between

_ID_NUMBER_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{15}(?:\d{2}[\dXx])?(?![0-9A-Za-z])")
_PHONE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def masked_in_text(text: str) -> str:
    """Free text (a log line, a notification, a note) with every ID number and mobile phone
    written in it masked the way pages mask them."""
    text = _ID_NUMBER_IN_TEXT.sub(lambda found: mask_id_number(found.group(0)), text)
    return _PHONE_IN_TEXT.sub(lambda found: mask_phone(found.group(0)), text)


def masked_values(value):
    """The same JSON-like value with every string in it passed through masked_in_text."""
    if isinstance(value, str):
        return masked_in_text(value)
    if isinstance(value, dict):
        return {key: masked_values(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [masked_values(item) for item in value]
    return value


class TextMasked:
    """A record (an agreement, a session record) whose text reads with ID numbers and phones
    masked: what a masked rendition of a document prints in place of the record."""

    def __init__(self, record):
        self._record = record

    def __getattr__(self, name):
        return masked_for_reader(getattr(self._record, name))


def masked_for_reader(value):
    """Anything a document template is given, with every ID number and phone written in its
    text masked: strings (markup stays markup), lists and dicts of them, and records (mapped
    rows, dataclasses) read through TextMasked; anything else is left as it is."""
    if isinstance(value, str):
        return type(value)(masked_in_text(value))
    if isinstance(value, dict):
        return {key: masked_for_reader(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [masked_for_reader(item) for item in value]
    if hasattr(value, "__table__") or (is_dataclass(value) and not isinstance(value, type)):
        return TextMasked(value)
    return value


def shown_id_number(value: str | None, *, whole: bool) -> str:
    return (value or "") if whole else mask_id_number(value)


def shown_phone(value: str | None, *, whole: bool) -> str:
    return (value or "") if whole else mask_phone(value)


def shown_birth_date(value: date | None, *, whole: bool) -> date | str | None:
    """Personal data like the ID number that encodes it: the date whole, else hidden."""
    return value if whole else (mask_birth_date(value) or None)


@dataclass(frozen=True)
class PartyView:
    """A party as one reader may see it; what templates and documents render."""

    id: int | None
    position: int
    role: str
    kind: str
    name: str
    sex: str | None
    id_number: str
    phone: str
    address: str | None
    representative_name: str | None
    representative_phone: str
    is_whole: bool
    version: int | None = None  # the party's edit version (API clients send it back)
    ethnicity: str | None = None
    birth_date: date | str | None = None  # a date when whole, "****-**-**" when masked
    occupation: str | None = None
    employer: str | None = None  # like the address: for readers of whole data only

    @property
    def age(self) -> int | None:
        """Full years today, for whole readers only (a masked birth date tells none)."""
        if not isinstance(self.birth_date, date):
            return None
        return years_between(self.birth_date, date.today())

    @property
    def masked_id_number(self) -> str:
        return shown_id_number(self.id_number, whole=False) if self.is_whole else self.id_number

    @property
    def masked_phone(self) -> str:
        return shown_phone(self.phone, whole=False) if self.is_whole else self.phone


def party_view(party, *, whole: bool) -> PartyView:
    return PartyView(
        id=party.id, position=party.position, role=party.role, kind=party.kind,
        name=party.name, sex=party.sex,
        id_number=shown_id_number(party.id_number, whole=whole),
        phone=shown_phone(party.phone, whole=whole),
        address=party.address if whole else None, representative_name=party.representative_name,
        representative_phone=shown_phone(party.representative_phone, whole=whole),
        is_whole=whole, version=getattr(party, "version", None),
        ethnicity=getattr(party, "ethnicity", None),
        birth_date=shown_birth_date(getattr(party, "birth_date", None), whole=whole),
        occupation=getattr(party, "occupation", None),
        employer=getattr(party, "employer", None) if whole else None)


def party_views(parties, *, whole: bool) -> list[PartyView]:
    return [party_view(party, whole=whole) for party in parties]


class CaseForReader:
    """A case whose parties are shown as one reader may see them; everything else is the
    case's own. What pages and documents render in place of the case."""

    def __init__(self, case, *, whole: bool):
        self._case = case
        self.parties = party_views(case.parties, whole=whole)
        self.summary = case.summary if whole else masked_in_text(case.summary or "")
        self.description = case.description if whole else masked_in_text(case.description or "")
        self.is_whole = whole

    def __getattr__(self, name):
        return getattr(self._case, name)


def case_for_reader(case, *, whole: bool) -> CaseForReader:
    return CaseForReader(case, whole=whole)
