"""The cases of the review (issue 8): a record belongs to the institution whose handling
made it. After a committee's successful mediation goes to the court for 司法确认
(人民调解法 art. 33), the court holds the case but cannot void the committee's agreement,
and the committee still sees whole what it made; a committee reader gets no whole PDF
(only the rendition with personal data masked)."""

from datetime import date

import pytest
from sqlalchemy import select

from mediation_app.access import policy
from mediation_app.agreements import services as agreements
from mediation_app.agreements.models import Agreement, MediationSession
from mediation_app.db import utcnow
from mediation_app.documents.models import Document
from mediation_app.handlings.catalog import catalog
from mediation_app.handlings.services import fire_transition
from mediation_app.referrals import services as referrals
from mediation_app.storage import Storage

from ..unchanged import snapshot, stored_files


@pytest.fixture
def confirmation(make, session, issuer):
    """A committee's signed agreement with 履行 and 回访, handed to the court, which accepted."""
    case, mediator = make.mediating_case()
    district = mediator.institution.region
    agreement = make.sign_everyone(make.agreement(case, mediator), case, mediator, issuer=issuer)
    fire_transition(session, case, "close_success", actor=mediator, now=utcnow())
    performance = agreements.plan_performance(session, agreement, description="付款",
                                              due_on=date.today(), actor=mediator, now=utcnow())
    visit = agreements.record_follow_up(session, case, visited_on=date.today(), satisfaction=5,
                                        notes="满意", actor=mediator, now=utcnow())
    court = make.institution(kind="court", region=district, name="清江浦区人民法院")
    liaison = make.user(role="liaison", institution=court)
    referral = referrals.send_referral(session, catalog(), case, kind="judicial_confirmation",
                                       to_institution=court, reason="双方共同申请司法确认。",
                                       actor=mediator, now=utcnow(), accept_working_days=3,
                                       issuer=issuer)
    referrals.accept_referral(session, catalog(), referral, actor=liaison, now=utcnow())
    reader = make.user(role="committee",
                       institution=make.institution(kind="committee", region=district))
    session.commit()
    return case, agreement, performance, visit, mediator, liaison, reader


def test_the_court_cannot_void_the_committees_agreement(session, confirmation):
    case, agreement, _, _, _, liaison, _ = confirmation
    assert policy.can_change_case(liaison, case)
    with pytest.raises(agreements.AgreementError):
        agreements.correct_agreement(session, agreement, reason="更正", actor=liaison,
                                     now=utcnow())
    session.rollback()
    assert session.get(Agreement, agreement.id).status == "signed"


def test_the_court_gets_403_and_the_agreement_stays_signed_when_it_asks_to_correct(
        session, login, confirmation):
    _, agreement, _, _, _, liaison, _ = confirmation
    client = login(liaison)
    before, files = snapshot(), stored_files()
    response = client.post(f"/agreements/{agreement.id}/correct", data={"reason": "更正"})
    assert response.status_code == 403
    assert snapshot() == before and stored_files() == files   # no draft, no event, no file
    session.expire_all()
    statuses = session.scalars(select(Agreement.status)
                               .where(Agreement.case_id == agreement.case_id)).all()
    assert statuses == ["signed"]


def test_the_committee_keeps_its_sessions_agreement_performance_and_visit_whole(
        session, confirmation):
    case, agreement, performance, visit, mediator, _, _ = confirmation
    sessions = session.scalars(select(MediationSession)
                               .where(MediationSession.case_id == case.id)).all()
    assert sessions and all(policy.sees_record_whole(mediator, s) for s in sessions)
    assert all(policy.sees_record_whole(mediator, record)
               for record in (agreement, performance, visit))
    assert policy.sees_personal_data(mediator, case)
    assert not any(policy.can_change_record(mediator, record)
                   for record in (agreement, performance, visit))


def test_the_committee_reads_its_parties_id_numbers_whole_on_the_case_page(login, confirmation):
    case, _, _, _, mediator, _, _ = confirmation
    number = case.parties[0].id_number
    assert number in login(mediator).get(f"/cases/{case.id}").get_data(as_text=True)


def test_a_committee_reader_sees_the_id_numbers_masked(login, confirmation):
    case, _, _, _, _, _, reader = confirmation
    page = login(reader).get(f"/cases/{case.id}").get_data(as_text=True)
    number = case.parties[0].id_number
    assert number not in page and number[:4] + "*" * 10 + number[-4:] in page


def test_a_committee_reader_gets_no_whole_pdf_of_the_committees_agreement(
        session, login, confirmation, app):
    case, _, _, _, mediator, _, reader = confirmation
    document = session.scalars(select(Document).where(Document.case_id == case.id,
                                                      Document.kind == "agreement")).one()
    copy = login(reader).get(f"/documents/{document.id}")
    original = Storage(app.config["MEDIATION_STORAGE"]).read(document.storage_key)
    assert copy.data.startswith(b"%PDF") and copy.data != original  # the masked rendition
    assert policy.sees_record_whole(mediator, document)
    assert not policy.sees_record_whole(reader, document)


def test_after_the_handover_both_read_the_committees_records_on_the_case_page(
        login, confirmation):
    case, _, _, _, mediator, liaison, _ = confirmation
    for reader in (mediator, liaison):
        page = login(reader).get(f"/cases/{case.id}").get_data(as_text=True)
        assert "已签署生效" in page and "付款" in page and "满意" in page
        login(reader).post("/logout")


def test_the_court_holding_the_case_for_confirmation_is_offered_no_mediation_step(
        login, confirmation):
    case, _, _, _, _, liaison, _ = confirmation
    page = login(liaison).get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/cases/{case.id}/sessions/new" not in page
    assert f"/cases/{case.id}/agreement/new" not in page
