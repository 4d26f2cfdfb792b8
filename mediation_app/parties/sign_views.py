"""Signing remotely by one-time link: prove identity, read the agreement, sign it; the
signed agreement is issued and delivered when the last signature is in."""

from __future__ import annotations

import base64

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..agreements.issuing import issue_agreement
from ..agreements.models import Agreement
from ..agreements.services import AgreementError
from ..db import db, utcnow
from ..documents.issuer import current_issuer
from ..extensions import limiter
from ..labels import label
from ..transaction import discard
from .blueprint import bp
from .delivery import deliver_signed_agreement
from .forms import RemoteSignatureForm, SignerForm
from .messages import refusal_message
from .signing import confirm_signer, find_link, request_sign_code, sign_by_link
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


def _seal_and_deliver(agreement, now) -> None:
    """The last signature: the sealed, signed PDF is issued and delivered to every party."""
    document = issue_agreement(db.session, current_issuer(), agreement, actor=None, now=now)
    deliver_signed_agreement(db.session, document, now=now,
                             follow_url=url_for("parties.follow", _external=True))


@bp.post("/sign/<token>/signature")
def sign_submit(token: str):
    """Store the party's drawn signature; the last signature seals and signs the PDF."""
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
    now = utcnow()
    try:
        sign_by_link(db.session, link, grant,
                     image_png=base64.b64decode(form.image.data.split(",", 1)[1]),
                     ip_address=client_ip(), user_agent=request.user_agent.string, now=now,
                     on_complete=lambda signed: _seal_and_deliver(signed, now))
    except AgreementError as refusal:
        discard()
        flash(label("agreement_refusal", refusal.code), "error")
        return redirect(url_for("parties.sign_agreement", token=token))
    flash(_("Thank you, your signature is recorded."), "success")
    return redirect(url_for("parties.status"))
