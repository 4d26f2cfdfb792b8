"""Texts told about a listed order: free text with ID numbers and phones masked, dates as
the day in China (2026年12月1日)."""

from __future__ import annotations

from datetime import datetime

from ..documents.rendering import cn_date
from ..logredaction import redact


def masked(text: str | None, *, limit: int | None = None) -> str:
    """The text with every ID number and mobile phone masked, cut to `limit` characters."""
    shown = redact((text or "").strip())
    return shown if limit is None or len(shown) <= limit else shown[:limit] + "…"


def shown_date(value: datetime) -> str:
    return cn_date(value)

