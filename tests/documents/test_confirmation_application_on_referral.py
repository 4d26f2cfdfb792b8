"""The joint application for 司法确认 (司法确认申请书) goes with the referral that sends the
case to the court: issued, signed and attached in the transaction that sends it, addressed
to the referral's receiving court, so the court's liaison reads it without anyone typing.

民事诉讼法 第二百零五条 (both parties apply jointly within 30 days, to the court with
jurisdiction), 第二百零六条 (the court rules on it); 《最高人民法院关于人民调解协议司法确认
程序的若干规定》(法释〔2011〕5号) 第二条 (the court where the committee sits), 第三条 (the
application, the agreement, proof of identity, the parties' addresses and phones)."""

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from mediation_app.agreements import issuing
from mediation_app.audit.models import CaseEvent
from mediation_app.documents.models import Document
from mediation_app.referrals.enclosures import enclosed_documents
from mediation_app.referrals.services import ReferralError
from mediation_app.storage import Storage

from ..referrals.helpers import (
    build_world,
    file_case,
    fire,
    record_session,
    send,
    sign_agreement,
)
from .channel_helpers import TIME_OF_DAY, assert_real_cjk_glyphs

MONDAY = datetime(2026, 11, 23, 2, 0)  # 10:00 in China


@pytest.fixture
def world(make):
    return build_world(make)


@pytest.fixture
def succeeded(session, world):
    """A committee's case mediated to a signed agreement, ready for 司法确认."""
    case = file_case(session, world.mediator, now=MONDAY)
    fire(session, case, world.mediator, MONDAY, "accept", "start_mediation")
    record_session(session, case, world.mediator, MONDAY)
    agreement = sign_agreement(session, case, world.mediator, MONDAY)
    fire(session, case, world.mediator, MONDAY, "close_success")
    return case, agreement


def _applications(session, case) -> list[Document]:
    return list(session.scalars(select(Document).where(
        Document.case_id == case.id, Document.kind == "confirmation_application")
        .order_by(Document.id)))


def _text(app, pdf_text, pdf_fonts, document: Document) -> str:
    content = Storage(app.config["MEDIATION_STORAGE"]).read(document.storage_key)
    assert_real_cjk_glyphs(pdf_fonts(content))
    text = re.sub(r"https?://\S+", "", pdf_text(content))  # the verify address has a port
    assert not TIME_OF_DAY.search(text), "documents show dates, not times of day"
    return " ".join(text.split())


def test_sending_for_judicial_confirmation_attaches_the_joint_application_to_the_referral(
        session, world, succeeded):
    """民事诉讼法 第二百零五条: the parties apply jointly; the application is issued by the
    committee as the referral is sent and belongs to that referral."""
    case, _agreement = succeeded
    referral = send(session, case, "judicial_confirmation", world.court, world.mediator, MONDAY)
    [application] = enclosed_documents(session, [referral])[referral.id]
    assert application.kind == "confirmation_application"
    assert application.referral_id == referral.id
    assert application.institution_id == world.committee.id and application.is_signed
    event = session.scalar(select(CaseEvent).where(CaseEvent.action == "document.issued",
                                                   CaseEvent.case_id == case.id))
    assert event.data["referral"] == referral.id


def test_the_application_names_both_parties_as_joint_applicants_and_the_receiving_court(
        app, session, world, succeeded, pdf_text, pdf_fonts):
    """民事诉讼法 第二百零五条、第二百零六条; 若干规定 第二条: addressed to the court that
    received the referral; 第三条: the attached materials are listed. Read back as text:
    title, articles, the parties labelled 申请人一 and 申请人二, dates without times."""
    case, _agreement = succeeded
    referral = send(session, case, "judicial_confirmation", world.court, world.mediator, MONDAY)
    text = _text(app, pdf_text, pdf_fonts, enclosed_documents(session, [referral])[referral.id][0])
    assert "司法确认申请书" in text
    assert "民事诉讼法》第二百零五条" in text and "第二百零六条" in text
    assert "司法确认程序的若干规定》第二条、第三条" in text
    first, second = case.parties
    assert f"申请人一 {first.name}" in text and f"申请人二 {second.name}" in text
    assert "被申请人" not in text
    assert "附送材料" in text and "身份证明" in text and "送达地址" in text
    assert text.count("清江浦区人民法院") >= 2 and "淮阴区人民法院" not in text


def test_a_refused_referral_issues_no_application(session, world, succeeded):
    """若干规定 第二条: only a court with jurisdiction receives it; a refused send leaves
    neither a referral nor an application behind."""
    case, _agreement = succeeded
    with pytest.raises(ReferralError):
        send(session, case, "judicial_confirmation", world.committee_b, world.mediator, MONDAY)
    assert _applications(session, case) == []


def test_an_application_issued_before_is_voided_by_the_one_sent_with_the_referral(
        session, world, succeeded, issuer):
    """One application, to one court (若干规定 第二条): one issued earlier from the case
    page is replaced by the one addressed to the referral's receiver, and the voiding is
    recorded."""
    case, agreement = succeeded
    earlier = issuing.issue_confirmation_application(
        session, issuer, agreement, court=world.court, actor=world.mediator, now=MONDAY)
    referral = send(session, case, "judicial_confirmation", world.court, world.mediator, MONDAY)
    assert earlier.voided_at == MONDAY
    assert [d.id for d in enclosed_documents(session, [referral])[referral.id]] == [
        d.id for d in _applications(session, case) if d.voided_at is None]
    assert session.scalar(select(CaseEvent).where(CaseEvent.action == "document.voided"))


def test_the_court_liaison_reads_the_application_on_the_referral(
        app, session, world, succeeded, login, pdf_text):
    """The receiving court's liaison finds the 司法确认申请书 on the waiting referral and
    downloads it, with the parties' personal data masked until the court accepts (the one
    rule of access/masking.py)."""
    case, _agreement = succeeded
    referral = send(session, case, "judicial_confirmation", world.court, world.mediator, MONDAY)
    [application] = enclosed_documents(session, [referral])[referral.id]
    session.commit()
    client = login(world.court_liaison)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'href="/documents/{application.id}">司法确认申请书</a>' in page
    text = pdf_text(client.get(f"/documents/{application.id}").get_data())
    assert "司法确认申请书" in text and "清江浦区人民法院" in text
    assert "遮蔽" in text or "副本" in text
