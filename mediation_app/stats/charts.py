"""Charts as server-side SVG (pygal), one code path for pages and PDFs. Labels in Chinese:
the font family is set on the SVG itself, since SVG text ignores the page's CSS."""

from __future__ import annotations

import re

import pygal
from pygal.style import Style

FONT = "Noto Sans CJK SC, Noto Sans CJK, sans-serif"
STYLE = Style(font_family=FONT, background="white", plot_background="white",
              colors=("#b3261e", "#1d5fa8", "#1e7d4f", "#b26a00", "#6b4fa0", "#0b7285",
                      "#66737f"), title_font_size=15, label_font_size=11,
              major_label_font_size=11, legend_font_size=11, value_font_size=10)
_SCRIPT = re.compile(r"<script.*?</script>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _options(**extra) -> dict:
    return {"style": STYLE, "js": [], "disable_xml_declaration": True, "width": 720,
            "height": 320, "print_values": False, "legend_at_bottom": True,
            "truncate_label": -1, **extra}


def _svg(chart) -> str:
    return _COMMENT.sub("", _SCRIPT.sub("", chart.render(is_unicode=True)))


def trend(title: str, months: list[str], series: dict[str, list]) -> str:
    """Lines over months; None values leave gaps."""
    chart = pygal.Line(**_options(title=title, x_label_rotation=30, show_minor_x_labels=True))
    chart.x_labels = months
    for name, values in series.items():
        chart.add(name, values)
    return _svg(chart)


def bars(title: str, labels: list[str], series: dict[str, list]) -> str:
    chart = pygal.Bar(**_options(title=title, x_label_rotation=30 if len(labels) > 5 else 0))
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, values)
    return _svg(chart)
