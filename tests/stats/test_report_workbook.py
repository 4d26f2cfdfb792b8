"""The XLSX export is a report a reader can file: Chinese sheet names and headers, a title
with region, period and generation time (Beijing), set column widths, rates as percentage
cells, the referrals on a second sheet; no text can run as a formula. Figures are those of
tests/stats/test_figures.py (October 2026, computed by hand there)."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from mediation_app.directory.models import Institution
from mediation_app.stats import views

from .test_figures import NOW, district  # noqa: F401  (the hand-computed district)

OCTOBER = "start=2026-10-01&end=2026-10-31"


@pytest.fixture
def workbook(make, login, district, monkeypatch):  # noqa: F811
    monkeypatch.setattr(views, "utcnow", lambda: NOW)      # 2026-11-15 12:00 in Beijing
    reader = make.user(role="committee",
                       institution=make.institution(kind="committee", region=district))
    make.commit()

    def download(query: str = OCTOBER + "&by=channel"):
        response = login(reader).get(f"/stats/export.xlsx?{query}")
        assert response.status_code == 200
        return load_workbook(io.BytesIO(response.data))

    return download


def _row(sheet, number: int) -> list:
    return [cell.value for cell in sheet[number]]


def test_the_sheets_are_named_in_chinese(workbook):
    assert workbook().sheetnames == ["调解统计", "移交统计", "办结用时"]


def test_the_title_gives_the_region_the_period_and_the_time_in_beijing(workbook, district):  # noqa: F811
    sheet = workbook()["调解统计"]
    assert sheet["A1"].value == f"{district.name}矛盾纠纷调解统计报表"
    assert sheet["A2"].value == ("统计期间：2026年10月1日至2026年10月31日　"
                                 "生成时间：2026年11月15日 12:00（北京时间）")


def test_the_headers_are_chinese_and_date_the_overdue_figure(workbook):
    assert _row(workbook()["调解统计"], 4) == [
        "按调解渠道", "受理案件", "办结案件", "调解成功", "调解不成", "调解成功率", "稳定化解率",
        "撤回", "移交", "涉及当事人", "协议涉及金额（元）", "超期案件（截至2026年10月31日）",
        "受理至办结用时中位数（天）", "受理至办结用时90%分位数（天）",
        "防止民转刑案件（件）", "防止民转刑案件（人）", "防止群体性上访（件）", "防止群体性上访（人）",
        "防止群体性械斗（件）", "防止群体性械斗（人）"]


def test_the_total_row_holds_the_figures_and_durations(workbook):
    """Concluded in October: A and B after 7 days, R at the committee after 10: median 7,
    90th percentile 7 + 0.8 * 3 = 9.4; nothing recorded as prevented."""
    assert _row(workbook()["调解统计"], 5) == [
        "合计", 6, 3, 2, 1, pytest.approx(0.6667), pytest.approx(0.3333), 1, 1, 7, 1500.0, 1,
        7.0, 9.4, 0, 0, 0, 0, 0, 0]


def test_rates_are_percentage_cells_and_amounts_have_two_decimals(workbook):
    sheet = workbook()["调解统计"]
    assert (sheet["F5"].number_format, sheet["G5"].number_format) == ("0.00%", "0.00%")
    assert sheet["K5"].number_format == "#,##0.00"
    assert sheet["M5"].number_format == "0.0"


def test_each_group_has_its_row_under_its_chinese_name(workbook):
    sheet = workbook()["调解统计"]
    assert [_row(sheet, n)[:4] for n in (6, 7)] == [["行政调解", 1, 0, 0],
                                                    ["人民调解", 5, 3, 2]]


def test_the_columns_have_set_widths(workbook):
    sheet = workbook()["调解统计"]
    assert (sheet.column_dimensions["A"].width, sheet.column_dimensions["K"].width) == (24, 16)


def test_the_referral_table_is_on_the_second_sheet(workbook):
    sheet = workbook()["移交统计"]
    assert _row(sheet, 4)[:4] == ["类型", "移交机构", "接收机构", "发出移交"]
    assert _row(sheet, 5)[3:] == [1, 1, 0, 0, 0, 24.0]


def test_an_institution_name_that_looks_like_a_formula_stays_text(workbook, make, district):  # noqa: F811
    committee = make.session.scalars(select(Institution).where(
        Institution.region_id == district.id, Institution.kind == "peoples_committee")).one()
    committee.name = '=HYPERLINK("http://x","点我")'
    make.commit()
    sheet = workbook(OCTOBER + "&by=institution")["调解统计"]
    cell = next(c for c in sheet["A"] if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert (cell.value, cell.data_type) == ("'" + committee.name, "s")


def test_the_third_sheet_gives_the_durations_by_channel(workbook):
    sheet = workbook()["办结用时"]
    rows = [_row(sheet, n) for n in range(5, sheet.max_row + 1)]
    assert ["按调解渠道", "人民调解", 3, 7.0, 9.4] in rows
    assert rows[0] == ["合计", None, 3, 7.0, 9.4]
