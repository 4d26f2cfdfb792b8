"""Each write on a supervision order or a warning, tried by every role: only the one the
rule names changes the row (the supervised institution answers, the issuing centre closes,
the region's dispatcher decides on a warning); for everyone else the row stays as it was."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from mediation_app.supervision.models import SupervisionOrder
from mediation_app.warnings.models import EarlyWarning

ROLES = ["mediator", "liaison", "dispatcher", "committee", "stranger", "foreign_dispatcher"]


@pytest.fixture
def scene(make, session, world):
    people = dict(world)
    people["liaison"] = make.user(role="liaison", institution=make.institution(
        kind="court", region=world["district"]))
    people["committee"] = make.user(role="committee", institution=make.institution(
        kind="committee", region=world["district"]))
    case = make.case(by=world["mediator"])
    order = SupervisionOrder(case_id=case.id, centre_id=world["centre"].id,
                             institution_id=world["mediator"].institution_id, source="manual",
                             instruction="请报告进展", due_at=datetime(2099, 1, 1))
    warning = EarlyWarning(case_id=case.id, flag="risk_words", rule="self_harm", term="跳楼")
    session.add_all([order, warning])
    make.commit()
    return people, order, warning


def _state(session, model, row_id, *columns):
    session.expire_all()
    return tuple(session.execute(select(*(getattr(model, c) for c in columns))
                                 .where(model.id == row_id)).one())


@pytest.mark.parametrize("role", ROLES)
def test_only_the_supervised_institution_answers(session, scene, as_user, role):
    people, order, _warning = scene
    as_user(people[role]).post(f"/supervision/{order.id}/reply", data={"reply": "已处理"})
    expected = ("replied", "已处理") if role == "mediator" else ("open", None)
    assert _state(session, SupervisionOrder, order.id, "status", "reply") == expected


@pytest.mark.parametrize("role", ROLES)
def test_only_the_issuing_centre_closes(session, scene, as_user, role):
    people, order, _warning = scene
    as_user(people[role]).post(f"/supervision/{order.id}/close", data={"note": "办结"})
    expected = "closed" if role == "dispatcher" else "open"
    assert _state(session, SupervisionOrder, order.id, "status") == (expected,)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_regions_dispatcher_dismisses_a_warning(session, scene, as_user, role):
    people, _order, warning = scene
    as_user(people[role]).post(f"/supervision/warnings/{warning.id}/dismiss",
                               data={"reason": "误报"})
    expected = ("dismissed", "误报") if role == "dispatcher" else ("open", None)
    assert _state(session, EarlyWarning, warning.id, "status", "dismiss_reason") == expected


@pytest.mark.parametrize("role", ROLES)
def test_only_the_regions_dispatcher_issues_orders(session, scene, as_user, role):
    people, order, _warning = scene
    as_user(people[role]).post(f"/supervision/cases/{order.case_id}/new", data={
        "instruction": "请加快办理", "due_on": (datetime.now() + timedelta(days=9)).date()})
    count = len(session.scalars(select(SupervisionOrder.id)).all())
    assert count == (2 if role == "dispatcher" else 1)
