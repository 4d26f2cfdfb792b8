"""The case list exported as an XLSX workbook: the filtered cases the reader may see, with
the page's columns in Chinese, summaries masked by the one rule, and a clear refusal when
too many cases match."""

from io import BytesIO

from openpyxl import load_workbook

from mediation_app.cases import views
from mediation_app.extensions import db

from ..statements import counted


def _sheet(response):
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    rows = list(load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_the_export_holds_the_filtered_cases_with_chinese_headers_and_labels(make, login):
    mediator = make.user()
    neighbours = make.case(by=mediator, dispute_type="neighbour")
    make.case(by=mediator, dispute_type="contract")
    make.commit()

    header, rows = _sheet(login(mediator).get("/cases/export.xlsx?dispute_type=neighbour"))

    assert header[:5] == ("案号", "案情摘要", "纠纷类型", "调解渠道", "状态")
    assert [row[0] for row in rows] == [neighbours.case_no]
    assert rows[0][7] == mediator.institution.name


def test_the_export_leaves_out_cases_of_other_institutions(make, login):
    mediator = make.user()
    own = make.case(by=mediator)
    make.case(by=make.user())
    make.commit()

    _header, rows = _sheet(login(mediator).get("/cases/export.xlsx"))

    assert [row[0] for row in rows] == [own.case_no]


def test_an_id_number_typed_in_a_summary_is_masked_in_the_export(make, login):
    mediator = make.user()
    make.case(by=mediator, summary="张三（身份证 11010519491231002X）欠款纠纷")
    make.commit()

    _header, rows = _sheet(login(mediator).get("/cases/export.xlsx"))

    assert "11010519491231002X" not in rows[0][1]
    assert "张三" in rows[0][1]


def test_more_cases_than_the_limit_are_refused_with_a_way_forward(make, login, monkeypatch):
    monkeypatch.setattr(views, "EXPORT_LIMIT", 1)
    mediator = make.user()
    make.case(by=mediator)
    make.case(by=mediator)
    make.commit()
    client = login(mediator)

    answer = client.get("/cases/export.xlsx")

    assert answer.status_code == 302
    assert "请缩小筛选范围" in client.get(answer.headers["Location"]).get_data(as_text=True)


def test_the_export_runs_as_many_statements_for_six_institutions_as_for_two(app, make, login):
    district = make.district()
    reader = make.user(role="committee", institution=make.institution(kind="committee",
                                                                      region=district))
    for _ in range(2):
        make.case(by=make.user(institution=make.institution(region=district)))
    make.commit()
    client = login(reader)
    few = _statements_of(app, lambda: client.get("/cases/export.xlsx"))
    for _ in range(4):
        make.case(by=make.user(institution=make.institution(region=district)))
    make.commit()

    many = _statements_of(app, lambda: client.get("/cases/export.xlsx"))

    assert many == few


def _statements_of(app, request) -> int:
    db.session.rollback()
    with app.app_context():
        assert len(_sheet(request())[1]) > 0
    with app.app_context(), counted(app) as statements:
        request()
    return len(statements)
