"""The monthly report as a PDF: reports/monthly_report.html over the frozen figures, with
the statistics page's charts (mediation_app.stats.charts) embedded as SVG."""

from __future__ import annotations

import base64
from datetime import datetime
from decimal import Decimal

from ..documents.rendering import cn_amount, cn_date, render_pdf
from ..stats import charts
from .figures import RATES, headline

TEMPLATE = "monthly_report.html"


def month_zh(month: str) -> str:
    year, number = month.split("-")
    return f"{year}年{int(number)}月"


def local_time(value: str | None) -> str:
    """A frozen UTC timestamp ('2026-10-05T08:00') in China time."""
    return cn_date(datetime.fromisoformat(value)) if value else ""


def value_text(name: str, value) -> str:
    if value is None:
        return "—"
    if name in RATES:
        return f"{value}%"
    if name == "agreement_amount":
        return cn_amount(Decimal(value))
    return str(value)


def _signed(number: Decimal, text: str) -> str:
    return f"+{text}" if number > 0 else (text if number < 0 else "0")


def change_text(name: str, difference: dict | None) -> str:
    """'+3（+25.00%）', '−1.25个百分点', '持平' or '—' when there is nothing to compare."""
    if difference is None:
        return "—"
    delta, percent = difference["delta"], difference["percent"]
    if not delta:
        return "持平"
    if name in RATES:
        return _signed(delta, f"{delta:.2f}") + "个百分点"
    shown = cn_amount(delta) if name == "agreement_amount" else f"{delta:.0f}"
    text = _signed(delta, shown)
    if percent is not None:
        text += f"（{_signed(percent, f'{percent:.2f}')}%）"
    return text


def report_charts(frozen: dict) -> dict[str, str]:
    """The statistics page's four charts (same code, same series) from the frozen figures,
    as SVG data URIs: each chart keeps its own ids and styles, and its text stays text."""
    trend = frozen["trend"]
    rates = [float(value) if value is not None else None for value in trend["success_rate"]]
    drawn = {"trend": charts.trend("近十二个月趋势", trend["months"], {
        "受理纠纷": trend["received"], "调解终结": trend["concluded"]},
        rates={"调解成功率（%）": rates})}
    for name, group, title in (("channels", "channel", "分渠道（三调）"),
                               ("types", "dispute_type", "分纠纷类型"),
                               ("regions", "region", "分地区")):
        rows = frozen["groups"][group]
        drawn[name] = charts.bars(title, [row["name"] for row in rows], {
            "调解成功": [row["success"] for row in rows],
            "调解不成": [row["failure"] for row in rows],
            "受理纠纷": [row["received"] for row in rows]})
    return {name: "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
            for name, svg in drawn.items()}


def render_report(frozen: dict, *, version: int, changes: list[dict], reason: str | None,
                  generated_at: datetime) -> bytes:
    return render_pdf(TEMPLATE, figures=frozen, headline=headline(frozen),
                      charts=report_charts(frozen), version=version, changes=changes,
                      reason=reason, generated_at=generated_at, month_zh=month_zh,
                      local_time=local_time, value_text=value_text, change_text=change_text)
