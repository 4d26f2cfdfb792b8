"""The charts of the statistics page are drawn inline: each bar (and each point of the trend)
is a real SVG link, named in Chinese, to the case list narrowed to exactly the cases it
counts; beside each chart a table gives its figures, each linked the same way, and so are
the summary cards and the grouped table. The world is the hand-computed
district of tests/stats/test_figures.py (October 2026):

  A  success 10-10 · B failure 10-12 · W withdrawn 10-08 · N accepted 10-21
  R  accepted by the police 10-02 (administrative), referred, accepted by the committee
     10-05 (people's mediation), success 10-15
  O  accepted 09-21, overdue at the end of October · S success 09-25

so, for instance, people's mediation's successes are A and R, the police's received R, and
neighbour disputes' received counts six handlings of five cases (R twice)."""

import re
from datetime import date
from html import unescape

import pytest
from flask import g, url_for
from sqlalchemy import select

from mediation_app.auth.models import User
from mediation_app.casefile.models import Case
from mediation_app.cases import views as case_views
from mediation_app.directory.models import Institution
from mediation_app.stats import views
from tests.factories import PASSWORD

from .test_figures import NOW, _mediate, at, district  # noqa: F401  (the hand-computed district)

OCTOBER = "start=2026-10-01&end=2026-10-31"
FILED = {at(10, 2): "A", at(10, 4): "B", at(10, 6): "W", at(10, 1): "R", at(10, 20): "N",
         at(9, 20): "O", at(9, 1): "S"}


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


def _table(page: str, chart: str) -> dict[tuple[str, int], tuple[str, str]]:
    """{(row name, column): (count shown, link)} of a chart's figure table."""
    table = page.split(f'id="chart-{chart}-figures"')[1].split("</table>")[0]
    found = {}
    for row in re.findall(r"<tr><th>(.*?)</th>(.*?)</tr>", table, re.S):
        for column, (href, count) in enumerate(re.findall(r'<a href="([^"]+)">([^<]*)</a>',
                                                          row[1])):
            found[(row[0], column)] = (count, unescape(href))
    return found


def _bars(page: str, chart: str) -> list[tuple[str, int, str]]:
    """(accessible name, count it names, link) of each <a> in a chart's SVG."""
    svg = page.split(f'aria-describedby="chart-{chart}-figures">')[1].split("</svg>")[0]
    return [(unescape(name), int(count), unescape(href)) for name, count, href in re.findall(
        r'<a target="_top" aria-label="([^"]*：(\d+)[^"]*)" xlink:href="([^"]+)">', svg)]


def _listed(client, href: str, letters: dict) -> set[str]:
    page = client.get(href).get_data(as_text=True)
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    return {letters[int(case_id)] for case_id in re.findall(r'href="/cases/(\d+)"', rows)}


@pytest.fixture(autouse=True)
def case_list_now(monkeypatch):
    """The case list judges 超期 at the same moment as the statistics page."""
    monkeypatch.setattr(case_views, "utcnow", lambda: NOW)


@pytest.fixture
def page(reader):
    return reader.get(f"/stats/?{OCTOBER}").get_data(as_text=True)


SUCCESS, FAILURE, RECEIVED, OVERDUE = range(4)


def test_each_bar_of_the_channels_chart_has_a_linked_count(page):
    table = _table(page, "channels")
    assert {name for name, _column in table} == {"人民调解", "行政调解"}
    assert table[("人民调解", SUCCESS)][0] == "2" and table[("行政调解", RECEIVED)][0] == "1"


def test_a_channels_success_lists_exactly_its_successful_cases(page, reader, letters):
    count, href = _table(page, "channels")[("人民调解", SUCCESS)]
    assert _listed(reader, href, letters) == {"A", "R"} and count == "2"


def test_the_police_received_count_lists_the_case_it_accepted(page, reader, letters):
    count, href = _table(page, "channels")[("行政调解", RECEIVED)]
    assert _listed(reader, href, letters) == {"R"} and count == "1"


