"""Downloading documents and the public verification page."""

import hashlib

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from ..access import policy
from ..access.web import visible_case_or_404
from ..casefile.models import Case
from ..db import db
from ..downloads import content_disposition, pdf_response  # noqa: F401  (kept importable here)
from ..extensions import limiter
from ..storage import Storage
from .models import Document
from .verifiable import issued_by_code

bp = Blueprint("documents", __name__)


@bp.get("/documents/<int:document_id>")
@login_required
def download(document_id: int):
    """Download (or, with view=1, open in the browser) a stored document of a case the
    user may see: the signed original for
    those who see it whole (its maker, and institutions that handled the case), the
    rendition with personal data masked for everyone else."""
    document = db.session.get(Document, document_id)
    if document is None:
        abort(404)
    case = visible_case_or_404(document.case_id)
    number = "".join(ch for ch in case.case_no if ch.isalnum())
    if policy.sees_record_whole(current_user, document):
        key, name = document.storage_key, f"{document.title}-{number}.pdf"
    elif document.masked_storage_key:
        key, name = document.masked_storage_key, f"{document.title}-{number}-遮蔽副本.pdf"
    else:
        abort(403)  # issued before masked renditions were kept: no copy without the data
    content = Storage(current_app.config["MEDIATION_STORAGE"]).read(key)
    return pdf_response(content, name, inline=request.args.get("view") == "1")


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def verify_form():
    """Public: enter a verification code (or scan the QR code on the document)."""
    code = (request.values.get("code") or "").strip().upper()
    if code:
        return redirect(url_for("documents.verify", code=code))
    return render_template("documents/verify_form.html")


@bp.route("/verify/<code>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def verify(code: str):
    """Public: is this document genuine and still valid? Shows no personal data."""
    document = issued_by_code(db.session, code.upper())  # a document, or a case file (卷宗)
    upload_result = None
    if request.method == "POST" and document is not None:
        upload = request.files.get("file")
        content = b""
        if upload:
            content = upload.read(32 * 1024 * 1024)
            upload.close()
        if not content:
            upload_result = "empty"
        else:
            upload_result = "match" if hashlib.sha256(content).hexdigest() == document.sha256 \
                else "altered"
    status = 404 if document is None else 200
    return render_template("documents/verify.html", document=document, code=code,
                           upload_result=upload_result, case_no=_case_number(document),
                           void_alone=_void_without_successor(document)), status


def _case_number(document: Document | None) -> str | None:
    return db.session.get(Case, document.case_id).case_no if document else None


def _void_without_successor(document: Document | None) -> bool:
    """A document sent with a referral that did not go through (the 司法确认申请书 of a
    withdrawn or returned referral) is void with no later copy in its place; every other
    voided document was replaced by a corrected or reissued one."""
    if not isinstance(document, Document) or document.voided_at is None \
            or document.referral_id is None:
        return False
    return db.session.scalar(select(Document.id).where(
        Document.case_id == document.case_id, Document.kind == document.kind,
        Document.institution_id == document.institution_id, Document.id > document.id,
        Document.voided_at.is_(None)).limit(1)) is None
