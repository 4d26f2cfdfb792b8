"""司法部《人民调解工作统计报表》 as an XLSX beside the statistics XLSX: a row per dispute type
under the total, the columns the form asks for that the system has data for (source: the
report items as 哈尔滨市志·司法行政·人民调解工作 (2003) prints them, "调解各类纠纷…件，调解
成功率…%，防止民转刑案件…件…人，制止群体斗殴…件，制止群众集体上访…件…人",
http://117.78.9.86:8080/was40/print?back=-2&channelid=33295&record=176; the agreement forms
of 人民调解法 第二十八条; 司法确认 of 第三十三条), titled with region, period and time.

October 2026, one district (people's mediation):
  A  neighbours, oral agreement, success 10-10; prevented 民转刑 1 case 2 people
  B  neighbours, written agreement 1,200.00, success 10-11; 司法确认 applied 10-12,
     confirmed as valid 10-20
  C  labour, written agreement 1,200.00, success 10-13; 司法确认 applied 10-14, rejected 10-22
  D  neighbours, failure 10-15; prevented 群体性上访 1 case 20 people
Total: mediated 4, success 3, oral 1, written 2, applied 2, confirmed 1, rejected 1.
Neighbours: mediated 3, success 2, oral 1, written 1, applied 1, confirmed 1."""

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from mediation_app.agreements import services as agreements
from mediation_app.handlings.catalog import catalog
from mediation_app.handlings.prevention import Prevented
from mediation_app.handlings.rulings import Ruling, record_ruling
from mediation_app.handlings.services import fire_transition
from mediation_app.referrals.services import accept_referral, send_referral
from mediation_app.stats import views

from ..factories import reason_for

NOW = datetime(2026, 11, 15, 4, 0)
OCTOBER = "start=2026-10-01&end=2026-10-31"


def at(day: int) -> datetime:
    return datetime(2026, 10, day, 4, 0)


def _mediating(make, mediator, day, **overrides):
    case = make.case(by=mediator, now=at(day), **overrides)
    fire_transition(make.session, case, "accept", actor=mediator, now=at(day))
    fire_transition(make.session, case, "start_mediation", actor=mediator, now=at(day))
    make.session_record(case, mediator)
    return case


def _written(make, mediator, day, **overrides):
    case = _mediating(make, mediator, day, **overrides)
    make.sign_everyone(make.agreement(case, mediator), case, mediator, now=at(day))
    fire_transition(make.session, case, "close_success", actor=mediator, now=at(day))
    return case


def _confirmation(make, issuer, case, mediator, court, clerk, *, sent, ruled, confirmed):
    referral = send_referral(make.session, catalog(), case, kind="judicial_confirmation",
                             to_institution=court, reason="双方共同申请司法确认",
                             actor=mediator, now=at(sent), accept_working_days=3, issuer=issuer)
    accept_referral(make.session, catalog(), referral, actor=clerk, now=at(sent))
    fire_transition(make.session, case, "accept", actor=clerk, now=at(sent))
    record_ruling(make.session, issuer, case, Ruling(
        confirmed=confirmed, number=f"（2026）苏0812民特{ruled}号", dated_on=date(2026, 10, ruled),
        judge="王审判", clerk="李书记", reasoning="" if confirmed else "协议内容违反法律规定。"),
        actor=clerk, now=at(ruled))


@pytest.fixture
def district(make, issuer):
    region = make.district(name="清江浦区")
    mediator = make.user(institution=make.institution(region=region))
    court = make.institution(kind="court", region=region, name="清江浦区人民法院")
    clerk = make.user(role="liaison", institution=court)
    a = _mediating(make, mediator, 10)
    agreements.record_oral_agreement(make.session, a, agreements.AgreementDraft(
        facts="排水沟堵塞。", matters="双方均有责任。", clauses=["双方共同清理排水沟。"],
        amount=None, performance_manner="当场履行", performance_deadline=date(2026, 10, 10)),
        actor=mediator, now=at(10))
    fire_transition(make.session, a, "close_success", actor=mediator, now=at(10),
                    prevented=Prevented(criminal_cases=1, criminal_people=2))
    b = _written(make, mediator, 11)
    _confirmation(make, issuer, b, mediator, court, clerk, sent=12, ruled=20, confirmed=True)
    c = _written(make, mediator, 13, dispute_type="labour")
    _confirmation(make, issuer, c, mediator, court, clerk, sent=14, ruled=22, confirmed=False)
    d = _mediating(make, mediator, 15)
    fire_transition(make.session, d, "close_failure", actor=mediator, now=at(15),
                    reason=reason_for(d, "close_failure"),
                    prevented=Prevented(petition_cases=1, petition_people=20))
    make.commit()
    return region


