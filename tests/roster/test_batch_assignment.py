"""Batch assignment from the case list (批量分派): a clerk ticks several cases and gives
them to one mediator of the institution at once. All or none: a case that is not the
clerk's to assign, or a mediator of another institution, leaves every case as it was. Each
case records the designation in its audit trail and the mediator is told of each."""

import pytest
from sqlalchemy import func, select

from mediation_app.audit.models import CaseEvent
from mediation_app.notifications.models import Notification


@pytest.fixture
def committee(make):
    institution = make.institution()
    clerk = make.user(institution=institution, display_name="李调解")
    mediator = make.user(institution=institution, display_name="赵调解")
    return clerk, mediator


def _assign(client, cases, mediator):
    return client.post("/roster/assignments", data={
        "case_id": [case.id for case in cases], "mediator_id": mediator.id})


def test_the_ticked_cases_go_to_the_mediator_each_with_its_audit_event(session, make, login,
                                                                       committee):
    clerk, mediator = committee
    cases = [make.case(by=clerk) for _ in range(3)]
    make.commit()

    _assign(login(clerk), cases[:2], mediator)

    assert [case.assigned_mediator_id for case in cases] == [mediator.id, mediator.id, None]
    assigned = session.scalars(select(CaseEvent.case_id).where(
        CaseEvent.action == "mediator.assigned")).all()
    assert sorted(assigned) == sorted(case.id for case in cases[:2])


def test_the_mediator_is_told_of_each_case_assigned(session, make, login, committee):
    clerk, mediator = committee
    cases = [make.case(by=clerk) for _ in range(2)]
    make.commit()

    _assign(login(clerk), cases, mediator)

    told = session.scalars(select(Notification).where(Notification.user_id == mediator.id)).all()
    assert sorted((n.kind, n.case_id) for n in told) == sorted(
        ("case.assigned", case.id) for case in cases)


def test_a_case_of_another_institution_in_the_batch_assigns_none(session, make, login,
                                                                 committee):
    clerk, mediator = committee
    own = make.case(by=clerk)
    foreign = make.case(by=make.user())
    make.commit()

    answer = _assign(login(clerk), [own, foreign], mediator)

    assert answer.status_code == 404
    session.expire_all()
    assert (own.assigned_mediator_id, foreign.assigned_mediator_id) == (None, None)
    assert session.scalar(select(func.count()).select_from(Notification)) == 0


def test_a_mediator_of_another_institution_is_refused_and_nothing_changes(session, make, login,
                                                                         committee):
    clerk, _mediator = committee
    case = make.case(by=clerk)
    stranger = make.user(display_name="外单位调解员")
    make.commit()

    page = _assign(login(clerk), [case], stranger).get_data(as_text=True)

    session.expire_all()
    assert case.assigned_mediator_id is None
    assert session.scalar(select(func.count()).select_from(CaseEvent).where(
        CaseEvent.action == "mediator.assigned")) == 0
    assert "外单位调解员" not in page


def test_nothing_ticked_is_answered_in_chinese(make, login, committee):
    clerk, mediator = committee
    make.commit()

    client = login(clerk)
    client.post("/roster/assignments", data={"mediator_id": mediator.id})

    assert "请勾选 1 至 100 件案件后再分派。" in client.get("/cases/").get_data(as_text=True)


def test_the_list_offers_ticks_only_in_assign_mode_and_only_for_cases_the_clerk_holds(
        make, login, committee):
    clerk, mediator = committee
    own = make.case(by=clerk)
    make.commit()
    client = login(clerk)

    plain = client.get("/cases/").get_data(as_text=True)
    assigning = client.get("/cases/?assign=1").get_data(as_text=True)

    assert 'name="case_id"' not in plain and "批量分派" in plain
    assert f'name="case_id" value="{own.id}" form="batch"' in assigning
    assert f'<option value="{mediator.id}">赵调解</option>' in assigning


def test_a_committee_reader_is_not_offered_batch_assignment(make, login):
    reader = make.user(role="committee", institution=make.institution(kind="committee"))
    make.commit()

    page = login(reader).get("/cases/?assign=1").get_data(as_text=True)

    assert "批量分派" not in page and 'id="batch"' not in page
