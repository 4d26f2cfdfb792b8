"""HTML from reports/ to PDF with WeasyPrint: autoescaped templates, fonts from the system,
and a URL fetcher that serves only files inside reports/ and data: URIs."""

from __future__ import annotations

import math
import threading
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, select_autoescape
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from ..domain.idcard import mask_id_number
from ..labels import label_zh
from ..resources import ROOT

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


def cn_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "yyyy年M月d日 HH:mm", locale="zh_CN",
                               tzinfo="Asia/Shanghai")
    return format_date(value, "long", locale="zh_CN")


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
        env.filters.update(date=cn_date, amount=cn_amount, mask_id=mask_id_number)
        env.globals.update(label=label_zh, seal_glyphs=seal_glyphs)
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
        document = HTML(string=html, base_url=REPORTS.as_uri() + "/",
                        url_fetcher=ReportsOnlyFetcher())
        return document.write_pdf(font_config=_font_config)


def render_pdf(template: str, **context) -> bytes:
    return html_to_pdf(render_html(template, **context))
