"""HTML from reports/ to PDF with WeasyPrint: autoescaped templates, fonts from the system,
and a URL fetcher that serves only files inside reports/ and data: URIs."""

from __future__ import annotations

import math
import re
import threading
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, select_autoescape
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from ..domain.idcard import mask_id_number
from ..labels import label_zh
from ..resources import ROOT
from ..workflow.calendar import CHINA

REPORTS = ROOT / "reports"
_lock = threading.Lock()
_font_config: FontConfiguration | None = None
_environment: Environment | None = None


class ReportsOnlyFetcher(URLFetcher):
    """Refuse the network and every file outside reports/."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file://"):
            path = Path(url.removeprefix("file://").split("?")[0]).resolve()
            if path.is_relative_to(REPORTS.resolve()) and path.is_file():
                return super().fetch(url, headers)
        raise ValueError(f"refused to fetch {url}: documents may only use files in reports/")


def cn_date(value: date | datetime | str | None) -> str:
    """Documents show the day (in China), never the time of day; a day kept as text
    (YYYY-MM-DD, as in a handling's facts) prints alike."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.replace(tzinfo=UTC).astimezone(CHINA).date()
    return format_date(value, "long", locale="zh_CN")


def dispute_phrase(dispute_type: str | None, text: str = "") -> str:
    """The dispute's name ending in 纠纷 exactly once: 邻里纠纷, never 邻里纠纷纠纷."""
    name = (text or label_zh("dispute_type", dispute_type)).strip()
    return name if name.endswith("纠纷") else f"{name}纠纷"


CN_DIGITS = "零一二三四五六七八九"
OWN_NUMBER = re.compile(r"^\s*(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百\d]+[)）]"
                        r"|\d+[、.．)）]|第[一二三四五六七八九十百\d]+[条项])")


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (up to 99)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens] + "十")
    return head + (CN_DIGITS[ones] if ones or not tens else "")


def numbered(clauses) -> list[str]:
    """Clauses numbered 一、二、… once: a clause typed with its own number keeps it."""
    return [clause if OWN_NUMBER.match(clause) else f"{cn_number(i)}、{clause}"
            for i, clause in enumerate(clauses or [], 1)]


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def cn_amount(value: Decimal | None) -> str:
    return "" if value is None else format_decimal(value, format="#,##0.00", locale="zh_CN")


def seal_glyphs(name: str, *, radius: float = 68, span: float = 250) -> list[dict]:
    """Each character of the name placed along the seal's upper arc, upright to the ring."""
    count = max(len(name), 1)
    step = min(span / count, 24)
    start = -step * (count - 1) / 2
    glyphs = []
    for index, char in enumerate(name):
        angle = math.radians(start + index * step)
        glyphs.append({"char": char, "x": round(100 + radius * math.sin(angle), 2),
                       "y": round(100 - radius * math.cos(angle), 2),
                       "rotate": round(math.degrees(angle), 2)})
    return glyphs


def environment() -> Environment:
    global _environment
    if _environment is None:
        env = Environment(loader=FileSystemLoader(str(REPORTS)),
                          autoescape=select_autoescape(["html", "svg"], default=True))
        env.filters.update(date=cn_date, amount=cn_amount, mask_id=mask_id_number,
                           numbered=numbered, lines=lines)
        env.globals.update(label=label_zh, seal_glyphs=seal_glyphs, dispute=dispute_phrase)
        _environment = env
    return _environment


def render_html(template: str, **context) -> str:
    return environment().get_template(template).render(**context)


def html_to_pdf(html: str) -> bytes:
    """One FontConfiguration per process (memory stays flat), one render at a time."""
    global _font_config
    with _lock:
        if _font_config is None:
            _font_config = FontConfiguration()
        return _html(html).write_pdf(font_config=_font_config)


def render_pdf(template: str, **context) -> bytes:
    return html_to_pdf(render_html(template, **context))


def _html(html: str) -> HTML:
    return HTML(string=html, base_url=REPORTS.as_uri() + "/", url_fetcher=ReportsOnlyFetcher())


def anchor_pages(html: str) -> tuple[dict[str, int], int]:
    """Lay the HTML out without writing it: the page (from 1) each element with an id
    starts on, and the number of pages. What an index (目录) or a page count prints."""
    pages, count, _document = laid_out(html)
    return pages, count


def laid_out(html: str):
    """The HTML laid out once: its anchors' pages, its page count, and the laid-out document
    (write it with write_laid_out when those are the numbers it printed)."""
    global _font_config
    with _lock:
        if _font_config is None:
            _font_config = FontConfiguration()
        document = _html(html).render(font_config=_font_config)
    pages = {}
    for number, page in enumerate(document.pages, 1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages, len(document.pages), document


def write_laid_out(document) -> bytes:
    with _lock:
        return document.write_pdf()
