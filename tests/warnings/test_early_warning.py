from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from mediation_app.audit.models import CaseEvent
from mediation_app.casefile.models import Case
from mediation_app.notifications.models import Notification
from mediation_app.warnings.models import EarlyWarning
from mediation_app.warnings.rules import WarningRules, flags_for
from mediation_app.warnings.services import evaluate, repeats_between_same_parties

from ..factories import id_number

RULES = WarningRules()


def test_five_parties_make_a_group_dispute_and_thirty_a_major_one():
    assert flags_for(RULES, parties=5, amount=None, text="", repeats=False)[0] == ["group"]
    assert flags_for(RULES, parties=30, amount=None, text="", repeats=False)[0] == ["major_group"]
    assert flags_for(RULES, parties=4, amount=None, text="", repeats=False)[0] == []


def test_risk_words_are_found_in_the_text():
    flags, words = flags_for(RULES, parties=2, amount=None, text="扬言集体上访", repeats=False)
    assert flags == ["risk_words"] and words == ["集体上访", "上访"]


def test_a_large_amount_is_flagged():
    assert "large_amount" in flags_for(RULES, parties=2, amount=Decimal("500000"), text="",
                                       repeats=False)[0]


def test_thresholds_come_from_the_configuration():
    rules = WarningRules.from_config({"EARLY_WARNING": {"group_parties": 3}})
    assert flags_for(rules, parties=3, amount=None, text="", repeats=False)[0] == ["group"]


def test_filing_a_flagged_case_notifies_the_governance_centre_once(make, session):
    district = make.district()
    dispatcher = make.user(role="dispatcher", institution=make.institution(
        kind="governance_centre", region=district))
    mediator = make.user(institution=make.institution(region=district))
    case = make.case(by=mediator, summary="七名工人扬言集体上访",
                     parties=[make.party() for _ in range(6)])
    assert set(case.warning_flags) == {"group", "risk_words"}
    assert evaluate(session, case, RULES, now=datetime.now()) == []
    notified = session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == dispatcher.id, Notification.kind == "warning.raised"))
    assert notified == 1 and case.is_flagged


def test_a_second_dispute_between_the_same_two_people_is_flagged_a_repeat_when_filed(make):
    mediator = make.user()
    applicant, respondent = id_number(birth="19600101"), id_number(birth="19610101")
    first = make.case(by=mediator, parties=[make.party(id_number=applicant),
                                            make.party("respondent", id_number=respondent)])
    again = make.case(by=mediator, parties=[make.party(id_number=applicant),
                                            make.party("respondent", id_number=respondent)])
    assert "repeat" in again.warning_flags and "repeat" not in first.warning_flags


def test_the_same_name_and_phone_make_the_same_person_when_filed(make):
    mediator = make.user()
    people = [make.party(name="王建国", id_number=None, phone="13912345678"),
              make.party("respondent", name="李秀英", id_number=None, phone="13987654321")]
    make.case(by=mediator, parties=people)
    again = make.case(by=mediator, parties=[replace(person) for person in people])
    renamed = make.case(by=mediator, parties=[replace(people[0]),
                                              replace(people[1], name="李秀兰")])
    assert "repeat" in again.warning_flags and "repeat" not in renamed.warning_flags


def test_sharing_one_person_or_a_dispute_older_than_the_window_is_no_repeat(make):
    mediator = make.user()
    applicant, respondent = id_number(birth="19600101"), id_number(birth="19610101")
    make.case(by=mediator, now=datetime(2024, 1, 5, 9, 0),
              parties=[make.party(id_number=applicant),
                       make.party("respondent", id_number=respondent)])
    make.case(by=mediator, parties=[make.party(id_number=applicant), make.party("respondent")])
    again = make.case(by=mediator, parties=[make.party(id_number=applicant),
                                            make.party("respondent", id_number=respondent)])
    assert "repeat" not in again.warning_flags


def test_a_case_filed_with_a_repeat_is_read_a_repeat_once_written(make, session):
    """The check before the case is written and the one on the written case agree."""
    mediator = make.user()
    applicant, respondent = id_number(birth="19600101"), id_number(birth="19610101")
    make.case(by=mediator, parties=[make.party(id_number=applicant),
                                    make.party("respondent", id_number=respondent)])
    again = make.case(by=mediator, parties=[make.party(id_number=applicant),
                                            make.party("respondent", id_number=respondent)])
    assert repeats_between_same_parties(session, again, months=12)


def _threatening_filing(mediator) -> dict:
    """The filing form of a wage dispute whose summary threatens suicide (a warning rule)."""
    form = {"dispute_type": "labour", "source": "walk_in", "region_id": mediator.institution.region_id,
            "received_on": "2026-11-20", "summary": "工人扬言自杀讨薪", "amount": "",
            "assigned_mediator_id": "0", "workflow": ""}
    for index in range(2):
        form.update({f"parties-{index}-role": "applicant", f"parties-{index}-kind": "person",
                     f"parties-{index}-name": f"工人{index}"})
    return form


def test_filing_a_flagged_case_through_the_page_shows_the_warning(make, login, session):
    mediator = make.user()
    make.commit()
    form = _threatening_filing(mediator)
    response = login(mediator).post("/cases/new", data=form, follow_redirects=True)
    assert "⚠" in response.get_data(as_text=True)


def _failing(*_args, **_kwargs):
    raise RuntimeError("warning rules unavailable")


@pytest.mark.parametrize("failing", ["answer_filing", "evaluate"])
def test_a_filing_whose_warning_check_fails_stays_filed_without_warnings(
        failing, make, login, session, monkeypatch, caplog):
    """The check fails, before the case is written (its read) or after (its writes): the
    failure is logged, the case is filed, and nothing of the warnings is kept."""
    from mediation_app.warnings import receivers, services

    mediator = make.user()
    make.commit()
    monkeypatch.setattr(receivers if failing == "answer_filing" else services, failing, _failing)
    response = login(mediator).post("/cases/new", data=_threatening_filing(mediator))
    session.rollback()
    case = session.scalar(select(Case))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.id}")
    assert case.is_flagged is False and case.filed_by_id == mediator.id
    assert session.scalar(select(func.count()).select_from(EarlyWarning)) == 0
    assert session.scalars(select(CaseEvent.action).where(CaseEvent.case_id == case.id)
                           .order_by(CaseEvent.seq)).all() == ["case.filed", "handling.opened"]
    assert "warning rules unavailable" in caplog.text
