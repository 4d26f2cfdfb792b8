"""Signing remotely by one-time link: prove identity, read the agreement, sign it; the
signed agreement is issued and delivered when the last signature is in (with REDIS_URL set,
by a queue worker: sign_jobs)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..agreements.issue_jobs import sign_or_queue
from ..agreements.models import Agreement
from ..agreements.services import AgreementError
from ..db import db, utcnow
from ..documents.issuer import current_issuer
from ..extensions import limiter
from ..jobs import enqueue, outcome
from ..labels import label
from ..transaction import discard
from .blueprint import bp
from .forms import RemoteSignatureForm, SignerForm
from .messages import refusal_message
from .models import PartyGrant, SigningLink
from .sign_jobs import JOB, seal_and_deliver
from .signing import (
    confirm_signer,
    find_link,
    link_of_token,
    request_sign_code,
    sign_by_link,
)
from .verification import VerificationRefused
from .web import client_ip, current_grant, ip_limit, set_grant_cookie, verifier


def _link_or_gone(token: str):
    link = find_link(db.session, verifier(), token, now=utcnow())
    if link is None:
        return None, render_template("parties/refused.html",
                                     message=refusal_message("link_gone")), 404
    return link, None, None


@bp.route("/sign/<token>", methods=["GET", "POST"])
@limiter.limit(ip_limit, methods=["POST"])
def sign_identity(token: str):
    """Remote signing, step 1: prove who you are (phone code + last six of the ID number)."""
    link, page, code = _link_or_gone(token)
    if link is None:
        return page, code
    form = SignerForm()
    if form.validate_on_submit() and form.send_code.data:
        try:
            masked = request_sign_code(db.session, verifier(), link, ip_address=client_ip(),
                                       now=utcnow())
        except VerificationRefused as refusal:
            flash(refusal_message(refusal.code), "error")
            return render_template("parties/sign_identity.html", form=form)
        return render_template("parties/sign_identity.html", form=form, sent_to=masked)
    if form.validate_on_submit():
        if not form.code.data or not form.id_tail.data:
            flash(_("Enter the last six characters of your ID number and the code."), "error")
            return render_template("parties/sign_identity.html", form=form, sent_to=True)
        try:
            grant = confirm_signer(db.session, verifier(), link, code=form.code.data,
                                   id_tail=form.id_tail.data, ip_address=client_ip(),
                                   now=utcnow())
        except VerificationRefused as refusal:
            flash(refusal_message(refusal.code), "error")
            return render_template("parties/sign_identity.html", form=form, sent_to=True)
        return set_grant_cookie(redirect(url_for("parties.sign_agreement", token=token)), grant)
    return render_template("parties/sign_identity.html", form=form)


def _signing_grant(link):
    grant = current_grant()
    return grant if grant is not None and grant.signing_link_id == link.id else None


@bp.get("/sign/<token>/agreement")
def sign_agreement(token: str):
    """Remote signing, step 2: read the agreement and sign on the screen."""
    link, page, code = _link_or_gone(token)
    if link is None:
        return page, code
    if _signing_grant(link) is None:
        return redirect(url_for("parties.sign_identity", token=token))
    agreement = db.session.get(Agreement, link.agreement_id)
    return render_template("parties/sign_agreement.html", agreement=agreement, token=token,
                           form=RemoteSignatureForm())


@bp.post("/sign/<token>/signature")
def sign_submit(token: str):
    """Store the party's drawn signature; the last one seals and signs the PDF (with
    REDIS_URL set, a queue worker does, while a page that follows it waits)."""
    link, page, code = _link_or_gone(token)
    if link is None:
        return page, code
    grant = _signing_grant(link)
    if grant is None:
        return redirect(url_for("parties.sign_identity", token=token))
    form = RemoteSignatureForm()
    if not form.validate_on_submit():
        flash(_("The signature could not be read. Please sign again."), "error")
        return redirect(url_for("parties.sign_agreement", token=token))
    signature = _Signature(token, link.id, grant.id,
                           base64.b64decode(form.image.data.split(",", 1)[1]), utcnow())
    try:
        following = sign_or_queue(partial(_sign, signature),
                                  partial(_seal_here, signature), partial(_queued, signature))
    except AgreementError as refusal:
        discard()
        flash(label("agreement_refusal", refusal.code), "error")
        return redirect(url_for("parties.sign_agreement", token=token))
    if following is not None:
        return following
    flash(_("Thank you, your signature is recorded."), "success")
    return redirect(url_for("parties.status"))


@dataclass(frozen=True)
class _Signature:
    token: str
    link_id: int
    grant_id: int
    image_png: bytes
    now: datetime


def _sign(signature: _Signature, on_complete) -> None:
    sign_by_link(db.session, db.session.get(SigningLink, signature.link_id),
                 db.session.get(PartyGrant, signature.grant_id), image_png=signature.image_png,
                 ip_address=client_ip(), user_agent=request.user_agent.string,
                 now=signature.now, on_complete=on_complete)


def _seal_here(signature: _Signature, signed: Agreement) -> None:
    seal_and_deliver(db.session, current_issuer(), signed, now=signature.now,
                     follow_url=_follow_url())


def _follow_url() -> str:
    return url_for("parties.follow", _external=True)


def _queued(signature: _Signature):
    """The last signature queued with the sealing; the page that follows it, or None."""
    handle = enqueue(JOB, link_id=signature.link_id, grant_id=signature.grant_id,
                     image_png=signature.image_png, ip_address=client_ip(),
                     user_agent=request.user_agent.string, signed_at=signature.now.isoformat(),
                     public_url=current_issuer().public_url, follow_url=_follow_url())
    if handle.mode != "queue":
        return None
    return redirect(url_for("parties.signature_job", token=signature.token,
                            job_id=handle.job_id))


REFRESH_SECONDS = 2


@bp.get("/sign/<token>/jobs/<job_id>")
def signature_job(token: str, job_id: str):
    """The last signature being stored and the agreement sealed by a queue worker: a page
    that reloads itself until the job ends, showing nothing of the case; only the browser
    that proved who signs by this link follows it, and only this link's job."""
    link = link_of_token(db.session, verifier(), token)
    grant = current_grant()
    job = outcome(current_app, job_id)
    if (link is None or grant is None or grant.signing_link_id != link.id or job is None
            or job.name != JOB or job.kwargs.get("link_id") != link.id):
        return render_template("parties/refused.html",
                               message=refusal_message("link_gone")), 404
    if job.state == "waiting":
        return render_template("parties/signing.html", refresh_seconds=REFRESH_SECONDS)
    result = job.result or {}
    if job.state == "failed" or "refusal" in result:
        flash(label(*result["refusal"]) if "refusal" in result else
              _("Your signature could not be recorded because of an error. Please sign "
                "again."), "error")
        return redirect(url_for("parties.sign_agreement", token=token))
    flash(_("Thank you, your signature is recorded."), "success")
    return redirect(url_for("parties.status"))
