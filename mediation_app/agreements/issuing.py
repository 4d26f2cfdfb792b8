"""The documents the mediation's own records print: the agreement (signed, or previewed
as a draft), the procedural documents that list the sessions, and the joint application
for 司法确认. documents/ renders, signs and stores them; this module gathers what goes in."""

from __future__ import annotations

import base64
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.models import User
from ..casefile.jurisdiction import courts_for_confirmation
from ..casefile.models import Case, Handling, Referral
from ..directory.models import Institution
from ..documents.models import Document
from ..documents.rendering import render_pdf
from ..documents.services import Issuer, common_context, issue, masked_context, spec_for
from ..documents.voiding import void_document
from ..workflow.definition import DocumentSpec
from .models import Agreement, FollowUp, MediationSession, RecordDocument
from .record_signing import signatures as record_signatures
from .services import AgreementError

SIGNER_ROLES = {"mediator": "调解员", "host": "主持人", "judge": "审判员"}


def _signatures_context(agreement: Agreement, spec: DocumentSpec) -> list[dict]:
    officer = next((SIGNER_ROLES[s] for s in spec.signers if s in SIGNER_ROLES), "调解员")
    return [{"data_uri": "data:image/png;base64," + base64.b64encode(s.image_png).decode(),
             "name": s.signer_name, "role": "当事人" if s.party_id else officer,
             "signed_at": s.signed_at} for s in agreement.signatures]


def agreement_html_context(agreement: Agreement, spec: DocumentSpec, *, draft: bool) -> dict:
    return {"agreement": agreement, "details": agreement.details or {},
            "signatures": _signatures_context(agreement, spec), "sealed": not draft,
            "draft": draft}


def agreement_kind(agreement: Agreement) -> str:
    return "oral_agreement" if agreement.form == "oral" else "agreement"


def issue_agreement(session: Session, issuer: Issuer, agreement: Agreement, *,
                    actor: User | None, now: datetime) -> Document:
    case = session.get(Case, agreement.case_id)
    handling = session.get(Handling, agreement.handling_id)
    kind = agreement_kind(agreement)
    spec = spec_for(handling, kind, any_state=True)
    return issue(session, issuer, case=case, handling=handling, kind=kind,
                 context=agreement_html_context(agreement, spec, draft=False), actor=actor,
                 now=now, agreement=agreement, any_state=True)


def preview_agreement(session: Session, issuer: Issuer, agreement: Agreement, *,
                      now: datetime, whole: bool) -> bytes:
    """The draft as it will print, marked 草稿, neither signed nor stored; with personal
    data masked unless the reader sees the agreement whole."""
    case = session.get(Case, agreement.case_id)
    handling = session.get(Handling, agreement.handling_id)
    spec = spec_for(handling, agreement_kind(agreement), any_state=True)
    context = {**common_context(case, handling, spec, issuer, "（草稿无验证码）", now),
               **agreement_html_context(agreement, spec, draft=True)}
    return render_pdf(spec.template, **(context if whole else masked_context(context)))


# documents a handling issues once: a copy issued again replaces (voids) the earlier one
ONCE_PER_HANDLING = ("application", "acceptance_register", "rights_notice",
                     "confirmation_application")


def issue_case_document(session: Session, issuer: Issuer, case: Case, kind: str, *,
                        actor: User, now: datetime, **context) -> Document:
    """One of the documents the current handling's workflow issues in its state (申请书,
    受理登记表, 权利义务告知书, 调解笔录 with `record=`, 回访记录 with `visit=`). Issued again,
    a document the handling issues once replaces its earlier copy (ONCE_PER_HANDLING)."""
    handling = case.current_handling or case.handlings[-1]
    sessions = session.scalars(select(MediationSession).where(
        MediationSession.handling_id == handling.id).order_by(MediationSession.held_on)).all()
    document = issue(session, issuer, case=case, handling=handling, kind=kind,
                     context={"sessions": sessions, **context}, actor=actor, now=now)
    if kind in ONCE_PER_HANDLING:
        void_earlier_copies(session, handling, document, actor=actor, now=now)
    return document


def earlier_copies(session: Session, handling: Handling, document: Document) -> list[Document]:
    """The copies of the document's kind in force that this handling issued before it: by
    the handling's institution, from its start until the institution's next handling of
    the case. Another institution's copies are never among them."""
    query = select(Document).where(
        Document.case_id == handling.case_id, Document.kind == document.kind,
        Document.institution_id == handling.institution_id, Document.id != document.id,
        Document.voided_at.is_(None), Document.created_at >= handling.started_at)
    later = [h.started_at for h in handling.case.handlings
             if h.institution_id == handling.institution_id and h.started_at > handling.started_at]
    if later:
        query = query.where(Document.created_at < min(later))
    return list(session.scalars(query.order_by(Document.id)))


