"""案件评查 feeds 以案定补: a reviewed case is paid its rate times its current grade's factor
(SUBSIDY_REVIEW_FACTORS), and the statement shows each mediator's cases by grade. Local
以案定补 rules grade cases by review before paying, e.g. 大足区司法局 (卷宗集中评查 "作为
人民调解员'以案定补'的最终依据", https://dzwmsj.cbg.cn/show/8988-2696801.html)."""

from datetime import datetime
from decimal import Decimal

from mediation_app.review.catalog import checklist
from mediation_app.review.services import applicable_items, review_case
from mediation_app.subsidy.services import statement

from .conftest import client_of, concluded, file_away, full_marks

CONFIG = {"SUBSIDY_RATES": {"success": {"simple": 100, "normal": 200, "complex": 400},
                            "failure": {"simple": 30, "normal": 50, "complex": 80}},
          "SUBSIDY_COMPLEX": {"parties": 5, "amount": 100000}, "SUBSIDY_SIMPLE_AMOUNT": 10000,
          "SUBSIDY_REVIEW_FACTORS": {"excellent": 1.2, "good": 1, "pass": 1, "fail": 0}}


def _reviewed(make, app, district, *, amount, **taken_off):
    case = file_away(make, app, concluded(make, district.mediator, amount=amount),
                     district.mediator)
    items = applicable_items(checklist(), make.session, case)
    review_case(make.session, case, checklist=checklist(), marks=full_marks(items, **taken_off),
                actor=district.reader, now=datetime(2026, 10, 20))
    return case


def _line(session, district):
    [line] = statement(session, institution_ids=[district.committee.id], month="2026-10",
                       config=CONFIG)
    return line


def test_an_excellent_case_pays_its_rate_times_the_excellent_factor(make, app, session,
                                                                     district):
    _reviewed(make, app, district, amount=Decimal("500"))                  # simple: 100
    line = _line(session, district)
    assert (line.grades, line.amount) == ({"excellent": 1}, Decimal("120.00"))


def test_a_failing_case_file_pays_nothing_for_that_case(make, app, session, district):
    _reviewed(make, app, district, amount=Decimal("500"), session_record=(0, "无笔录"),
              agreement_lawful=(0, "协议违法"), signatures=(0, "无签名"))      # 55 %: 不合格
    concluded(make, district.mediator, amount=Decimal("50000"))           # normal, not reviewed
    line = _line(session, district)
    assert (line.cases, line.grades, line.amount) == (2, {"fail": 1}, Decimal("200.00"))


def test_a_later_review_replaces_the_grade_the_statement_pays_by(make, app, session, district):
    case = _reviewed(make, app, district, amount=Decimal("500"), session_record=(0, "无笔录"),
                     agreement_lawful=(0, "协议违法"), signatures=(0, "无签名"))
    review_case(session, case, checklist=checklist(),
                marks=full_marks(applicable_items(checklist(), session, case)),
                actor=district.dispatcher, now=datetime(2026, 10, 28))
    line = _line(session, district)
    assert (line.grades, line.amount) == ({"excellent": 1}, Decimal("120.00"))


def test_the_statement_page_shows_grades_and_states_the_factors(make, app, session, district):
    _reviewed(make, app, district, amount=Decimal("500"))
    session.commit()
    text = client_of(app, district.mediator).get("/subsidy/?month=2026-10").get_data(
        as_text=True)
    assert "评查优秀" in text and "120.00" in text
    assert "现行评查等级系数" in text and "优秀 ×1.2" in text and "不合格 ×0" in text
