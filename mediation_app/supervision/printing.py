"""The printed 督办单 and the short texts told about a listed order: free text with ID
numbers and phones masked, dates as the day in China (2026年12月1日)."""

from __future__ import annotations

from datetime import datetime

from ..access.masking import masked_in_text
from ..documents.rendering import cn_date, lines, render_pdf
from .models import SupervisionOrder

TEMPLATE = "supervision_order.html"
# 《中国共产党政法工作条例》第十二条: the political-legal committee supervises (督查) and
# coordinates the prevention and resolution of disputes; the centres work under it
CITES = "《中国共产党政法工作条例》第十二条"


def masked(text: str | None, *, limit: int | None = None) -> str:
    """The text with every ID number and mobile phone masked, cut to `limit` characters."""
    shown = masked_in_text((text or "").strip())
    return shown if limit is None or len(shown) <= limit else shown[:limit] + "…"


def shown_date(value: datetime) -> str:
    return cn_date(value)


def print_order(order: SupervisionOrder, *, now: datetime) -> bytes:
    """The 督办单 as the issuing centre and the supervised institution print it."""
    return render_pdf(TEMPLATE, order=order, case=order.case, centre=order.centre,
                      institution=order.institution, summary=masked(order.case.summary),
                      instruction=lines(masked(order.instruction)),
                      reply=lines(masked(order.reply)), cites=CITES, printed_at=now)
