"""A ledger as a township clerk types it: Chinese headers, values as the interface shows
them (人民调解, 邻里纠纷, 成功), dates and amounts written the usual ways; its problems are
reported in Chinese; the blank ledger to download has drop-down lists of the allowed values."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from mediation_app.casefile.models import Case, Handling
from mediation_app.db import utcnow
from mediation_app.extensions import db
from mediation_app.handlings.catalog import catalog
from mediation_app.ledger import jobs
from mediation_app.ledger.services import import_ledger, read_csv, read_xlsx

NOW = datetime(2026, 6, 1, 2, 0)
HEADER = "案号,机构代码,调解渠道,案件来源,纠纷类型,地区代码,受理日期,调解结果,办结日期,当事人数,涉及金额,协议金额,纠纷摘要,当事人"


def _typed_by_a_clerk(world) -> str:
    code = world.committee.code
    return "\n".join([
        HEADER,
        f"A-1,{code},人民调解,来访,邻里纠纷,320812001,2025/3/2,成功,2025年3月20日,2人,\"12,000.50\",￥1000,邻里排水纠纷,王秀英、张伟",
        f"A-2,{code},人民调解,电话,民间借贷,320812001,2025-3-5,不成功,2025-04-01,3,8000,,借款未还,",
        f"A-3,{code},人民调解,排查,婚姻家庭,320812001,2025年4月1日,撤回,2025/4/2,2,,,婚后财产,",
        f"A-4,{code},人民调解,网格员上报,物业纠纷,320812001,2025.05.06,在办,,2,,,物业费,",
    ]) + "\n"


def test_a_ledger_typed_in_chinese_by_a_township_clerk_imports(session, world):
    result = import_ledger(session, read_csv(io.StringIO(_typed_by_a_clerk(world))),
                           dry_run=False, catalog=catalog(), now=NOW)
    session.commit()
    assert result.imported == 4
    rows = session.execute(
        select(Case.case_no, Case.source, Case.dispute_type, Case.received_on, Case.party_count,
               Case.amount, Handling.channel, Handling.outcome, Handling.agreement_amount)
        .join(Handling, Handling.case_id == Case.id).order_by(Case.case_no)).all()
    assert rows == [
        ("A-1", "walk_in", "neighbour", date(2025, 3, 2), 2, Decimal("12000.50"), "peoples",
         "success", Decimal("1000.00")),
        ("A-2", "phone", "loan", date(2025, 3, 5), 3, Decimal("8000.00"), "peoples",
         "failure", None),
        ("A-3", "screening", "marriage_family", date(2025, 4, 1), 2, None, "peoples",
         "withdrawn", None),
        ("A-4", "grid", "property", date(2025, 5, 6), 2, None, "peoples", None, None),
    ]


@pytest.fixture
def clerk(make, world):
    user = make.user(institution=world.committee)
    make.commit()
    return user


def test_the_bad_rows_of_a_chinese_ledger_are_reported_in_chinese(login, clerk, world,
                                                                 session):
    code = world.committee.code
    content = "\n".join([
        HEADER,
        f"B-1,{code},人民调解,来访,吵架,320812001,2025/3/2,成功,2025/3/20,2,,,邻里纠纷,",
        f"B-2,{code},人民调解,来访,邻里纠纷,320812001,3月2日,在办,,一个,,,邻里纠纷,",
        f"B-3,{code},人民调解,来访,邻里纠纷,320812001,2025/3/2,成功,,2,\"1,2,3\",,邻里纠纷,",
    ]) + "\n"
    client = login(clerk)
    response = client.post("/ledger/", data={"file": (io.BytesIO(content.encode()), "台账.csv")},
                           content_type="multipart/form-data")
    import_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    db.session.rollback()
    jobs.wait(import_id, timeout=30)
    status = client.get(f"/ledger/imports/{import_id}.json").get_json()
    assert status["status"] == "refused"
    reported = [(p["row"], p["column"], p["reason"]) for p in status["problems"]]
    assert reported[0][:2] == (2, "纠纷类型")
    assert reported[0][2].startswith("“吵架”不是可选值，应为以下之一：婚姻家庭、邻里纠纷")
    assert reported[1:] == [
        (3, "受理日期", "“3月2日”不是日期，应写作 2026-04-11、2026/4/11 或 2026年4月11日"),
        (3, "当事人数", "“一个”不是整数"),
        (4, "办结日期", "未填写：调解结果为“调解成功”时必填"),
        (4, "涉及金额", "“1,2,3”不是金额，应写作 1200.50 或 12,000.50"),
    ]
    page = client.get(f"/ledger/imports/{import_id}").get_data(as_text=True)
    assert "“一个”不是整数" in page
    assert session.scalar(select(Case).where(Case.case_no.like("B-%"))) is None


def test_the_blank_ledger_has_chinese_headers_and_drop_down_lists(login, clerk):
    response = login(clerk).get("/ledger/template.xlsx")
    workbook = load_workbook(io.BytesIO(response.data))
    ledger, choices = workbook["台账"], workbook["可选值"]
    assert [cell.value for cell in ledger[1]][:4] == ["案号", "机构代码", "调解渠道", "案件来源"]
    assert [cell.value for cell in choices["A"] if cell.value] == ["调解渠道", "人民调解", "行政调解", "司法调解"]
    assert [cell.value for cell in choices["D"] if cell.value] == ["调解结果", "在办", "成功", "不成功", "撤回"]
    lists = {str(v.sqref): v.formula1 for v in ledger.data_validations.dataValidation
             if v.type == "list"}
    assert lists["C2:C2001"] == "'可选值'!$A$2:$A$4"
    assert lists["H2:H2001"] == "'可选值'!$D$2:$D$5"


def test_the_blank_ledger_imports_once_filled_in(login, clerk, world, session, tmp_path):
    workbook = load_workbook(io.BytesIO(login(clerk).get("/ledger/template.xlsx").data))
    workbook["台账"].append(["T-1", world.committee.code, "人民调解", "来访", "邻里纠纷",
                            "320812001", datetime(2025, 3, 2), "在办", None, 2, None, None,
                            "相邻通行", None])
    path = tmp_path / "填好的台账.xlsx"
    workbook.save(path)
    result = import_ledger(session, read_xlsx(path), dry_run=False, catalog=catalog(),
                           now=utcnow())
    session.commit()
    assert result.imported == 1
