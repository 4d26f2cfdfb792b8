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
from ..documents.voiding import void_document


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


def void_enclosures(session: Session, referral: Referral, *, reason: str, actor: User | None,
                    now: datetime) -> list[Document]:
    """The documents that went with a referral that did not go through (withdrawn, returned,
    expired) are void: the receiver no longer has them in force, and is told."""
    documents = list(session.scalars(select(Document).where(
        Document.referral_id == referral.id, Document.voided_at.is_(None))
        .order_by(Document.id)))
    return [document for document in documents
            if void_document(session, document, reason=reason, actor=actor, now=now)]


def enclosed_documents(session: Session, referrals: list[Referral], *,
                       voided: bool = False) -> dict[int, list[Document]]:
    """What went with each referral and still stands (not voided), in one statement; with
    `voided`, the voided ones too (their issuer's record of what was sent)."""
    found: dict[int, list[Document]] = {referral.id: [] for referral in referrals}
    if found:
        query = select(Document).where(Document.referral_id.in_(found))
        if not voided:
            query = query.where(Document.voided_at.is_(None))
        for document in session.scalars(query.order_by(Document.id)):
            found[document.referral_id].append(document)
    return found
