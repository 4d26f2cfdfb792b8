"""The case list's 统计口径 filters (the statistics page's links): the cases a figure counts
over a period, by the channel and institution of the counted handling; asked for but not
given whole, they list nothing (never more than the figure) and say why, in Chinese. The
world is the hand-computed district of tests/stats/test_figures.py (October 2026)."""

import re

import pytest
from sqlalchemy import select

from mediation_app.casefile.models import Case
from mediation_app.cases import views

from ..stats.test_figures import NOW, at, district  # noqa: F401  (the hand-computed district)

FILED = {at(10, 2): "A", at(10, 4): "B", at(10, 6): "W", at(10, 1): "R", at(10, 20): "N",
         at(9, 20): "O", at(9, 1): "S"}
OCTOBER = "counted_from=2026-10-01&counted_to=2026-10-31"


@pytest.fixture
def reader(make, login, district, monkeypatch):  # noqa: F811
    monkeypatch.setattr(views, "utcnow", lambda: NOW)
    user = make.user(role="committee",
                     institution=make.institution(kind="committee", region=district))
    make.commit()
    return login(user)


@pytest.fixture
def letters(session, district):  # noqa: F811
    return {case_id: FILED[filed] for case_id, filed in
            session.execute(select(Case.id, Case.filed_at))}


def _listed(page: str, letters: dict) -> set[str]:
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    return {letters[int(case_id)] for case_id in re.findall(r'href="/cases/(\d+)"', rows)}


def test_the_received_figure_of_a_channel_counts_the_handling_not_the_cases_channel(
        reader, letters):
    page = reader.get(f"/cases/?figure=received&{OCTOBER}&handling_channel=administrative")
    assert _listed(page.get_data(as_text=True), letters) == {"R"}   # R is 人民调解 now


def test_the_successes_of_a_period_are_the_cases_that_succeeded_in_it(reader, letters):
    page = reader.get(f"/cases/?figure=success&{OCTOBER}").get_data(as_text=True)
    assert _listed(page, letters) == {"A", "R"}


def test_a_figure_without_its_period_lists_nothing_and_asks_for_the_days(reader, letters):
    page = reader.get("/cases/?figure=success&counted_from=2026-10-01").get_data(as_text=True)
    assert _listed(page, letters) == set()
    assert "请填写统计期间的起止日期。" in page


def test_a_period_ending_before_it_starts_lists_nothing(reader, letters):
    page = reader.get("/cases/?figure=success&counted_from=2026-10-31&counted_to=2026-10-01")
    text = page.get_data(as_text=True)
    assert _listed(text, letters) == set() and "统计期间的结束日期早于开始日期。" in text


def test_an_unknown_figure_lists_nothing(reader, letters):
    page = reader.get(f"/cases/?figure=everything&{OCTOBER}").get_data(as_text=True)
    assert _listed(page, letters) == set()


def test_an_institution_outside_the_readers_region_lists_nothing(reader, letters, make):
    elsewhere = make.institution()
    make.commit()
    page = reader.get(f"/cases/?figure=success&{OCTOBER}&handling_institution_id={elsewhere.id}")
    assert _listed(page.get_data(as_text=True), letters) == set()