def test_the_failure_and_overdue_bars_list_their_cases(page, reader, letters):
    table = _table(page, "channels")
    assert _listed(reader, table[("人民调解", FAILURE)][1], letters) == {"B"}
    assert _listed(reader, table[("人民调解", OVERDUE)][1], letters) == {"O"}


def test_a_dispute_type_bar_lists_the_cases_of_its_counted_handlings(page, reader, letters):
    count, href = _table(page, "types")[("邻里纠纷", RECEIVED)]
    assert count == "6"        # R was received twice: by the police and by the committee
    assert _listed(reader, href, letters) == {"A", "B", "W", "R", "N"}


def test_the_region_bar_lists_the_districts_successes(page, reader, letters):
    table = _table(page, "regions")
    (name,) = {name for name, _column in table}
    assert _listed(reader, table[(name, SUCCESS)][1], letters) == {"A", "R"}


def test_a_month_of_the_trend_lists_the_cases_concluded_in_that_month(page, reader, letters):
    table = _table(page, "trend")
    october, september = table[("2026-10", 1)], table[("2026-09", 1)]
    assert (october[0], _listed(reader, october[1], letters)) == ("3", {"A", "B", "R"})
    assert (september[0], _listed(reader, september[1], letters)) == ("1", {"S"})


def test_the_charts_are_named_and_described_by_their_tables(page):
    assert ('<div class="chart" role="group" aria-label="按调解渠道" '
            'aria-describedby="chart-channels-figures"><svg') in page


def test_each_bar_of_a_chart_is_a_link_named_in_chinese(page):
    bars = _bars(page, "channels")
    assert len(bars) == 8                  # two channels × success, failure, received, overdue
    assert ("人民调解，调解成功：2，查看这些案件" in [name for name, _count, _href in bars])
    assert all(href.startswith("/cases/?") for _name, _count, href in bars)


def test_every_bar_of_the_channels_chart_lists_as_many_cases_as_it_counts(page, reader,
                                                                          letters):
    for name, count, href in _bars(page, "channels"):
        assert len(_listed(reader, href, letters)) == count, name


def test_the_region_bars_of_outcomes_and_overdue_list_as_many_cases_as_they_count(
        page, reader, letters):
    for name, count, href in _bars(page, "regions"):
        if "受理案件" not in name:     # received counts R's two handlings: one case
            assert len(_listed(reader, href, letters)) == count, name


def test_a_point_of_the_trend_links_to_the_cases_concluded_that_month(page, reader, letters):
    (href,) = [href for name, _count, href in _bars(page, "trend")
               if name.startswith("2026-09，办结案件")]
    assert _listed(reader, href, letters) == {"S"}


def test_a_bar_copied_to_a_reader_elsewhere_lists_none_of_the_districts_cases(
        page, make, app, letters):
    stranger = make.user(role="committee", institution=make.institution(kind="committee"))
    make.commit()
    (href,) = [href for name, _count, href in _bars(page, "channels")
               if name.startswith("人民调解，调解成功")]
    g.pop("_login_user", None)  # the test's app context outlives the reader's requests
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"username": stranger.username, "password": PASSWORD})
    assert _listed(elsewhere, href, letters) == set()


def test_the_committees_mediator_reads_links_to_their_own_cases_only(
        make, session, login, district, monkeypatch, letters):  # noqa: F811
    monkeypatch.setattr(views, "utcnow", lambda: NOW)
    mediator = session.scalar(select(User).join(Institution).where(
        User.role == "mediator", Institution.region_id == district.id,
        Institution.kind == "peoples_committee"))
    client = login(mediator)
    table = _table(client.get(f"/stats/?{OCTOBER}").get_data(as_text=True), "channels")
    assert {name for name, _column in table} == {"人民调解"}
    assert _listed(client, table[("人民调解", SUCCESS)][1], letters) == {"A", "R"}


