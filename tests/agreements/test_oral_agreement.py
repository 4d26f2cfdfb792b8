"""人民调解法 arts. 28, 30: an oral agreement, recorded by the mediator, counts as a success."""

from datetime import date, datetime

from mediation_app.agreements import services
from mediation_app.handlings.services import fire_transition


def _oral(make):
    case, mediator = make.mediating_case()
    data = services.AgreementDraft(facts="排水沟堵塞。", matters="双方均有责任。",
                                   clauses=["双方共同清理排水沟。"], amount=None,
                                   performance_manner="当场履行", performance_deadline=date.today())
    return case, mediator, services.record_oral_agreement(make.session, case, data,
                                                          actor=mediator, now=datetime.now())


def test_an_oral_agreement_takes_effect_without_signatures(make):
    """人民调解法 art. 30: an oral agreement takes effect the day the parties reach it."""
    _case, _mediator, agreement = _oral(make)
    assert (agreement.form, agreement.status, agreement.signatures) == ("oral", "signed", [])


def test_an_oral_agreement_lets_the_mediation_close_as_a_success(make):
    """人民调解法 art. 28: the mediator records the content; the case succeeds."""
    case, mediator, _agreement = _oral(make)
    fire_transition(make.session, case, "close_success", actor=mediator, now=datetime.now())
    assert case.handlings[-1].outcome == "success"
