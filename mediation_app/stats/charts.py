"""Charts as server-side SVG (pygal), one code path for pages and PDFs. Labels in Chinese:
the font family is set on the SVG itself, since SVG text ignores the page's CSS."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from threading import Lock

import pygal
from pygal.style import Style

FONT = "Noto Sans CJK SC, Noto Sans CJK, sans-serif"
STYLE = Style(font_family=FONT, background="white", plot_background="white",
              colors=("#b3261e", "#1d5fa8", "#1e7d4f", "#b26a00", "#6b4fa0", "#0b7285",
                      "#66737f"), title_font_size=15, label_font_size=11,
              major_label_font_size=11, legend_font_size=11, value_font_size=10)
_SCRIPT = re.compile(r"<script.*?</script>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# ids pygal gives each legend for its scripts (removed): the same in every chart of a page
_SCRIPT_IDS = re.compile(r' id="activate-serie-\d+"')
# pygal repeats each link's address as a description: an address is not a name to read out
_LINK_DESC = re.compile(r'<desc class="xlink">[^<]*</desc>')


def _options(**extra) -> dict:
    return {"style": STYLE, "js": [], "disable_xml_declaration": True, "width": 720,
            "height": 320, "print_values": False, "legend_at_bottom": True,
            "truncate_label": -1, **extra}


# the tooltip pygal's scripts would show, hidden by a presentation attribute rather than
# an inline style (which a page's content security policy refuses)
_HIDDEN = 'style="opacity: 0"'


def _svg(chart) -> str:
    drawn = _COMMENT.sub("", _SCRIPT.sub("", chart.render(is_unicode=True)))
    return _LINK_DESC.sub("", _SCRIPT_IDS.sub("", drawn)).replace(_HIDDEN, 'opacity="0"')


def with_style_nonce(svg: str, nonce: str) -> str:
    """The chart to draw inline in a page whose policy admits styles carrying `nonce`."""
    return svg.replace("<style", f'<style nonce="{nonce}"')


def integer_ticks(values) -> list[int]:
    """Six whole-number ticks from 0 for a count axis: the step is the smallest of 1, 2, 5,
    10, 20, 50 … that reaches the largest value in five steps (so a rate on the second axis,
    0–100 %, gets ticks every 20 %)."""
    largest = max([value for value in values if value is not None] or [0])
    step, factor = 1, 1
    while step * TICK_STEPS < largest:
        for multiple in (2, 5, 10):
            step = multiple * factor
            if step * TICK_STEPS >= largest:
                break
        factor *= 10
    return [index * step for index in range(TICK_STEPS + 1)]


TICK_STEPS = 5


Link = tuple[str, str]     # (address, accessible name)


def _linked(values: list, links: list[Link] | None) -> list:
    """Each value drawn inside a real <a> (SVG), named for screen readers."""
    if not links:
        return values
    return [{"value": value, "xlink": {"href": href, "target": "_top", "aria-label": name}}
            for value, (href, name) in zip(values, links, strict=True)]


def _counts_and_rates(chart, counts: dict[str, list], rates: dict[str, list] | None,
                      links: dict[str, list[Link]] | None = None):
    """Counts on the left axis with whole-number ticks; rates (percent) on the right axis,
    from 0 to 100. `links`: per count series, a link for each of its values."""
    ticks = integer_ticks([value for values in counts.values() for value in values])
    chart.y_labels = ticks
    chart.range = (0, ticks[-1])
    for name, values in counts.items():
        chart.add(name, _linked(values, (links or {}).get(name)))
    for name, values in (rates or {}).items():
        chart.add(name, values, secondary=True)
    return chart


# Drawn charts kept per process, by their inputs: pygal spends most of a page's time
# setting up each chart, and a page is mostly asked for again with the same figures. The
# SVG carries no request's data (the nonce is added to it afterwards), so it is shared.
DRAWN_KEPT = 64
_drawn: OrderedDict[str, str] = OrderedDict()
_drawn_lock = Lock()


def _kept(draw: Callable[..., str]) -> Callable[..., str]:
    """`draw`, answered from the charts drawn before with the same inputs (the most
    recently used DRAWN_KEPT of them). The inputs are keyed by their repr, which tells
    1 from 1.0 and keeps the order of the series."""
    @wraps(draw)
    def drawn(*args, **kwargs) -> str:
        key = repr((draw.__name__, args, sorted(kwargs.items())))
        with _drawn_lock:
            if key in _drawn:
                _drawn.move_to_end(key)
                return _drawn[key]
        svg = draw(*args, **kwargs)
        with _drawn_lock:
            _drawn[key] = svg
            while len(_drawn) > DRAWN_KEPT:
                _drawn.popitem(last=False)
        return svg
    return drawn


@_kept
def trend(title: str, months: list[str], series: dict[str, list],
          rates: dict[str, list] | None = None,
          links: dict[str, list[Link]] | None = None) -> str:
    """Lines over months; None values leave gaps. `series` are counts, `rates` percentages
    drawn against their own axis."""
    chart = pygal.Line(**_options(title=title, x_label_rotation=30, show_minor_x_labels=True,
                                  secondary_range=(0, 100)))
    chart.x_labels = months
    return _svg(_counts_and_rates(chart, series, rates, links))


@_kept
def bars(title: str, labels: list[str], series: dict[str, list],
         rates: dict[str, list] | None = None,
         links: dict[str, list[Link]] | None = None) -> str:
    chart = pygal.Bar(**_options(title=title, x_label_rotation=30 if len(labels) > 5 else 0,
                                 secondary_range=(0, 100)))
    chart.x_labels = labels
    return _svg(_counts_and_rates(chart, series, rates, links))
