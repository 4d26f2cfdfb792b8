"""The case page's parties table shows 当事人基本情况 as filed (人民调解法 第二十九条: 当事人的
姓名、性别、年龄、民族、职业、工作单位和住所 ...): 民族, 出生日期 with the age, 职业, 工作单位
and the phones; whole for the institutions that handled the case, masked by the one
personal-data rule (access/masking.py) for region readers, the ID number as before (whole
for the handling institutions, masked for the others)."""

import re
from datetime import date

from mediation_app.db import utcnow
from mediation_app.domain.idcard import mask_id_number, years_between

from ..factories import id_number

BORN = date(1975, 3, 8)
NUMBER = id_number(birth="19750308")


def _case(make):
    applicant = make.party("applicant", name="张三", ethnicity="回族", birth_date=BORN,
                           occupation="个体户", employer="淮安市清江浦区某超市",
                           id_number=NUMBER, phone="13912345678",
                           representative_name="李律师", representative_phone="13787654321")
    case = make.case(parties=[applicant, make.party("respondent")], now=utcnow())
    return case, case.holder_institution


def _row(page: str, name: str) -> str:
    start = page.index(f"<td>{name}")
    row = page[page.rindex("<tr>", 0, start):page.index("</tr>", start)]
    return re.sub(r"\s+", " ", row)


def _dispatcher_over(make, institution):
    centre = make.institution(kind="governance_centre", region=institution.region)
    return make.user(role="dispatcher", institution=centre)


def _page(login, user, case) -> str:
    response = login(user).get(f"/cases/{case.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_handling_institution_reads_every_filed_detail_of_a_party_whole(make, login):
    case, institution = _case(make)
    mediator = make.user(institution=institution)
    make.commit()
    row = _row(_page(login, mediator, case), "张三")
    age = years_between(BORN, date.today())
    for shown in ("回族", "1975年3月8日", f"{age}周岁", "个体户", "淮安市清江浦区某超市",
                  "13912345678", "13787654321", NUMBER):
        assert shown in row, shown


def test_the_table_heads_name_the_new_columns_in_chinese(make, login):
    case, institution = _case(make)
    mediator = make.user(institution=institution)
    make.commit()
    page = _page(login, mediator, case)
    heads = page[page.index("<thead>", page.index("当事人")):]
    heads = heads[:heads.index("</thead>")]
    assert [h for h in ("民族", "出生日期", "职业", "工作单位", "电话", "代理人电话")
            if h not in heads] == []


def test_a_region_reader_reads_the_birth_date_employer_and_phones_masked(make, login):
    case, institution = _case(make)
    dispatcher = _dispatcher_over(make, institution)
    make.commit()
    row = _row(_page(login, dispatcher, case), "张三")
    assert "****-**-**" in row and "1975" not in row and "周岁" not in row
    assert "某超市" not in row
    assert "139****5678" in row and "13912345678" not in row
    assert "137****4321" in row and "13787654321" not in row
    assert mask_id_number(NUMBER) in row and NUMBER not in row


def test_a_region_reader_still_reads_ethnicity_and_occupation(make, login):
    """Neither identifies the party: the masking rule leaves them readable."""
    case, institution = _case(make)
    dispatcher = _dispatcher_over(make, institution)
    make.commit()
    row = _row(_page(login, dispatcher, case), "张三")
    assert "回族" in row and "个体户" in row
