"""The statistics charts: counts and rates on separate axes, whole-number ticks for
counts, 超期 labelled with the day it is judged at. Figures are those of
tests/stats/test_figures.py (October 2026: 6 received, success rate 66.67 %)."""

import re
from datetime import datetime

import pytest

from mediation_app.stats import charts, views
from mediation_app.stats.charts import integer_ticks

from .test_figures import NOW, district  # noqa: F401  (the hand-computed district)

OCTOBER = "start=2026-10-01&end=2026-10-31"


@pytest.fixture
def reader(make, district, monkeypatch):  # noqa: F811
    monkeypatch.setattr(views, "utcnow", lambda: NOW)      # 2026-11-15 12:00 in Beijing
    user = make.user(role="committee",
                     institution=make.institution(kind="committee", region=district))
    make.commit()
    return user


def _axis(svg: str, name: str) -> list[str]:
    found = re.search(rf'<g class="axis {name}[ "].*?</g>\s*</g>', svg, re.DOTALL)
    return re.findall(r"<text[^>]*>([^<]*)</text>", found.group(0)) if found else []


def _chart(client, name: str, query: str = OCTOBER) -> str:
    response = client.get(f"/stats/charts/{name}.svg?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_count_ticks_are_whole_numbers_in_five_round_steps():
    assert [integer_ticks([n]) for n in (0, 3, 6, 11, 99)] == [
        [0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5], [0, 2, 4, 6, 8, 10], [0, 5, 10, 15, 20, 25],
        [0, 20, 40, 60, 80, 100]]


def test_the_trend_counts_have_whole_number_ticks_up_to_the_largest_count(login, reader):
    """Six handlings received in October: the count axis ends at 10, not at the 66.67 %
    of the success rate."""
    svg = _chart(login(reader), "trend")
    assert _axis(svg, "y") == ["0", "2", "4", "6", "8", "10"]


def test_the_success_rate_has_its_own_axis_from_0_to_100(login, reader):
    svg = _chart(login(reader), "trend")
    assert _axis(svg, "y2") == ["0", "20", "40", "60", "80", "100"]


def test_bar_charts_count_in_whole_numbers(login, reader):
    svg = _chart(login(reader), "channels")
    assert all(label.isdigit() for label in _axis(svg, "y")) and _axis(svg, "y")


def test_overdue_is_labelled_with_the_period_end_for_a_past_period(login, reader):
    assert "超期（截至2026年10月31日）" in _chart(login(reader), "channels")


def test_overdue_is_labelled_with_today_while_the_period_runs(login, reader, monkeypatch):
    monkeypatch.setattr(views, "utcnow", lambda: datetime(2026, 10, 20, 18, 0))  # 21st, Beijing
    assert "超期（截至2026年10月21日）" in _chart(login(reader), "types")


def test_the_overdue_card_says_the_day_it_is_judged_at(login, reader):
    html = login(reader).get(f"/stats/?{OCTOBER}").get_data(as_text=True)
    card = html[html.index("超期案件"):][:400]
    assert "截至2026年10月31日" in card


def _drawn_bars(received: list[int]) -> str:
    return charts.bars("By channel", ["People's mediation", "Judicial mediation"],
                       {"Cases received": received},
                       links={"Cases received": [("/cases/?a=1", "one"), ("/cases/?a=2", "two")]})


def test_a_chart_drawn_again_with_the_same_inputs_is_the_same_svg(monkeypatch):
    monkeypatch.setattr(charts, "_drawn", charts.OrderedDict())
    first = _drawn_bars([3, 4])
    assert _drawn_bars([3, 4]) == first


def test_a_chart_with_other_values_is_drawn_anew(monkeypatch):
    monkeypatch.setattr(charts, "_drawn", charts.OrderedDict())
    first = _drawn_bars([3, 4])
    again = _drawn_bars([3, 5])
    assert again != first and _axis(again, "y") == ["0", "1", "2", "3", "4", "5"]


def test_the_process_keeps_only_the_most_recently_drawn_charts(monkeypatch):
    monkeypatch.setattr(charts, "_drawn", charts.OrderedDict())
    monkeypatch.setattr(charts, "DRAWN_KEPT", 2)
    for value in (1, 2, 3):
        _drawn_bars([value, 0])
    assert len(charts._drawn) == 2
