"""Dates, times and amounts formatted for the reader's locale."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.core import Locale
from babel.dates import get_datetime_format
from flask import current_app, has_request_context
from flask_babel import format_date, format_decimal, get_locale, get_timezone
from markupsafe import Markup

from .access.masking import masked_in_text
from .domain.idcard import mask_id_number, mask_phone
from .labels import label, labeller
from .workflow.translations import load_english


def fmt_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _medium_datetime(str(get_locale()), str(get_timezone()))(value)
    return format_date(value, "long")


@lru_cache(maxsize=16)
def _medium_datetime(identifier: str, zone_name: str) -> Callable[[datetime], str]:
    """Babel's "medium" date and time (format_datetime) in this locale and time zone, its
    patterns looked up once rather than for each value (a list formats two a row)."""
    locale, zone = Locale.parse(identifier), ZoneInfo(zone_name)
    joined = get_datetime_format("medium", locale=locale).replace("'", "")
    date_pattern, time_pattern = locale.date_formats["medium"], locale.time_formats["medium"]

    def formatted(value: datetime) -> str:
        local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(zone)
        return joined.replace("{0}", time_pattern.apply(local.timetz(), locale)) \
            .replace("{1}", date_pattern.apply(local.date(), locale))
    return formatted


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


def _page_labels() -> dict:
    """A page's `label`, its language looked up once per page rather than once per cell."""
    return {"label": labeller()} if has_request_context() else {}
