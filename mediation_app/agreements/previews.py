"""The draft agreement as it will print (marked 草稿, neither signed nor stored). With
REDIS_URL set it is rendered by a queue worker (the job `agreement_preview`, see
mediation_app.rendered); without, by the request."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from ..access import policy
from ..auth.models import User
from ..db import db
from ..documents.services import DocumentError
from ..rendered import render_in_worker
from .issue_jobs import job_issuer
from .issuing import preview_agreement
from .models import Agreement

JOB = "agreement_preview"


def preview_name(agreement: Agreement) -> str:
    return f"agreement-draft-{agreement.id}.pdf"


def preview_job(agreement_id: int, actor_id: int, previewed_at: str, public_url: str) -> dict:
    """The queued job: the draft as the request would have rendered it at `previewed_at`
    (ISO), masked as that user reads it, kept for them should they still see its case;
    {"refused": True} otherwise, or when the draft's handling issues no agreement."""
    def render(actor: User) -> tuple[bytes, str] | None:
        agreement = db.session.get(Agreement, agreement_id)
        if agreement is None or not policy.can_view_record(actor, agreement):
            return None
        try:
            pdf = preview_agreement(db.session, job_issuer(current_app, public_url), agreement,
                                    now=datetime.fromisoformat(previewed_at),
                                    whole=policy.sees_record_whole(actor, agreement))
        except DocumentError:
            return None
        return pdf, preview_name(agreement)

    return render_in_worker(actor_id, render)