def void_earlier_copies(session: Session, handling: Handling, document: Document, *,
                        actor: User, now: datetime) -> list[Document]:
    """Only the newest copy is in force: the earlier ones are voided, each audited (and the
    court told, for an application that went to it with a referral)."""
    earlier = earlier_copies(session, handling, document)
    for copy in earlier:
        void_document(session, copy, reason="replaced", actor=actor, now=now)
    return earlier


def png_data_uri(image_png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(image_png).decode()


def session_record_signatures(session: Session, record: MediationSession) -> list[dict]:
    """Each person present with their drawn signature, or their refusal and its note, as
    the 调解笔录 prints them beside their names."""
    return [{"name": s.signer_name, "role": s.signer_role, "refused": s.refused,
             "note": s.refusal_note, "signed_at": s.signed_at,
             "data_uri": png_data_uri(s.image_png) if s.image_png else None}
            for s in record_signatures(session, record)]


def issue_session_record(session: Session, issuer: Issuer, record: MediationSession, *,
                         actor: User, now: datetime) -> Document:
    """The 调解笔录 of one session, signed by those present (人民调解法 第二十七条), issued
    by the handling that recorded it and kept as that session's record document."""
    case = session.get(Case, record.case_id)
    handling = session.get(Handling, record.handling_id)
    document = issue(session, issuer, case=case, handling=handling, kind="session_record",
                     context={"record": record, "sessions": [record],
                              "record_signatures": session_record_signatures(session, record)},
                     actor=actor, now=now, dated_on=record.held_on)
    session.add(RecordDocument(document_id=document.id, session_id=record.id))
    session.flush()
    return document


def issue_visit_record(session: Session, issuer: Issuer, visit: FollowUp, *, actor: User,
                       now: datetime) -> Document:
    """The 回访记录 of one follow-up visit (人民调解法 第三十一条), once per visit."""
    case = session.get(Case, visit.case_id)
    document = issue_case_document(session, issuer, case, "follow_up_record", actor=actor,
                                   now=now, visit=visit)
    session.add(RecordDocument(document_id=document.id, follow_up_id=visit.id))
    session.flush()
    return document


CONFIRMATION = "judicial_confirmation"


def confirmation_referral(session: Session, case: Case) -> Referral | None:
    """The case's referral for 司法确认 still in force (waiting or accepted), if any."""
    return session.scalar(select(Referral).where(
        Referral.case_id == case.id, Referral.kind == CONFIRMATION,
        Referral.status.in_(("pending", "accepted"))).order_by(Referral.id.desc()).limit(1))


def confirmation_courts(session: Session, case: Case,
                        institution: Institution) -> tuple[list[Institution], bool]:
    """The courts the joint application may be addressed to, and whether that is fixed: the
    receiver of the case's 司法确认 referral when there is one; otherwise the courts with
    jurisdiction seen from the applying institution (民事诉讼法 第二百零五条; 《最高人民法院
    关于人民调解协议司法确认程序的若干规定》第二条), nearest first."""
    referral = confirmation_referral(session, case)
    if referral is not None:
        return [referral.to_institution], True
    return courts_for_confirmation(session, case, institution), False


def issue_confirmation_application(session: Session, issuer: Issuer, agreement: Agreement, *,
                                   court: Institution | None, actor: User, now: datetime,
                                   referral: Referral | None = None) -> Document:
    """The parties' joint application for 司法确认, addressed to one of the courts
    `confirmation_courts` offers (never a name typed in): AgreementError `not_a_court`
    otherwise. It lists the materials 若干规定 第三条 asks for. It replaces (voids) the
    applications the same handling issued before: one application, to one court. Issued for
    a referral, or by hand while a referral for 司法确认 waits, it goes with that referral."""
    case = session.get(Case, agreement.case_id)
    courts, fixed = confirmation_courts(session, case, actor.institution)
    if fixed and court is None:
        court = courts[0]
    if court is None or court.id not in {c.id for c in courts}:
        raise AgreementError("not_a_court")
    agreement_document = session.scalar(select(Document).where(
        Document.agreement_id == agreement.id, Document.kind.in_(("agreement", "oral_agreement")),
        Document.voided_at.is_(None)))
    handling = session.get(Handling, agreement.handling_id)
    if referral is None:
        waiting = confirmation_referral(session, case)
        referral = waiting if waiting is not None and waiting.is_pending else None
    document = issue(session, issuer, case=case, handling=handling,
                     kind="confirmation_application",
                     context={"agreement": agreement, "court": court, "court_name": court.name,
                              "agreement_code": agreement_document.verification_code
                              if agreement_document else "—"},
                     actor=actor, now=now, agreement=agreement, referral=referral)
    void_earlier_copies(session, handling, document, actor=actor, now=now)
    return document
