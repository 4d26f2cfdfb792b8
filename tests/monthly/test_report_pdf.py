"""The monthly PDF and the figures frozen with it."""

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from mediation_app.casefile.models import Case
from mediation_app.deadlines.models import Escalation
from mediation_app.directory.models import Region
from mediation_app.documents.rendering import cn_amount
from mediation_app.domain.idcard import mask_id_number, mask_phone
from mediation_app.monthly import services
from mediation_app.monthly.figures import Settings, figures_dict
from mediation_app.monthly.models import MonthlyReport
from mediation_app.monthly.services import generate_monthly_report
from mediation_app.stats.definitions import month_period
from mediation_app.stats.queries import Scope, statistics
from mediation_app.storage import Storage

from ..factories import id_number
from .helpers import MONTH, RUN_AT, at, build_world, handling_of

HEADLINE_ROWS = ("受理纠纷", "调解终结", "调解成功", "调解不成", "调解成功率", "涉及当事人",
                 "协议涉及金额（元）", "超期未结")


def generate(app, session, world, **extra):
    region = session.get(Region, world.district_id)
    report = generate_monthly_report(session, region=region, month=MONTH,
                                     issuer_storage=Storage(app.config["MEDIATION_STORAGE"]),
                                     now=extra.pop("now", RUN_AT), settings=Settings(), **extra)
    session.commit()
    return report


def read_pdf(app, report) -> bytes:
    return Storage(app.config["MEDIATION_STORAGE"]).read(report.storage_key)


def test_monthly_pdf_text_contains_the_months_headline_figures(app, session, make, pdf_text):
    world = build_world(make)
    region = session.get(Region, world.district_id)
    expected = statistics(session, month_period(MONTH), Scope(region=region), now=RUN_AT).totals
    report = generate(app, session, world)
    text = pdf_text(read_pdf(app, report))
    printed = {name: match.group(1) for name in HEADLINE_ROWS
               if (match := re.search(rf"^\s*{name}\s+(\S+)", text, re.MULTILINE))}
    assert printed == {
        "受理纠纷": str(expected.received), "调解终结": str(expected.concluded),
        "调解成功": str(expected.success), "调解不成": str(expected.failure),
        "调解成功率": f"{expected.success_rate}%", "涉及当事人": str(expected.parties),
        "协议涉及金额（元）": cn_amount(expected.agreement_amount),
        "超期未结": str(expected.overdue)}
    assert (expected.received, expected.success, expected.failure, expected.overdue) == (7, 2, 1, 1)
    assert "清江浦区" in text and "2026年10月" in text


def test_monthly_pdf_embeds_a_chinese_font_and_shows_every_section(app, session, make,
                                                                    pdf_text, pdf_fonts):
    report = generate(app, session, build_world(make))
    content = read_pdf(app, report)
    assert "CJK" in pdf_fonts(content)
    text = pdf_text(content)
    for heading in ("主要指标", "分渠道情况", "分纠纷类型情况", "分地区情况", "分机构情况",
                    "移交", "超期及督办案件", "重大风险（群体性）案件", "近十二个月趋势"):
        assert heading in text
    for channel in ("人民调解", "行政调解", "司法调解"):
        assert channel in text
    assert "浦楼街道人民调解委员会" in text and "征地拆迁" in text


def test_frozen_figures_are_the_statistics_of_the_month(app, session, make):
    world = build_world(make)
    region = session.get(Region, world.district_id)
    period, scope = month_period(MONTH), Scope(region=region)
    report = generate(app, session, world)
    figures = report.figures
    assert figures["totals"] == figures_dict(statistics(session, period, scope, now=RUN_AT).totals)
    last_year = statistics(session, month_period("2025-10"), scope, now=RUN_AT).totals
    assert figures["last_year"] == figures_dict(last_year)
    assert figures["previous"]["received"] == 0
    assert [row["key"] for row in figures["groups"]["channel"]] == [
        "peoples", "administrative", "judicial"]
    assert [row["name"] for row in figures["groups"]["region"]] == ["浦楼街道"]
    assert figures["trend"]["months"][-1] == MONTH and len(figures["trend"]["months"]) == 12


def test_major_risk_and_overdue_cases_are_listed(app, session, make):
    world = build_world(make)
    figures = generate(app, session, world).figures
    risky = {item["parties"]: item["major"] for item in figures["major_risk"]["items"]}
    assert risky == {31: True, 6: False} and figures["major_risk"]["major"] == 1
    assert [item["deadline_at"] for item in figures["overdue_cases"]["items"]] == [
        "2026-10-16T09:00"]


def test_numbers_written_in_a_listed_summary_are_masked_in_figures_and_pdf(app, session, make,
                                                                          pdf_text, pdf_fonts):
    """The committee reads its region masked, in the report as on pages."""
    world = build_world(make)
    number, phone = id_number(), "13912345678"
    session.get(Case, world.case_ids["major"]).summary = f"征地补偿（代表{number}，{phone}）"
    report = generate(app, session, world)
    [major] = [item for item in report.figures["major_risk"]["items"] if item["major"]]
    assert major["summary"] == f"征地补偿（代表{mask_id_number(number)}，{mask_phone(phone)}）"
    text = pdf_text(read_pdf(app, report))
    assert number not in text and phone not in text


def test_escalations_of_the_month_are_listed(app, session, make, pdf_text):
    world = build_world(make)
    handling = handling_of(session, world.case_ids["late"])
    session.add(Escalation(case_id=world.case_ids["late"], handling_id=handling.id,
                           deadline_at=handling.deadline_at, escalated_at=at(17)))
    session.commit()
    report = generate(app, session, world)
    assert len(report.figures["escalations"]["items"]) == 1
    assert "本月督办案件（1 件）" in pdf_text(read_pdf(app, report))


def test_a_report_that_cannot_be_recorded_leaves_no_file(app, session, make, monkeypatch):
    world = build_world(make)
    generate(app, session, world)
    stored = sorted((Storage(app.config["MEDIATION_STORAGE"]).root / "reports").rglob("*"))
    monkeypatch.setattr(services, "latest_report", lambda *args: None)  # claims version 1 again
    with pytest.raises(IntegrityError):
        generate(app, session, world)
    session.rollback()
    assert sorted((Storage(app.config["MEDIATION_STORAGE"]).root / "reports").rglob("*")) == stored
    assert session.scalar(select(func.count()).select_from(MonthlyReport)) == 1
