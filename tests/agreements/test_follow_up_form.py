"""The staff's 回访 form asks for satisfaction as one of five named answers."""

from datetime import datetime

from sqlalchemy import select

from mediation_app.agreements.models import FollowUp
from mediation_app.handlings.services import fire_transition


def _succeeded(make, session):
    case, mediator = make.mediating_case()
    agreement = make.agreement(case, mediator)
    make.sign_everyone(agreement, case, mediator)
    fire_transition(session, case, "close_success", actor=mediator, now=datetime.now())
    make.commit()
    return case, mediator


def test_the_follow_up_form_offers_the_five_answers_from_very_unsatisfied_to_very_satisfied(
        make, login, session):
    case, mediator = _succeeded(make, session)
    page = login(mediator).get(f"/cases/{case.id}/follow-ups/new").get_data(as_text=True)
    positions = [page.index(label) for label in
                 ("非常不满意", "2 · 不满意", "3 · 一般", "4 · 满意", "5 · 非常满意")]
    assert positions == sorted(positions)
    assert 'type="radio"' in page and 'type="number"' not in page


def test_the_chosen_answer_is_saved_as_its_score(make, login, session):
    case, mediator = _succeeded(make, session)
    login(mediator).post(f"/cases/{case.id}/follow-ups/new",
                         data={"visited_on": "2026-12-01", "satisfaction": "4", "notes": "满意"})
    visit = session.scalar(select(FollowUp).where(FollowUp.case_id == case.id))
    assert visit.satisfaction == 4


def test_a_follow_up_without_an_answer_is_refused_in_chinese(make, login, session):
    case, mediator = _succeeded(make, session)
    page = login(mediator).post(f"/cases/{case.id}/follow-ups/new",
                                data={"visited_on": "2026-12-01", "notes": ""}
                                ).get_data(as_text=True)
    assert session.scalar(select(FollowUp).where(FollowUp.case_id == case.id)) is None
    assert "该字段是必填字段。" in page
