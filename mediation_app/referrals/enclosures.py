"""Documents issued to go with a referral as it is sent: the kinds a workflow's `sends`
rule names in `encloses` (workflow.definition.ENCLOSABLE_DOCUMENTS), each issued here by
the function registered under its kind, in the transaction that sends the referral."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..agreements.issuing import issue_confirmation_application
from ..agreements.queries import signed_agreement_for_case
from ..auth.models import User
from ..casefile.models import Referral
from ..documents.models import Document
from ..documents.services import Issuer


def _confirmation_application(session: Session, issuer: Issuer, referral: Referral, *,
                              actor: User, now: datetime) -> Document:
    """司法确认申请书: both parties as joint applicants, the attached materials listed, addressed
    to the referral's receiving court (民事诉讼法 第二百零五条; 《最高人民法院关于人民调解协议
    司法确认程序的若干规定》第二条、第三条)."""
    agreement = signed_agreement_for_case(session, referral.case_id)
    return issue_confirmation_application(session, issuer, agreement,
                                          court=referral.to_institution, actor=actor, now=now,
                                          referral=referral)


ENCLOSERS = {"confirmation_application": _confirmation_application}


def enclose(session: Session, issuer: Issuer, referral: Referral, kinds: tuple[str, ...], *,
            actor: User, now: datetime) -> list[Document]:
    """Issue each enclosed document and attach it to the referral."""
    return [ENCLOSERS[kind](session, issuer, referral, actor=actor, now=now) for kind in kinds]


def enclosed_documents(session: Session, referrals: list[Referral]) -> dict[int, list[Document]]:
    """What went with each referral and still stands (not voided), in one statement."""
    found: dict[int, list[Document]] = {referral.id: [] for referral in referrals}
    if found:
        for document in session.scalars(select(Document).where(
                Document.referral_id.in_(found), Document.voided_at.is_(None))
                .order_by(Document.id)):
            found[document.referral_id].append(document)
    return found
