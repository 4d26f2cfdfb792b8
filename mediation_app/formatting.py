"""Dates, times and amounts formatted for the reader's locale."""

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.core import Locale
from babel.dates import DateTimePattern, get_datetime_format
from babel.support import Translations
from flask import current_app, has_request_context, request
from flask_babel import format_decimal, get_locale, get_timezone
from markupsafe import Markup
from wtforms.i18n import messages_path

from .access.masking import masked_in_text
from .domain.idcard import mask_id_number, mask_phone
from .labels import label, labeller, once_per_request
from .workflow.translations import load_english


def fmt_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    on_date, at_moment = _readers_formats()
    return at_moment(value) if isinstance(value, datetime) else on_date(value)


def _readers_formats() -> tuple[Callable[[date], str], Callable[[datetime], str]]:
    """The reader's date and date-and-time formats, looked up once per request (a list
    writes fifty dates; Flask-Babel's locale and time zone lookups are not free)."""
    def looked_up():
        locale = str(get_locale())
        return _long_date(locale), _medium_datetime(locale, str(get_timezone()))
    return once_per_request("mediation.date_formats", looked_up)


@lru_cache(maxsize=16)
def _medium_datetime(identifier: str, zone_name: str) -> Callable[[datetime], str]:
    """Babel's "medium" date and time (format_datetime) in this locale and time zone, its
    patterns looked up once rather than for each value (a list formats two a row)."""
    locale, zone = Locale.parse(identifier), ZoneInfo(zone_name)
    joined = get_datetime_format("medium", locale=locale).replace("'", "")
    on_date = _applied(locale.date_formats["medium"], locale)
    at_time = _applied(locale.time_formats["medium"], locale)

    def formatted(value: datetime) -> str:
        local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(zone)
        return joined.replace("{0}", at_time(local)).replace("{1}", on_date(local))
    return formatted


@lru_cache(maxsize=16)
def _long_date(identifier: str) -> Callable[[date], str]:
    """Babel's "long" date (format_date) in this locale, its pattern looked up once."""
    locale = Locale.parse(identifier)
    return _applied(locale.date_formats["long"], locale)


# Pattern fields that are plain numbers (Chinese dates and times use only these): written
# with str.format instead of Babel's field-by-field lookup, which a page of dates feels.
_NUMERIC_FIELDS = {"y": "{0.year}", "M": "{0.month}", "MM": "{0.month:02d}",
                   "d": "{0.day}", "dd": "{0.day:02d}", "H": "{0.hour}",
                   "HH": "{0.hour:02d}", "mm": "{0.minute:02d}", "ss": "{0.second:02d}"}
_PATTERN_FIELD = re.compile(r"%\((\w+)\)s")


def _applied(pattern: DateTimePattern, locale: Locale) -> Callable[[date], str]:
    """The pattern as a function of one value: str.format when every field is numeric,
    Babel's own formatting otherwise (month names, AM/PM …)."""
    fields = _PATTERN_FIELD.findall(pattern.format)
    if not all(name in _NUMERIC_FIELDS for name in fields):
        return lambda value: pattern.apply(value, locale)
    literal = pattern.format.replace("{", "{{").replace("}", "}}").replace("%%", "%")
    template = _PATTERN_FIELD.sub(lambda found: _NUMERIC_FIELDS[found.group(1)], literal)
    return template.format


def fmt_amount(value: Decimal | None) -> str:
    """¥1,234.50 — yuan with two decimals."""
    if value is None:
        return ""
    return "¥" + format_decimal(value, format="#,##0.00")


def nl2br(text: str | None) -> Markup:
    escaped = Markup.escape(text or "")
    return Markup("<br>").join(escaped.split("\n"))


def locale_code() -> str:
    """The LANGUAGES key of the current locale (Babel spells zh_CN as zh_Hans_CN)."""
    locale = get_locale()
    return "zh_CN" if locale is None or locale.language == "zh" else str(locale)


def workflow_text(value: str) -> str:
    """A workflow label or title in the reader's language (the workflow files hold Chinese;
    workflows/translations/en.yaml the English). Documents print Chinese whatever the reader's."""
    if locale_code() != "en":
        return value
    return current_app.extensions["workflow_english"].get(value, value)


def _workflow_labels_shown(english: dict[str, str]):
    """Jinja's finalize for the web pages: every workflow label printed reads in the
    reader's language. Documents have their own environment, so they stay Chinese."""
    def finalize(value):
        return workflow_text(value) if isinstance(value, str) and value in english else value
    return finalize


def init_app(app) -> None:
    english = app.extensions["workflow_english"] = load_english(app.config["WORKFLOWS_DIR"])
    app.jinja_env.finalize = _workflow_labels_shown(english)
    app.jinja_env.filters.update(
        date=fmt_date,
        amount=fmt_amount,
        mask_id=mask_id_number,
        mask_phone=mask_phone,
        masked_text=masked_in_text,
        nl2br=nl2br,
    )
    app.jinja_env.globals.update(label=label, locale_code=locale_code)
    app.context_processor(_page_labels)
    app.before_request(_wtforms_messages_kept)


def _page_labels() -> dict:
    """A page's `label`, its language looked up once per page rather than once per cell."""
    return {"label": labeller()} if has_request_context() else {}


class _WTFormsMessages:
    """WTForms' own messages in the reader's language, each language's catalogue read once
    per process: Flask-WTF would read it from disk in every request that builds a form."""

    def ugettext(self, message: str) -> str:
        return _wtforms_catalogue(str(get_locale())).ugettext(message)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalogue(str(get_locale())).ungettext(singular, plural, n)


@lru_cache(maxsize=8)
def _wtforms_catalogue(identifier: str) -> Translations:
    return Translations.load(messages_path(), [identifier], domain="wtforms")


_WTFORMS_MESSAGES = _WTFormsMessages()


def _wtforms_messages_kept() -> None:
    request.wtforms_translations = _WTFORMS_MESSAGES   # where Flask-WTF looks first