@pytest.fixture
def workbook(make, login, district, monkeypatch):
    monkeypatch.setattr(views, "utcnow", lambda: NOW)      # 2026-11-15 12:00 in Beijing
    reader = make.user(role="committee",
                       institution=make.institution(kind="committee", region=district))
    make.commit()
    response = login(reader).get(f"/stats/ministry-report.xlsx?{OCTOBER}")
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.data))


def _columns(sheet) -> dict[str, dict[str, object]]:
    """{row name: {header: value}} below the header row (row 4)."""
    header = [cell.value for cell in sheet[4]]
    return {row[0]: dict(zip(header, row, strict=True))
            for row in sheet.iter_rows(min_row=5, values_only=True)}


def test_the_report_is_a_named_sheet_titled_with_region_period_and_time(workbook):
    sheet = workbook["人民调解工作统计报表"]
    assert workbook.sheetnames == ["人民调解工作统计报表"]
    assert sheet["A1"].value == "清江浦区人民调解工作统计报表"
    assert "2026年10月1日" in sheet["A2"].value and "2026年10月31日" in sheet["A2"].value
    assert "2026年11月15日 12:00" in sheet["A2"].value


def test_the_total_counts_agreements_by_form_and_the_rulings(workbook):
    total = _columns(workbook.active)["合计"]
    assert (total["调解纠纷（件）"], total["调解成功（件）"], total["口头协议（件）"],
            total["书面协议（件）"]) == (4, 3, 1, 2)
    assert (total["申请司法确认（件）"], total["司法确认有效（件）"],
            total["司法确认驳回（件）"]) == (2, 1, 1)


def test_the_total_carries_what_the_mediations_prevented(workbook):
    total = _columns(workbook.active)["合计"]
    assert (total["防止民转刑案件（件）"], total["防止民转刑案件（人）"],
            total["防止群体性上访（件）"], total["防止群体性上访（人）"],
            total["防止群体性械斗（件）"]) == (1, 2, 1, 20, 0)


def test_each_dispute_type_has_its_row_even_without_cases(workbook):
    rows = _columns(workbook.active)
    neighbours, labour = rows["邻里纠纷"], rows["劳动争议 / 欠薪"]
    assert (neighbours["调解纠纷（件）"], neighbours["调解成功（件）"], neighbours["口头协议（件）"],
            neighbours["司法确认有效（件）"]) == (3, 2, 1, 1)
    assert (labour["书面协议（件）"], labour["司法确认驳回（件）"]) == (1, 1)
    assert len(rows) == 1 + 16


def test_the_success_rate_is_a_percentage_cell(workbook):
    sheet = workbook.active
    header = [cell.value for cell in sheet[4]]
    cell = sheet.cell(row=5, column=header.index("调解成功率") + 1)
    assert (cell.value, cell.number_format) == (0.75, "0.00%")


def test_a_mediator_reads_the_report_of_their_own_institution_only(make, login, district,
                                                                   monkeypatch):
    monkeypatch.setattr(views, "utcnow", lambda: NOW)
    elsewhere = make.user(institution=make.institution(region=district))
    make.commit()
    response = login(elsewhere).get(f"/stats/ministry-report.xlsx?{OCTOBER}")
    total = _columns(load_workbook(io.BytesIO(response.data)).active)["合计"]
    assert (total["调解纠纷（件）"], total["口头协议（件）"], total["申请司法确认（件）"],
            total["防止民转刑案件（件）"]) == (0, 0, 0, 0)
