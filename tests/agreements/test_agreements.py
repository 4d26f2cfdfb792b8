import base64
from datetime import datetime

import pytest
from sqlalchemy import select

from mediation_app.agreements import services
from mediation_app.agreements.models import Agreement
from mediation_app.documents.models import Document

from ..factories import SIGNATURE_PNG

PNG_DATA_URI = "data:image/png;base64," + base64.b64encode(SIGNATURE_PNG).decode()


def _signed(make, session, issuer=None):
    case, mediator = make.mediating_case()
    agreement = make.agreement(case, mediator)
    make.sign_everyone(agreement, case, mediator, issuer=issuer)
    return case, mediator, agreement


def test_the_agreement_is_signed_only_when_every_party_and_the_mediator_have_signed(make):
    case, mediator = make.mediating_case()
    agreement = make.agreement(case, mediator)
    for party in case.parties:
        services.sign_agreement(make.session, agreement, services.Signer(party=party),
                                image_png=SIGNATURE_PNG, ip_address="1.2.3.4", user_agent="t",
                                actor=mediator, now=datetime.now())
    assert agreement.status == "draft"
    services.sign_agreement(make.session, agreement, services.Signer(user=mediator),
                            image_png=SIGNATURE_PNG, ip_address="1.2.3.4", user_agent="t",
                            actor=mediator, now=datetime.now())
    assert agreement.status == "signed" and agreement.signed_at is not None


def test_a_signature_records_who_when_and_from_where(make):
    case, mediator, agreement = _signed(make, make.session)
    signature = agreement.signatures[0]
    assert (signature.signer_name, signature.ip_address) == (case.parties[0].name, "127.0.0.1")


def test_a_signature_that_is_not_a_png_is_refused(make):
    case, mediator = make.mediating_case()
    agreement = make.agreement(case, mediator)
    with pytest.raises(services.AgreementError, match="bad_signature"):
        services.sign_agreement(make.session, agreement, services.Signer(user=mediator),
                                image_png=b"<svg onload=alert(1)>", ip_address="", user_agent="",
                                actor=mediator, now=datetime.now())


def test_nobody_signs_twice(make):
    case, mediator = make.mediating_case()
    agreement = make.agreement(case, mediator)
    signer = services.Signer(party=case.parties[0])
    services.sign_agreement(make.session, agreement, signer, image_png=SIGNATURE_PNG,
                            ip_address="", user_agent="", actor=mediator, now=datetime.now())
    with pytest.raises(services.AgreementError, match="already_signed"):
        services.sign_agreement(make.session, agreement, signer, image_png=SIGNATURE_PNG,
                                ip_address="", user_agent="", actor=mediator, now=datetime.now())


def test_a_signed_agreement_cannot_be_edited(make):
    _case, mediator, agreement = _signed(make, make.session)
    draft = services.AgreementDraft(facts="x", matters="y", clauses=["z"], amount=None,
                                    performance_manner="m", performance_deadline=None)
    with pytest.raises(services.AgreementError, match="not_editable"):
        services.update_draft(make.session, agreement, draft, actor=mediator, now=datetime.now())


def test_the_edit_page_of_a_signed_agreement_refuses_with_a_message(make, login):
    _case, mediator, agreement = _signed(make, make.session)
    make.commit()
    response = login(mediator).get(f"/agreements/{agreement.id}/edit", follow_redirects=True)
    assert "不能修改" in response.get_data(as_text=True) or "cannot be changed" in \
        response.get_data(as_text=True)


def test_the_api_refuses_to_edit_a_signed_agreement(make, client):
    _case, mediator, agreement = _signed(make, make.session)
    secret = make.token(mediator)
    make.commit()
    response = client.put(f"/api/v1/agreements/{agreement.id}",
                          headers={"Authorization": f"Bearer {secret}"},
                          json={"facts": "x", "matters": "y", "clauses": ["z"],
                                "performance_manner": "m"})
    assert response.status_code == 409 and response.json["code"] == "not_editable"


def test_a_correction_voids_the_old_version_and_opens_a_new_draft(make, session, issuer):
    _case, mediator, agreement = _signed(make, session, issuer)
    corrected = services.correct_agreement(session, agreement, reason="笔误", actor=mediator,
                                           now=datetime.now())
    old_document = session.scalar(select(Document).where(Document.agreement_id == agreement.id))
    assert (agreement.status, corrected.status, corrected.version) == ("voided", "draft", 2)
    assert corrected.supersedes_id == agreement.id and old_document.voided_at is not None


def test_only_one_live_agreement_per_case(make):
    case, mediator = make.mediating_case()
    make.agreement(case, mediator)
    with pytest.raises(services.AgreementError, match="live_exists"):
        make.agreement(case, mediator)


def test_closing_as_success_needs_the_signed_agreement(make, login, session):
    case, mediator = make.mediating_case()
    make.commit()
    client = login(mediator)
    response = client.post(f"/cases/{case.id}/transitions/close_success", follow_redirects=True)
    assert "签" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(type(case), case.id).state == "mediating"


def test_signing_through_the_page_issues_the_signed_pdf(make, login, session):
    case, mediator = make.mediating_case()
    agreement = make.agreement(case, mediator)
    make.commit()
    client = login(mediator)
    for signer in [f"party-{p.id}" for p in case.parties] + ["mediator"]:
        client.post(f"/agreements/{agreement.id}/signatures",
                    data={"signer": signer, "image": PNG_DATA_URI})
    session.expire_all()
    stored = session.get(Agreement, agreement.id)
    document = session.scalar(select(Document).where(Document.agreement_id == agreement.id))
    assert stored.status == "signed" and document.is_signed


def test_police_mediation_allows_at_most_two_sessions(make, session):
    police = make.institution(kind="police")
    officer = make.user(role="liaison", institution=police)
    case, _ = make.mediating_case(by=officer)
    make.session_record(case, officer)
    with pytest.raises(services.AgreementError, match="session_limit"):
        make.session_record(case, officer)


def test_overdue_performance_is_flagged(make, session):
    from datetime import date, timedelta

    from mediation_app.handlings.services import fire_transition

    case, mediator, agreement = _signed(make, session)
    fire_transition(session, case, "close_success", actor=mediator, now=datetime.now())
    item = services.plan_performance(session, agreement, description="付款",
                                     due_on=date.today() - timedelta(days=1), actor=mediator,
                                     now=datetime.now())
    assert item.is_overdue(date.today())
    services.record_performance(session, item, status="full", note="", actor=mediator,
                                now=datetime.now())
    assert not item.is_overdue(date.today())


def test_a_follow_up_visit_needs_a_successful_mediation(make, session):
    case, mediator = make.mediating_case()
    with pytest.raises(services.AgreementError):
        services.record_follow_up(session, case, visited_on=datetime.now().date(),
                                  satisfaction=5, notes="", actor=mediator, now=datetime.now())
