"""Cases under a chosen workflow, moved along, and their documents read back as text."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from mediation_app.agreements import services as agreements
from mediation_app.cases import services as cases
from mediation_app.db import utcnow
from mediation_app.documents.models import Document
from mediation_app.handlings import police
from mediation_app.handlings.catalog import catalog
from mediation_app.handlings.services import fire_transition
from tests.factories import traffic_dates_before

TIME_OF_DAY = re.compile(r"\d{1,2}:\d{2}")
KIND_OF_WORKFLOW = {"peoples_committee": "peoples_committee", "police_mediation": "police",
                    "traffic_accident": "traffic_police", "labour": "labour_bureau",
                    "court_prefiling": "court", "court_in_suit": "court",
                    "judicial_confirmation": "court", "admin_mediation": "admin_other",
                    "arbitration_mediation": "arbitration", "lawyer_mediation": "lawyer_mediation"}


def case_under(make, workflow: str, *, role: str = "mediator", parties=None, **overrides):
    institution = make.institution(kind=KIND_OF_WORKFLOW[workflow],
                                   name=overrides.pop("institution_name", None))
    user = make.user(role=role, institution=institution, display_name="王调解")
    data = cases.NewCase(
        dispute_type=overrides.pop("dispute_type", "neighbour"), source="walk_in",
        region=institution.region, summary=overrides.pop("summary", "排水沟堵塞引发争执"),
        received_on=date(2026, 11, 20),
        parties=parties or [make.party("applicant", name="欧阳明"),
                            make.party("respondent", name="司马芳")],
        description="两家共用排水沟堵塞。", amount=Decimal("1200.00"))
    case = cases.file_case(make.session, data, actor=user, now=utcnow(),
                           workflow=catalog().sources[workflow])
    return case, user


def walk(session, case, user, *steps, **kwargs):
    """Fire the steps; before acceptance under 治安调解, record that the case qualifies, and
    under 交通事故损害赔偿调解 the dates of the application and of the loss."""
    for step in steps:
        if step == "accept" and police.asks_for(case.current_handling, police.ELIGIBILITY_GUARDS):
            police.record_eligibility(session, case, police.Eligibility(
                civil_dispute=True, minor_circumstances=True,
                circumstance="trifles_between_acquaintances"), actor=user, now=utcnow())
        traffic_dates_before(session, case, user, step)
        fire_transition(session, case, step, actor=user, now=utcnow(), **kwargs)


def draft(make, case, user, **details):
    data = agreements.AgreementDraft(
        facts="两家共用排水沟堵塞。", matters="双方均有责任。",
        clauses=["被申请人于十日内支付申请人人民币1,200元。", "双方再无其他争议。"],
        amount=Decimal("1200.00"), performance_manner="银行转账",
        performance_deadline=date(2026, 12, 20), details=details)
    return agreements.draft_agreement(make.session, case, data, actor=user, now=utcnow())


def sign_all(make, agreement, case, user, issuer):
    parties_left, officer_left = agreements.missing_signatures(agreement, case)
    signers = [agreements.Signer(party=p) for p in parties_left]
    signers += [agreements.Signer(user=user)] if officer_left else []
    from mediation_app.agreements import issuing
    from tests.factories import SIGNATURE_PNG

    now = utcnow()
    for signer in signers:
        agreements.sign_agreement(
            make.session, agreement, signer, image_png=SIGNATURE_PNG, ip_address="127.0.0.1",
            user_agent="pytest", actor=user, now=now,
            on_complete=lambda signed: issuing.issue_agreement(
                make.session, issuer, signed, actor=user, now=now))
    return agreement


def stored(session, issuer, case, kind) -> bytes:
    document = session.scalar(select(Document).where(Document.case_id == case.id,
                                                     Document.kind == kind)
                              .order_by(Document.id.desc()))
    return issuer.storage.read(document.storage_key)


def assert_real_cjk_glyphs(fonts: str) -> None:
    """pdffonts lists an embedded CJK font (text extraction alone proves nothing)."""
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk), fonts
