"""The last signature given by link, as a job (mediation_app.jobs `party_signature`). With
REDIS_URL set, the party's request checks the signature and leaves it to a queue worker,
which spends the link, stores the signature, issues the sealed agreement and delivers it to
every party, in one transaction, as the request does without REDIS_URL; failed, it keeps
none of it and the party signs again by the same link."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..agreements.issue_jobs import issue_all_or_nothing, job_issuer
from ..agreements.issuing import issue_agreement
from ..agreements.models import Agreement
from ..db import db
from ..documents.models import Document
from ..documents.services import Issuer
from ..jobs.runtime import job_app
from .delivery import deliver_signed_agreement
from .models import PartyGrant, SigningLink
from .signing import sign_by_link

JOB = "party_signature"


def seal_and_deliver(session: Session, issuer: Issuer, agreement: Agreement, *,
                     now: datetime, follow_url: str) -> Document:
    """The last signature: the sealed, signed PDF is issued and delivered to every party."""
    document = issue_agreement(session, issuer, agreement, actor=None, now=now)
    deliver_signed_agreement(session, document, now=now, follow_url=follow_url)
    return document


def sign_job(link_id: int, grant_id: int, image_png: bytes, ip_address: str, user_agent: str,
             signed_at: str, public_url: str, follow_url: str) -> dict:
    """The queued job: what `issue_all_or_nothing` returns (document_id None: the signature
    was stored, and was not, after all, the last one)."""
    app = job_app()
    with app.app_context():
        session, issuer, issued = db.session, job_issuer(app, public_url), []
        now = datetime.fromisoformat(signed_at)

        def sign() -> Document | None:
            sign_by_link(session, session.get(SigningLink, link_id),
                         session.get(PartyGrant, grant_id), image_png=image_png,
                         ip_address=ip_address, user_agent=user_agent, now=now,
                         on_complete=lambda signed: issued.append(seal_and_deliver(
                             session, issuer, signed, now=now, follow_url=follow_url)))
            return issued[0] if issued else None

        try:
            return issue_all_or_nothing(session, issuer, sign, f"signature by link {link_id}")
        finally:
            db.session.remove()
