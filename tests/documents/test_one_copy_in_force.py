"""A document a handling issues once (人民调解申请书, 受理登记表, 当事人权利义务告知书, 司法确认
申请书) has one copy in force: issued again by hand, the earlier copy of the same handling is
voided (audited, kept, shown 已作废 with the date), never one made in another institution's
handling. 人民调解法 第十七条 (application and acceptance), 第二十三条、第二十四条 (the
parties told their rights and duties), 第三十三条 and 民事诉讼法 第二百零五条 (one joint
application, to one court)."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from mediation_app.agreements import issuing
from mediation_app.audit.models import CaseEvent
from mediation_app.documents.models import Document
from mediation_app.notifications.models import Notification
from mediation_app.referrals.enclosures import enclosed_documents

from ..referrals.helpers import (
    accept,
    build_world,
    file_case,
    fire,
    record_session,
    send,
    sign_agreement,
)

MONDAY = datetime(2026, 11, 23, 2, 0)  # 10:00 in China
TUESDAY = MONDAY + timedelta(days=1)


@pytest.fixture
def world(make):
    return build_world(make)


def _copies(session, case, kind) -> list[Document]:
    return list(session.scalars(select(Document).where(
        Document.case_id == case.id, Document.kind == kind).order_by(Document.id)))


def _voidings(session, case) -> list[CaseEvent]:
    return list(session.scalars(select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "document.voided")))


def test_issuing_the_application_again_from_the_page_voids_the_earlier_copy(
        make, login, session):
    """人民调解法 第十七条: one application per handling. Issued twice from the documents
    page, the first copy is voided and kept, the voiding audited; nobody else is told."""
    case, mediator = make.mediating_case()
    make.commit()
    client = login(mediator)
    client.post(f"/cases/{case.id}/documents/application")
    client.post(f"/cases/{case.id}/documents/application")
    session.expire_all()
    first, second = _copies(session, case, "application")
    assert first.voided_at is not None and second.voided_at is None
    [event] = _voidings(session, case)
    assert event.data["code"] == first.verification_code and event.data["reason"] == "replaced"
    assert event.actor_id == mediator.id
    assert session.scalar(select(Notification).where(
        Notification.kind == "document.voided")) is None


@pytest.mark.parametrize("kind", ["acceptance_register", "rights_notice"])
def test_each_procedural_document_issued_again_replaces_its_earlier_copy(
        make, session, issuer, kind):
    """人民调解法 第十七条 (受理登记表), 第二十三条、第二十四条 (权利义务告知书): the same
    rule for each document the handling issues once."""
    case, mediator = make.mediating_case()
    now = case.current_handling.started_at
    first = issuing.issue_case_document(session, issuer, case, kind, actor=mediator, now=now)
    later = now + timedelta(days=1)
    second = issuing.issue_case_document(session, issuer, case, kind, actor=mediator, now=later)
    assert first.voided_at == later and second.voided_at is None


def test_issuing_one_kind_leaves_the_other_kinds_in_force(make, session, issuer):
    """Only the copy of the same kind is replaced: the rights notice does not void the
    acceptance register."""
    case, mediator = make.mediating_case()
    now = case.current_handling.started_at
    register = issuing.issue_case_document(session, issuer, case, "acceptance_register",
                                           actor=mediator, now=now)
    issuing.issue_case_document(session, issuer, case, "rights_notice", actor=mediator,
                                now=now + timedelta(days=1))
    assert register.voided_at is None and _voidings(session, case) == []


def test_a_copy_made_in_another_institutions_handling_stays_in_force(session, world, issuer):
    """DESIGN.md §8: a record belongs to the institution that made it; no later holder
    rewrites it. The application the first committee issued stays in force when the
    committee the case was dispatched to issues its own."""
    case = file_case(session, world.mediator, now=MONDAY)
    theirs = issuing.issue_case_document(session, issuer, case, "application",
                                         actor=world.mediator, now=MONDAY)
    escalation = send(session, case, "escalate", world.centre, world.mediator, MONDAY)
    accept(session, escalation, world.dispatcher, MONDAY)
    dispatch = send(session, case, "dispatch", world.committee_b, world.dispatcher, MONDAY)
    accept(session, dispatch, world.mediator_b, MONDAY)  # all the same day: only whose
    ours = issuing.issue_case_document(session, issuer, case, "application",  # tells them apart
                                       actor=world.mediator_b, now=MONDAY)
    assert theirs.voided_at is None and ours.voided_at is None
    assert _voidings(session, case) == []


def test_the_page_shows_a_voided_copy_as_voided_with_its_date(make, login, session):
    """The documents page lists every copy; the replaced one is marked 已作废 with the day
    it was voided, and stays viewable by the institution that issued it."""
    case, mediator = make.mediating_case()
    make.commit()
    client = login(mediator)
    client.post(f"/cases/{case.id}/documents/application")
    client.post(f"/cases/{case.id}/documents/application")
    session.expire_all()
    first, second = _copies(session, case, "application")
    page = client.get(f"/cases/{case.id}/documents").get_data(as_text=True)
    row = page.split(f'<span class="mono">{first.verification_code}</span>', 1)[1][:200]
    assert '<span class="muted voided">已作废（' in row
    assert "已作废" not in page.split(f'<span class="mono">{second.verification_code}</span>',
                                       1)[1][:60]
    assert client.get(f"/documents/{first.id}?view=1").status_code == 200


@pytest.fixture
def succeeded(session, world):
    case = file_case(session, world.mediator, now=MONDAY)
    fire(session, case, world.mediator, MONDAY, "accept", "start_mediation")
    record_session(session, case, world.mediator, MONDAY)
    agreement = sign_agreement(session, case, world.mediator, MONDAY)
    fire(session, case, world.mediator, MONDAY, "close_success")
    return case, agreement


def test_a_confirmation_application_issued_again_by_hand_voids_the_earlier_one(
        session, world, issuer, succeeded):
    """人民调解法 第三十三条, 民事诉讼法 第二百零五条: one joint application, to one court.
    Issued again from the case page, the earlier one is voided; no court had it, none is
    told."""
    case, agreement = succeeded
    first = issuing.issue_confirmation_application(session, issuer, agreement, court=world.court,
                                                   actor=world.mediator, now=MONDAY)
    second = issuing.issue_confirmation_application(session, issuer, agreement,
                                                    court=world.court, actor=world.mediator,
                                                    now=TUESDAY)
    assert first.voided_at == TUESDAY and second.voided_at is None
    assert session.scalar(select(Notification).where(
        Notification.kind == "document.voided")) is None


def test_a_confirmation_application_issued_again_while_the_referral_waits_replaces_the_one_sent(
        session, world, issuer, succeeded):
    """若干规定 第二条、第三条: the court the referral went to receives the application. One
    issued again while the referral waits goes with that referral in place of the one sent,
    which is voided; the court is told."""
    case, agreement = succeeded
    referral = send(session, case, "judicial_confirmation", world.court, world.mediator, MONDAY)
    [sent] = enclosed_documents(session, [referral])[referral.id]
    again = issuing.issue_confirmation_application(session, issuer, agreement, court=None,
                                                   actor=world.mediator, now=TUESDAY)
    assert sent.voided_at == TUESDAY and again.referral_id == referral.id
    assert enclosed_documents(session, [referral])[referral.id] == [again]
    [notice] = session.scalars(select(Notification).where(
        Notification.user_id == world.court_liaison.id, Notification.kind == "document.voided"))
    assert notice.params["document"] == sent.id
    assert "已由同一文书的新出具件取代" in notice.params["detail"]
