"""人民调解法 arts. 28, 30: an oral agreement, recorded by the mediator, counts as a success."""

from datetime import date, datetime

from sqlalchemy import select

from mediation_app.agreements import services
from mediation_app.agreements.models import Agreement
from mediation_app.audit.models import CaseEvent
from mediation_app.casefile.models import Case
from mediation_app.documents.models import Document
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


# -- the page: /cases/<id>/agreement/oral ------------------------------------------------

ORAL_FORM = {"facts": "两家共用排水沟堵塞。", "matters": "双方均有责任。",
             "clauses": "双方于当日共同清理排水沟。\n今后轮流清理。", "amount": "",
             "performance_manner": "当场履行", "performance_deadline": ""}


def _post_oral(make, login, **changes):
    case, mediator = make.mediating_case()
    make.commit()
    response = login(mediator).post(f"/cases/{case.id}/agreement/oral",
                                    data={**ORAL_FORM, **changes})
    return case, mediator, response


def test_the_oral_agreement_page_records_what_the_parties_agreed(make, login, session):
    """人民调解法 art. 28: the mediator records the content of an oral agreement."""
    case, _mediator, response = _post_oral(make, login)
    assert response.status_code == 302
    session.expire_all()
    agreement = session.scalar(select(Agreement).where(Agreement.case_id == case.id))
    assert (agreement.form, agreement.status, agreement.clauses) == (
        "oral", "signed", ["双方于当日共同清理排水沟。", "今后轮流清理。"])
    assert agreement.signatures == []


def test_the_oral_agreement_page_issues_the_record_signed_by_the_institution(make, login,
                                                                            session):
    """人民调解法 art. 30: no party signs; the record (口头调解协议记录) is issued at once."""
    case, _mediator, _response = _post_oral(make, login)
    session.expire_all()
    document = session.scalar(select(Document).where(Document.case_id == case.id))
    assert (document.kind, document.title, document.is_signed) == (
        "oral_agreement", "口头调解协议记录", True)


def test_recording_an_oral_agreement_writes_the_audit_event(make, login, session):
    """Every change to a case leaves an audit event, with who recorded it."""
    case, mediator, _response = _post_oral(make, login)
    session.expire_all()
    event = session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                   CaseEvent.action == "agreement.oral"))
    assert event.actor_id == mediator.id and event.data["version"] == 1


def test_a_case_with_an_oral_agreement_closes_as_a_success(make, login, session):
    """人民调解法 art. 30: the oral agreement is an agreement reached; closing counts it a
    success (and the statistics with it)."""
    case, mediator, _response = _post_oral(make, login)
    login(mediator).post(f"/cases/{case.id}/transitions/close_success")
    session.expire_all()
    stored = session.get(Case, case.id)
    assert (stored.state, stored.handlings[-1].outcome) == ("succeeded", "success")


def test_the_oral_agreement_page_requires_the_terms(make, login, session):
    """An oral agreement without its content is not recorded; the form says what is missing."""
    case, _mediator, response = _post_oral(make, login, clauses="")
    assert response.status_code == 200 and "口头" in response.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(Agreement).where(Agreement.case_id == case.id)) is None


def test_the_case_page_links_to_the_oral_agreement_where_the_workflow_allows_it(make, login):
    """People's mediation records oral agreements (人民调解法 art. 28)."""
    case, mediator = make.mediating_case()
    make.commit()
    page = login(mediator).get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/cases/{case.id}/agreement/oral" in page


def test_police_mediation_has_no_oral_agreement(make, login, session):
    """治安调解 ends in a written 治安调解协议书 (治安管理处罚法 art. 9): no link, and the page
    answers with a message instead of a form."""
    police = make.institution(kind="police")
    officer = make.user(role="liaison", institution=police)
    case = make.case(by=officer)
    make.commit()
    client = login(officer)
    assert f"/cases/{case.id}/agreement/oral" not in client.get(
        f"/cases/{case.id}").get_data(as_text=True)
    response = client.get(f"/cases/{case.id}/agreement/oral", follow_redirects=True)
    assert "本程序不出具该形式的协议" in response.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(Agreement).where(Agreement.case_id == case.id)) is None
