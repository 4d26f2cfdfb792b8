"""Issue a document: render, sign with the institution's certificate, hash, store, record.
A failure at any step leaves nothing stored: the file is removed if recording fails."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import datetime

import segno
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..agreements.models import Agreement
from ..audit.services import record_event
from ..auth.models import User
from ..cases.models import Case, Handling
from ..directory.models import Institution
from ..storage import Storage
from .certificates import ensure_certificate, unlock
from .models import Document
from .rendering import render_pdf
from .signing import sign_pdf

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
AGREEMENT_TEMPLATES = {"peoples": "agreement.html", "police": "agreement_police.html",
                       "traffic": "agreement_traffic.html", "court": "agreement_court.html"}
SEAL_CAPTIONS = {"peoples_committee": "人民调解专用章", "professional_committee": "人民调解专用章",
                 "court": "调解专用章", "police": "治安调解专用章", "traffic_police": "事故处理专用章"}


@dataclass(frozen=True)
class Issuer:
    """Where documents are stored, how they are signed, and the public verify address."""

    storage: Storage
    secret_key: str
    public_url: str


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def verify_url(issuer: Issuer, code: str) -> str:
    return f"{issuer.public_url.rstrip('/')}/verify/{code}"


def _qr_svg(url: str) -> Markup:
    return Markup(segno.make(url, error="m").svg_inline(scale=2, border=1))


def _common_context(case: Case, institution: Institution, issuer: Issuer, code: str,
                    now: datetime) -> dict:
    url = verify_url(issuer, code)
    return {"case": case, "institution": institution, "verification_code": code,
            "verify_url": url, "qr_svg": _qr_svg(url), "now": now,
            "seal_caption": SEAL_CAPTIONS.get(institution.kind, "专用章")}


def issue(session: Session, issuer: Issuer, *, case: Case, institution: Institution, kind: str,
          title: str, template: str, context: dict, actor: User | None, now: datetime,
          agreement: Agreement | None = None) -> Document:
    code = new_code()
    pdf = render_pdf(template, **_common_context(case, institution, issuer, code, now), **context)
    certificate = ensure_certificate(session, institution, storage=issuer.storage,
                                     secret_key=issuer.secret_key, now=now)
    p12, passphrase = unlock(certificate, storage=issuer.storage, secret_key=issuer.secret_key)
    signed = sign_pdf(pdf, p12, passphrase, reason=title, location=institution.name)
    key, digest = issuer.storage.put("documents", signed)
    try:
        document = Document(case_id=case.id, institution_id=institution.id, kind=kind,
                            title=title, agreement_id=agreement.id if agreement else None,
                            storage_key=key, sha256=digest, size=len(signed),
                            verification_code=code, is_signed=True,
                            created_by_id=actor.id if actor else None, created_at=now)
        session.add(document)
        session.flush()
        record_event(session, case, "document.issued", actor=actor, now=now, kind=kind,
                     title=title, code=code, sha256=digest)
    except Exception:
        issuer.storage.delete(key)
        raise
    return document


def _signatures_context(agreement: Agreement) -> list[dict]:
    return [{"data_uri": "data:image/png;base64," + base64.b64encode(s.image_png).decode(),
             "name": s.signer_name, "role": "当事人" if s.party_id else "人民调解员",
             "signed_at": s.signed_at} for s in agreement.signatures]


def agreement_html_context(agreement: Agreement, *, draft: bool) -> dict:
    return {"agreement": agreement, "signatures": _signatures_context(agreement),
            "sealed": not draft, "draft": draft}


def agreement_title(agreement: Agreement) -> str:
    return {"police": "治安调解协议书", "traffic": "道路交通事故损害赔偿调解书",
            "court": "诉前调解协议"}.get(agreement.template, "人民调解协议书")


def _mediating_institution(session: Session, agreement: Agreement) -> Institution:
    return session.get(Handling, agreement.handling_id).institution


def issue_agreement(session: Session, issuer: Issuer, agreement: Agreement, *,
                    actor: User | None, now: datetime) -> Document:
    case = session.get(Case, agreement.case_id)
    institution = _mediating_institution(session, agreement)
    return issue(session, issuer, case=case, institution=institution, kind="agreement",
                 title=agreement_title(agreement), template=AGREEMENT_TEMPLATES[agreement.template],
                 context=agreement_html_context(agreement, draft=False), actor=actor, now=now,
                 agreement=agreement)


def preview_agreement(session: Session, issuer: Issuer, agreement: Agreement, *,
                      now: datetime) -> bytes:
    """The draft as it will print, marked 草稿, neither signed nor stored."""
    case = session.get(Case, agreement.case_id)
    institution = _mediating_institution(session, agreement)
    context = _common_context(case, institution, issuer, "（草稿无验证码）", now)
    return render_pdf(AGREEMENT_TEMPLATES[agreement.template], **context,
                      **agreement_html_context(agreement, draft=True))


def issue_failure_notice(session: Session, issuer: Issuer, case: Case, *, actor: User,
                         now: datetime) -> Document:
    handling = case.handlings[-1]
    return issue(session, issuer, case=case, institution=handling.institution,
                 kind="failure_notice", title="终止调解告知书", template="failure_notice.html",
                 context={}, actor=actor, now=now)


def issue_confirmation_application(session: Session, issuer: Issuer, agreement: Agreement, *,
                                   court_name: str, actor: User, now: datetime) -> Document:
    case = session.get(Case, agreement.case_id)
    agreement_document = session.scalar(select(Document).where(
        Document.agreement_id == agreement.id, Document.kind == "agreement"))
    institution = _mediating_institution(session, agreement)
    return issue(session, issuer, case=case, institution=institution,
                 kind="confirmation_application", title="司法确认申请书",
                 template="confirmation_application.html",
                 context={"agreement": agreement, "court_name": court_name,
                          "agreement_code": agreement_document.verification_code
                          if agreement_document else "—"},
                 actor=actor, now=now, agreement=agreement)
