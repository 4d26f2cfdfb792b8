"""The joint application for 司法确认 is addressed to a court, never to a name typed in: the
receiver of the case's 司法确认 referral when there is one, otherwise one of the courts with
jurisdiction (民事诉讼法 art. 205; 《最高人民法院关于人民调解协议司法确认程序的若干规定》
art. 2: where the mediating committee sits, or the court that delegated the mediation)."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from mediation_app.agreements import issuing, services
from mediation_app.casefile.models import Referral
from mediation_app.documents.models import Document
from mediation_app.handlings.services import fire_transition


def _succeeded(make, issuer):
    case, mediator = make.mediating_case()
    agreement = make.agreement(case, mediator)
    make.sign_everyone(agreement, case, mediator, issuer=issuer)
    fire_transition(make.session, case, "close_success", actor=mediator, now=datetime.now())
    return case, mediator, agreement


def _applications(session, case) -> list[Document]:
    return list(session.scalars(select(Document).where(
        Document.case_id == case.id, Document.kind == "confirmation_application")))


def _refer(make, case, mediator, court, status="pending"):
    referral = Referral(case_id=case.id, kind="judicial_confirmation",
                        from_institution_id=mediator.institution_id, to_institution_id=court.id,
                        from_handling_id=case.handlings[-1].id, reason="申请司法确认",
                        status=status, created_by_id=mediator.id,
                        accept_by=datetime.now() + timedelta(days=3))
    make.session.add(referral)
    make.session.flush()
    return referral


def test_the_courts_offered_are_those_with_jurisdiction_over_the_committee(make, issuer):
    """若干规定 art. 2: the basic court where the committee sits; a court of another
    district is not offered."""
    case, mediator, _agreement = _succeeded(make, issuer)
    district = mediator.institution.region
    here = make.institution(kind="court", name="本区人民法院", region=district)
    elsewhere = make.institution(kind="court", name="外区人民法院",
                                 region=make.district())
    courts, fixed = issuing.confirmation_courts(make.session, case, mediator.institution)
    assert here in courts and elsewhere not in courts and not fixed


def test_a_court_without_jurisdiction_is_refused(make, issuer):
    """民事诉讼法 art. 205: the application goes to a court with jurisdiction."""
    case, mediator, agreement = _succeeded(make, issuer)
    elsewhere = make.institution(kind="court", name="外区人民法院", region=make.district())
    with pytest.raises(services.AgreementError, match="not_a_court"):
        issuing.issue_confirmation_application(make.session, issuer, agreement, court=elsewhere,
                                               actor=mediator, now=datetime.now())
    assert _applications(make.session, case) == []


def test_with_a_confirmation_referral_the_application_goes_to_its_receiver(make, issuer):
    """若干规定 art. 2: the court that received the 司法确认 referral is the court applied to;
    no other court can be chosen."""
    case, mediator, agreement = _succeeded(make, issuer)
    district = mediator.institution.region
    receiver = make.institution(kind="court", name="受理法院", region=district)
    other = make.institution(kind="court", name="另一法院", region=district)
    _refer(make, case, mediator, receiver)
    assert issuing.confirmation_courts(make.session, case, mediator.institution) == (
        [receiver], True)
    with pytest.raises(services.AgreementError, match="not_a_court"):
        issuing.issue_confirmation_application(make.session, issuer, agreement, court=other,
                                               actor=mediator, now=datetime.now())
    issuing.issue_confirmation_application(make.session, issuer, agreement, court=None,
                                           actor=mediator, now=datetime.now())
    assert len(_applications(make.session, case)) == 1


def test_a_returned_confirmation_referral_no_longer_fixes_the_court(make, issuer):
    """Only a referral in force (waiting or accepted) names the court."""
    case, mediator, _agreement = _succeeded(make, issuer)
    district = mediator.institution.region
    returned = make.institution(kind="court", name="退回法院", region=district)
    _refer(make, case, mediator, returned, status="returned")
    _courts, fixed = issuing.confirmation_courts(make.session, case, mediator.institution)
    assert not fixed


def test_the_page_offers_the_courts_and_issues_the_application_to_the_chosen_one(
        make, issuer, login, session):
    """The case page lists the courts with jurisdiction; the application names the one picked."""
    case, mediator, agreement = _succeeded(make, issuer)
    court = make.institution(kind="court", name="清江浦区人民法院",
                             region=mediator.institution.region)
    make.commit()
    client = login(mediator)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'<option value="{court.id}">清江浦区人民法院</option>' in page
    assert 'name="court_name"' not in page
    client.post(f"/agreements/{agreement.id}/confirmation-application",
                data={"court": str(court.id)})
    session.expire_all()
    documents = _applications(session, case)
    assert len(documents) == 1 and documents[0].institution_id == mediator.institution_id


def test_the_page_refuses_a_court_outside_the_list(make, issuer, login, session):
    """A court outside the jurisdiction list posted by hand issues nothing and says why."""
    case, mediator, agreement = _succeeded(make, issuer)
    make.institution(kind="court", name="本区人民法院", region=mediator.institution.region)
    elsewhere = make.institution(kind="court", name="外区人民法院", region=make.district())
    make.commit()
    response = login(mediator).post(f"/agreements/{agreement.id}/confirmation-application",
                                    data={"court": str(elsewhere.id)}, follow_redirects=True)
    assert "有管辖权" in response.get_data(as_text=True)
    session.expire_all()
    assert _applications(session, case) == []
