"""Issue a document: render, sign with the institution's certificate, hash, store, record.
A failure at any step leaves nothing stored: the file is removed if recording fails."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

import segno
from markupsafe import Markup
from sqlalchemy.orm import Session

from ..access.masking import case_for_reader, masked_for_reader
from ..audit.services import record_event
from ..auth.models import User
from ..casefile.models import Case, Handling, Referral
from ..storage import Storage
from ..workflow.definition import DocumentSpec
from .certificates import ensure_certificate, unlock
from .models import Document
from .rendering import render_pdf
from .signing import sign_pdf

if TYPE_CHECKING:
    from ..agreements.models import Agreement

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I


class DocumentError(ValueError):
    """`code`: not_issued_here (the workflow names no such document), wrong_state."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


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


def spec_for(handling: Handling, kind: str, *, any_state: bool = False) -> DocumentSpec:
    """The document of this kind the handling's workflow issues, in its current state."""
    spec = handling.definition.document(kind)
    if spec is None:
        raise DocumentError("not_issued_here")
    if not any_state and spec.at and handling.state not in spec.at:
        raise DocumentError("wrong_state")
    return spec


def common_context(case: Case, handling: Handling, spec: DocumentSpec, issuer: Issuer,
                    code: str, now: datetime) -> dict:
    return {"case": case, "handling": handling, "institution": handling.institution,
            "spec": spec, "title": spec.title, "cites": spec.cites, "seal_caption": spec.seal,
            **verification_marks(verify_url(issuer, code), code), "now": now}


def verification_marks(url: str, code: str) -> dict:
    """What a signed PDF prints to be checked: the code, the verify address and its QR."""
    return {"verification_code": code, "verify_url": url, "qr_svg": _qr_svg(url)}


def sign_as(session: Session, issuer: Issuer, institution, pdf: bytes, *, reason: str,
            now: datetime) -> bytes:
    """The PDF signed (PAdES) with the institution's certificate, a demo one made if it has
    none: how every issued document and case file is signed."""
    certificate = ensure_certificate(session, institution, storage=issuer.storage,
                                     secret_key=issuer.secret_key, now=now)
    p12, passphrase = unlock(certificate, storage=issuer.storage, secret_key=issuer.secret_key)
    return sign_pdf(pdf, p12, passphrase, reason=reason, location=institution.name)


def masked_context(context: dict) -> dict:
    """The same document for readers who see the case masked: the parties' personal data
    masked (access/masking.py), and ID numbers and phones written in any of its text (facts,
    clauses, records), marked as a copy that is not an original."""
    return {**masked_for_reader(context),
            "case": case_for_reader(context["case"], whole=False), "masked": True}


def issue(session: Session, issuer: Issuer, *, case: Case, handling: Handling, kind: str,
          context: dict, actor: User | None, now: datetime, agreement: Agreement | None = None,
          number: str | None = None, dated_on: date | None = None,
          any_state: bool = False, referral: Referral | None = None) -> Document:
    """Render the workflow's document of `kind`, sign it as the handling's institution,
    store it and record it (with the referral it goes with, if any); the template, title,
    seal and law come from the workflow."""
    spec = spec_for(handling, kind, any_state=any_state)
    institution = handling.institution
    code = new_code()
    common = common_context(case, handling, spec, issuer, code, now)
    pdf = render_pdf(spec.template, **common, **context)
    masked = render_pdf(spec.template, **masked_context({**common, **context}))
    signed = sign_as(session, issuer, institution, pdf, reason=spec.title, now=now)
    key, digest = issuer.storage.put("documents", signed)
    masked_key, _ = issuer.storage.put("documents", masked)
    try:
        document = Document(case_id=case.id, institution_id=institution.id, kind=kind,
                            title=spec.title, agreement_id=agreement.id if agreement else None,
                            referral_id=referral.id if referral else None,
                            storage_key=key, masked_storage_key=masked_key, sha256=digest,
                            size=len(signed),
                            verification_code=code, is_signed=True, number=number,
                            dated_on=dated_on, created_by_id=actor.id if actor else None,
                            created_at=now)
        session.add(document)
        session.flush()
        record_event(session, case, "document.issued", actor=actor, now=now, kind=kind,
                     title=spec.title, code=code, sha256=digest, number=number,
                     referral=referral.id if referral else None)
    except Exception:
        issuer.storage.delete(key)
        issuer.storage.delete(masked_key)
        raise
    return document


def _reason_context(handling: Handling) -> dict:
    reason = handling.definition.reason(handling.outcome_reason or "")
    return {"reason": reason.label if reason else "", "reason_note": handling.outcome_note or ""}


def mediation_failed(case: Case) -> bool:
    """Did the case's last handling end without agreement (the 终止调解告知书 is then due)?"""
    return case.handlings[-1].outcome == "failure"


def issue_failure_notice(session: Session, issuer: Issuer, case: Case, *, actor: User,
                         now: datetime) -> Document:
    """The workflow's notice that mediation ended without agreement, with its reason."""
    handling = case.handlings[-1]
    return issue(session, issuer, case=case, handling=handling, kind="failure_notice",
                 context=_reason_context(handling), actor=actor, now=now)
