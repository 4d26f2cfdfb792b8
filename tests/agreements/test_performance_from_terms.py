"""人民调解法 art. 29: the agreement states the manner and deadline of performance
(履行的方式、期限); 人民调解工作若干规定 art. 39: the committee follows the performance up.
The terms typed in the agreement become its first 履行 item when it takes effect."""

from datetime import date, datetime

from sqlalchemy import select

from mediation_app.agreements import services
from mediation_app.audit.models import CaseEvent


def test_a_signed_agreement_plans_its_performance_from_its_deadline_and_manner(make):
    case, mediator = make.mediating_case()
    agreement = make.agreement(case, mediator, performance_manner="银行转账",
                               performance_deadline=date(2027, 1, 15))
    make.sign_everyone(agreement, case, mediator)
    assert [(p.description, p.due_on, p.status) for p in agreement.performances] == [
        ("银行转账", date(2027, 1, 15), "pending")]


def test_the_planned_performance_is_on_the_case_timeline(make, session):
    case, mediator = make.mediating_case()
    agreement = make.agreement(case, mediator, performance_deadline=date(2027, 1, 15))
    make.sign_everyone(agreement, case, mediator)
    actions = session.scalars(select(CaseEvent.action).where(CaseEvent.case_id == case.id))
    assert "performance.planned" in list(actions)


def test_a_draft_not_yet_signed_plans_nothing(make):
    case, mediator = make.mediating_case()
    agreement = make.agreement(case, mediator, performance_deadline=date(2027, 1, 15))
    assert agreement.performances == []


def test_an_agreement_without_a_deadline_plans_nothing(make):
    case, mediator = make.mediating_case()
    agreement = make.agreement(case, mediator, performance_deadline=None)
    make.sign_everyone(agreement, case, mediator)
    assert agreement.performances == []


def test_an_oral_agreement_plans_its_performance_when_recorded(make):
    """人民调解法 art. 28: an oral agreement takes effect when the mediator records it."""
    case, mediator = make.mediating_case()
    data = services.AgreementDraft(facts="排水沟堵塞。", matters="双方均有责任。",
                                   clauses=["双方共同清理排水沟。"], amount=None,
                                   performance_manner="当场履行",
                                   performance_deadline=date(2026, 12, 2))
    agreement = services.record_oral_agreement(make.session, case, data, actor=mediator,
                                               now=datetime.now())
    assert [(p.description, p.due_on) for p in agreement.performances] == [
        ("当场履行", date(2026, 12, 2))]
