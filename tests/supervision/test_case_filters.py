"""The case list filters 超期 (open cases past their deadline) and 督办 (cases with a
supervision order not yet closed), and marks such cases with badges."""

from datetime import datetime, timedelta

from mediation_app.cases.queries import CaseFilters, list_cases
from mediation_app.supervision.services import close_order, issue_order

NOW = datetime(2026, 11, 2, 2, 0)


def _numbers(session, user, filters):
    return {case.case_no for case in list_cases(session, user, filters).items}


def _order(session, world, case):
    return issue_order(session, case, instruction="请报告进展", due_at=NOW + timedelta(days=5),
                       is_listed=False, actor=world["dispatcher"], now=NOW)


def test_the_overdue_filter_returns_open_cases_past_their_deadline(make, session, world):
    late = make.case(by=world["mediator"], now=NOW - timedelta(days=40))
    make.case(by=world["mediator"], now=NOW)
    late_but_closed = make.case(by=world["mediator"], now=NOW - timedelta(days=40))
    late_but_closed.closed_at = NOW
    session.flush()
    assert late.deadline_at < NOW
    found = _numbers(session, world["dispatcher"], CaseFilters(overdue_at=NOW))
    assert found == {late.case_no}


def test_the_supervised_filter_returns_cases_with_an_order_not_yet_closed(make, session, world):
    supervised = make.case(by=world["mediator"])
    make.case(by=world["mediator"])
    done = make.case(by=world["mediator"])
    _order(session, world, supervised)
    close_order(session, _order(session, world, done), note="", actor=world["dispatcher"],
                now=NOW)
    found = _numbers(session, world["dispatcher"], CaseFilters(supervised_only=True))
    assert found == {supervised.case_no}


def test_the_filters_keep_to_what_the_reader_may_see(make, session, world):
    theirs = make.case(by=world["stranger"])
    issue_order(session, theirs, instruction="请报告进展", due_at=NOW + timedelta(days=5),
                is_listed=False, actor=world["foreign_dispatcher"], now=NOW)
    assert _numbers(session, world["dispatcher"], CaseFilters(supervised_only=True)) == set()


def test_the_case_list_page_filters_and_badges_overdue_and_supervised_cases(
        make, session, world, as_user):
    late = make.case(by=world["mediator"], now=datetime.now() - timedelta(days=60))
    supervised = make.case(by=world["mediator"])
    _order(session, world, supervised)
    make.commit()
    client = as_user(world["dispatcher"])
    overdue_page = client.get("/cases/?overdue=1").get_data(as_text=True)
    assert late.case_no in overdue_page and supervised.case_no not in overdue_page
    supervised_page = client.get("/cases/?supervised=1").get_data(as_text=True)
    assert supervised.case_no in supervised_page and late.case_no not in supervised_page
    rows = client.get("/cases/").get_data(as_text=True).split("<tr>")
    assert "督办中" in next(row for row in rows if supervised.case_no in row)
    assert "超期" in next(row for row in rows if late.case_no in row)


def test_the_case_list_page_badges_a_case_listed_by_one_of_its_open_orders(
        make, session, world, as_user):
    """The badges ride along the page's own SELECT: one listed order among open ones lists."""
    listed = make.case(by=world["mediator"])
    _order(session, world, listed)
    issue_order(session, listed, instruction="挂牌督办", due_at=NOW + timedelta(days=5),
                is_listed=True, actor=world["dispatcher"], now=NOW)
    make.commit()
    rows = as_user(world["dispatcher"]).get("/cases/").get_data(as_text=True).split("<tr>")
    row = next(row for row in rows if listed.case_no in row)
    assert "挂牌督办" in row and "督办中" not in row