def test_the_committees_mediator_bars_list_as_many_cases_as_they_count(
        session, login, district, monkeypatch, letters):  # noqa: F811
    monkeypatch.setattr(views, "utcnow", lambda: NOW)
    mediator = session.scalar(select(User).join(Institution).where(
        User.role == "mediator", Institution.region_id == district.id,
        Institution.kind == "peoples_committee"))
    client = login(mediator)
    bars = _bars(client.get(f"/stats/?{OCTOBER}").get_data(as_text=True), "channels")
    assert {name.split("，")[0] for name, _count, _href in bars} == {"人民调解"}
    for name, count, href in bars:
        assert len(_listed(client, href, letters)) == count, name


def test_a_mediator_elsewhere_gets_no_links_to_the_districts_cases(make, login, district,  # noqa: F811
                                                                  monkeypatch):
    monkeypatch.setattr(views, "utcnow", lambda: NOW)
    stranger = make.user(institution=make.institution(region=district))
    make.commit()
    page = login(stranger).get(f"/stats/?{OCTOBER}").get_data(as_text=True)
    assert _table(page, "channels") == {} and _bars(page, "channels") == []


def test_the_districts_own_region_bar_leaves_out_the_towns_below_it(
        make, session, reader, district, letters):  # noqa: F811
    mediator = session.scalar(select(User).join(Institution).where(
        User.role == "mediator", Institution.region_id == district.id,
        Institution.kind == "peoples_committee"))
    town = make.region(level="town", parent=district)
    t = make.case(by=mediator, region=town, now=at(10, 3))
    _mediate(make, t, mediator, accepted=at(10, 4), concluded=at(10, 9),
             outcome="close_success")
    make.commit()
    table = _table(reader.get(f"/stats/?{OCTOBER}").get_data(as_text=True), "regions")
    letters = {**letters, t.id: "T"}
    assert _listed(reader, table[(district.name, SUCCESS)][1], letters) == {"A", "R"}
    assert _listed(reader, table[(town.name, SUCCESS)][1], letters) == {"T"}


def test_the_inline_charts_give_no_id_twice_on_the_page(page):
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_the_inline_charts_are_styled_under_the_page_policy_without_unsafe_inline(reader):
    """Each chart's <style> carries the nonce the page's Content-Security-Policy names;
    the policy admits no other inline style, and no element is styled inline."""
    answer = reader.get(f"/stats/?{OCTOBER}")
    policy = answer.headers["Content-Security-Policy"]
    page = answer.get_data(as_text=True)
    [style_src] = [part for part in policy.split(";") if part.strip().startswith("style-src")]
    nonces = set(re.findall(r'<style nonce="([^"]+)"', page))
    assert "'unsafe-inline'" not in style_src
    assert len(nonces) == 1 and f"'nonce-{nonces.pop()}'" in style_src
    assert page.count("<style") == page.count("<style nonce=")
    assert 'style="' not in page.split('<div class="chart"', 1)[1]


# --- the summary cards and the grouped table link the same way as the charts -------------

CARDS = {"受理案件": "received", "办结案件": "concluded", "调解成功": "success",
         "调解不成": "failure", "撤回": "withdrawn", "移交": "transferred", "超期案件": "overdue"}
OCTOBER_CASES = {"received": {"A", "B", "W", "R", "N"}, "concluded": {"A", "B", "R"},
                 "success": {"A", "R"}, "failure": {"B"}, "withdrawn": {"W"},
                 "transferred": {"R"}, "overdue": {"O"}}
GROUPED = ("received", "concluded", "success", "failure", "withdrawn", "transferred",
           "overdue")     # the linked columns of the grouped table, in order


def _cards(page: str) -> dict[str, tuple[str, str]]:
    """{figure: (count shown, link)} of the summary cards that count cases."""
    found = re.findall(r'<div class="card metric"><span>([^<]+)</span><strong>'
                       r'<a href="([^"]+)">([^<]*)</a>', page)
    return {CARDS[name]: (count, unescape(href)) for name, href, count in found
            if name in CARDS}


