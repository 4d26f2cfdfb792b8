import csv
import io
from datetime import date, datetime

from sqlalchemy import delete

from mediation_app.audit.models import AuditHead
from mediation_app.casefile.models import Case, CaseCounter
from mediation_app.extensions import db
from mediation_app.handlings.catalog import catalog
from mediation_app.handlings.services import fire_transition
from mediation_app.ledger.services import (
    export_ledger,
    import_ledger,
    ledger_filters,
    read_csv,
    read_xlsx,
    write_csv,
    write_xlsx,
)

from .conftest import csv_text

NOW = datetime(2026, 6, 1, 2, 0)


def _ledger(row, world):
    return [
        row(case_no="A-1"),
        row(case_no="A-2", outcome="failure", agreement_amount="", amount="", parties="3",
            received_on="2025-04-01", concluded_on="2025-04-30", summary="买卖合同, \"尾款\"纠纷"),
        row(case_no="A-3", outcome="withdrawn", agreement_amount="", dispute_type="loan",
            source="phone", received_on="2025-12-31", concluded_on="2026-01-02"),
        row(case_no="", outcome="pending", concluded_on="", agreement_amount="",
            amount="1234567.5"),
        row(case_no="P-1", institution_code=world.police.code, channel="administrative",
            region_code="320812", source="police", amount="0", agreement_amount="0.00"),
        row(case_no="F-1", institution_code=world.faraway.code, region_code="320803",
            received_on="2024-07-07", concluded_on="2024-07-08"),
    ]


def _import_csv(session, text):
    result = import_ledger(session, read_csv(io.StringIO(text)), dry_run=False,
                           catalog=catalog(), now=NOW)
    session.commit()
    return result


def _export_csv(session, filters=None, *, codes=False, **filter_codes):
    buffer = io.StringIO()
    with write_csv(buffer, codes=codes) as write_row:
        export_ledger(session, write_row,
                      filters=filters or ledger_filters(session, **filter_codes))
    return buffer.getvalue()


def _empty_the_cases(session):
    """A clean database of the same institutions and regions: every table that leads to a
    case is emptied, dependants first."""
    doomed = {Case.__table__, CaseCounter.__table__, AuditHead.__table__}
    tables = db.metadata.sorted_tables
    while True:
        more = {table for table in tables if table not in doomed
                and any(key.column.table in doomed - {CaseCounter.__table__}
                        for key in table.foreign_keys)}
        if not more:
            break
        doomed |= more
    for table in reversed(tables):
        if table in doomed:
            session.execute(delete(table))
    session.commit()


def test_export_with_codes_writes_the_keys_and_codes_in_order(session, row, world):
    _import_csv(session, csv_text(_ledger(row, world)))
    lines = _export_csv(session, codes=True).splitlines()
    assert lines[0] == ("case_no,institution_code,channel,source,dispute_type,region_code,"
                        "received_on,outcome,concluded_on,parties,amount,agreement_amount,summary,"
                        "party_names")
    assert lines[1] == (f"A-1,{world.committee.code},peoples,walk_in,neighbour,320812001,"
                        "2025-03-02,success,2025-03-20,2,1200.00,1000.00,邻里排水纠纷,")
    assert lines[4].startswith("（2025）浦楼调字第0004号,")  # took seq 1 to 3
    assert lines[4].endswith(",2025-03-02,pending,,2,1234567.50,,邻里排水纠纷,")
    assert len(lines) == 7


def test_export_writes_chinese_headers_and_values_by_default(session, row, world):
    _import_csv(session, csv_text(_ledger(row, world)))
    lines = _export_csv(session).splitlines()
    assert lines[0] == ("案号,机构代码,调解渠道,案件来源,纠纷类型,地区代码,受理日期,调解结果,"
                        "办结日期,当事人数,涉及金额,协议金额,纠纷摘要,当事人")
    assert lines[1] == (f"A-1,{world.committee.code},人民调解,来访,邻里纠纷,320812001,"
                        '2025-03-02,成功,2025-03-20,2,"1,200.00","1,000.00",邻里排水纠纷,')
    assert lines[4].endswith(',2025-03-02,在办,,2,"1,234,567.50",,邻里排水纠纷,')


def test_export_names_the_parties_of_each_case(session, make, world):
    mediator = make.user(institution=world.committee)
    make.case(by=mediator, region=world.town, parties=[make.party("applicant", name="王秀英"),
                                                       make.party("respondent", name="张伟")])
    make.commit()
    [_header, line] = _export_csv(session).splitlines()
    assert set(line.rsplit(",", 1)[1].split("、")) == {"王秀英", "张伟"}


def test_a_csv_export_imports_into_a_clean_database_as_the_same_rows(session, row, world, make):
    _import_csv(session, csv_text(_ledger(row, world)))
    mediator = make.user(institution=world.committee)
    filed = make.case(by=mediator, region=world.town, received_on=date(2026, 5, 30))
    fire_transition(session, filed, "accept", actor=mediator, now=NOW)
    make.commit()
    exported = _export_csv(session)
    _empty_the_cases(session)
    assert _import_csv(session, exported).imported == 7
    assert _without_names(_export_csv(session)) == _without_names(exported)


def _without_names(exported: str) -> list[list[str]]:
    """The rows but the last column: an import counts the parties, it does not file them."""
    return [row[:-1] for row in csv.reader(io.StringIO(exported))]


def test_an_xlsx_export_imports_into_a_clean_database_as_the_same_rows(session, row, world, tmp_path):
    _import_csv(session, csv_text(_ledger(row, world)))
    before = _export_csv(session)
    path = tmp_path / "台账.xlsx"
    with write_xlsx(path) as write_row:
        assert export_ledger(session, write_row) == 6
    _empty_the_cases(session)
    result = import_ledger(session, read_xlsx(path), dry_run=False, catalog=catalog(), now=NOW)
    session.commit()
    assert result.imported == 6
    assert _export_csv(session) == before


def test_export_filters_by_received_date_institution_and_region_subtree(session, row, world):
    _import_csv(session, csv_text(_ledger(row, world)))

    def numbers(**codes):
        return [line.split(",")[0] for line in _export_csv(session, **codes).splitlines()[1:]]

    assert numbers(received_from=date(2025, 4, 1), received_to=date(2025, 12, 31)) == ["A-2", "A-3"]
    assert numbers(institution=world.police.code) == ["P-1"]
    assert numbers(region="320803") == ["F-1"]
    assert len(numbers(region="320812")) == 5
    assert len(numbers(region="3208")) == 6


def test_a_case_now_with_a_body_that_does_not_mediate_is_left_out(session, row, world, make):
    dispatcher = make.user(role="dispatcher", institution=world.centre)
    make.case(by=dispatcher)
    make.commit()
    assert _export_csv(session).splitlines()[1:] == []
