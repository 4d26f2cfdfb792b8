"""The statistics page opens on this month (Beijing calendar) and offers 本月, 上月, 本季度
and 本年 as links that set the period."""

import re
from datetime import date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from mediation_app.stats import views
from mediation_app.stats.definitions import Period, shortcut_periods

# 2026-11-30 20:30 UTC is already 1 December 2026 in Beijing
LATE_NOVEMBER_UTC = datetime(2026, 11, 30, 20, 30)


@pytest.fixture
def reader(make):
    user = make.user(role="committee",
                     institution=make.institution(kind="committee", region=make.district()))
    make.commit()
    return user


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(views, "utcnow", lambda: LATE_NOVEMBER_UTC)


def _shortcut_periods(html: str) -> dict[str, tuple[str, str]]:
    nav = re.search(r'<nav class="period-shortcuts".*?</nav>', html, re.DOTALL).group(0)
    found = {}
    for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav):
        query = parse_qs(urlsplit(href.replace("&amp;", "&")).query)
        found[text] = (query["start"][0], query["end"][0])
    return found


def test_shortcuts_cover_whole_months_quarters_and_years():
    found = shortcut_periods(date(2027, 1, 5))
    assert found == {"this_month": Period(date(2027, 1, 1), date(2027, 1, 31)),
                     "last_month": Period(date(2026, 12, 1), date(2026, 12, 31)),
                     "this_quarter": Period(date(2027, 1, 1), date(2027, 3, 31)),
                     "this_year": Period(date(2027, 1, 1), date(2027, 12, 31))}


def test_the_page_opens_on_the_whole_of_this_month_in_beijing(login, reader, clock):
    html = login(reader).get("/stats/").get_data(as_text=True)
    assert 'value="2026-12-01"' in re.search(r'<input[^>]*name="start"[^>]*>', html).group(0)
    assert 'value="2026-12-31"' in re.search(r'<input[^>]*name="end"[^>]*>', html).group(0)
    assert "2026年12月1日 – 2026年12月31日" in html


def test_the_shortcut_links_set_their_periods(login, reader, clock):
    html = login(reader).get("/stats/").get_data(as_text=True)
    assert _shortcut_periods(html) == {"本月": ("2026-12-01", "2026-12-31"),
                                       "上月": ("2026-11-01", "2026-11-30"),
                                       "本季度": ("2026-10-01", "2026-12-31"),
                                       "本年": ("2026-01-01", "2026-12-31")}


def test_the_shortcut_links_keep_the_other_filters(login, reader, clock):
    html = login(reader).get("/stats/?by=channel&start=2026-05-01&end=2026-05-31") \
        .get_data(as_text=True)
    nav = re.search(r'<nav class="period-shortcuts".*?</nav>', html, re.DOTALL).group(0)
    assert nav.count("by=channel") == 4


def test_the_shortcut_of_the_period_shown_is_marked_current(login, reader, clock):
    html = login(reader).get("/stats/?start=2026-11-01&end=2026-11-30").get_data(as_text=True)
    assert re.search(r'<a href="[^"]*"\s+aria-current="page">上月</a>', html)