def _grouped(page: str) -> dict[tuple[str, str], tuple[str, str]]:
    """{(row name, figure): (count shown, link)} of the grouped figures table."""
    table = page.split('id="figures-by-group"')[1].split("<tbody>")[1].split("</tbody>")[0]
    found = {}
    for name, cells in re.findall(r"<tr><th>(.*?)</th>(.*?)</tr>", table, re.S):
        links = re.findall(r'<a href="([^"]+)">([^<]*)</a>', cells)
        for figure, (href, count) in zip(GROUPED, links, strict=True):
            found[(name, figure)] = (count, unescape(href))
    return found


def test_each_card_lists_exactly_the_cases_it_counts(page, reader, letters):
    cards = _cards(page)
    assert set(cards) == set(OCTOBER_CASES)
    for figure, (_count, href) in cards.items():
        assert _listed(reader, href, letters) == OCTOBER_CASES[figure], figure


def test_each_card_of_distinct_cases_lists_as_many_cases_as_it_shows(page, reader, letters):
    for figure, (count, href) in _cards(page).items():
        if figure != "received":     # R was received twice: two handlings, one case
            assert len(_listed(reader, href, letters)) == int(count), figure


def test_the_cards_link_to_the_case_list_not_the_old_statistics_list(page):
    assert all(href.startswith("/cases/?") for _count, href in _cards(page).values())
    assert "/stats/cases" not in page


def test_a_card_keeps_the_pages_channel_filter(reader, letters):
    page = reader.get(f"/stats/?{OCTOBER}&channel=administrative").get_data(as_text=True)
    cards = _cards(page)
    assert _listed(reader, cards["received"][1], letters) == {"R"}
    assert _listed(reader, cards["success"][1], letters) == set()
    assert (cards["received"][0], cards["success"][0]) == ("1", "0")


def test_each_figure_of_the_table_by_channel_lists_exactly_its_cases(reader, letters):
    table = _grouped(reader.get(f"/stats/?{OCTOBER}&by=channel").get_data(as_text=True))
    listed = {key: _listed(reader, href, letters) for key, (_count, href) in table.items()}
    assert listed[("人民调解", "success")] == {"A", "R"}
    assert listed[("人民调解", "received")] == {"A", "B", "W", "R", "N"}
    assert listed[("人民调解", "overdue")] == {"O"}
    assert listed[("行政调解", "received")] == {"R"}
    assert listed[("行政调解", "transferred")] == {"R"}
    assert listed[("行政调解", "success")] == set()
    for (name, figure), (count, _href) in table.items():
        assert len(listed[(name, figure)]) == int(count), (name, figure)


def test_the_table_by_institution_lists_each_institutions_own_cases(reader, letters):
    table = _grouped(reader.get(f"/stats/?{OCTOBER}&by=institution").get_data(as_text=True))
    by_count = {name: _listed(reader, href, letters)
                for (name, figure), (_count, href) in table.items() if figure == "received"}
    assert sorted(by_count.values(), key=len) == [{"R"}, {"A", "B", "W", "R", "N"}]


def test_a_month_of_the_table_by_month_lists_the_cases_of_that_month(reader, letters):
    page = reader.get("/stats/?start=2026-09-01&end=2026-10-31&by=month").get_data(
        as_text=True)
    table = _grouped(page)
    assert _listed(reader, table[("2026-09", "success")][1], letters) == {"S"}
    assert _listed(reader, table[("2026-10", "success")][1], letters) == {"A", "R"}
    assert _listed(reader, table[("2026-09", "received")][1], letters) == {"O", "S"}


def test_a_figures_address_is_the_one_url_for_builds(app, make, district):  # noqa: F811
    scope = views.Scope(region=district, institution_id=7, channel="peoples",
                        dispute_type="neighbour")
    period = views.Period(date(2026, 10, 1), date(2026, 10, 31))
    extra = {"region_id": 3, "region_only": 1, "handling_channel": None}
    with app.test_request_context("/stats/"):
        built = views._case_list_link(scope)("overdue", period, extra)
        expected = url_for("cases.index",
                           **{**views.counted_args("overdue", period, scope), **extra})
    assert built == expected and "region_only=1" in built
