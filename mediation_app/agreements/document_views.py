"""The case's documents page: each step's documents with their copies, and issuing the
procedural ones (申请书, 受理登记表, 当事人权利义务告知书, and the 终止调解告知书 of a failed
mediation) on the spot: in the request, or with REDIS_URL set by a queue worker while the
page that follows the job waits (issue_jobs)."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import policy
from ..access.web import changeable_case_or_404, refuse, visible_case_or_404
from ..auth.forms import EmptyForm
from ..db import db, utcnow
from ..documents.issuer import current_issuer
from ..documents.services import DocumentError, issue_failure_notice, mediation_failed
from ..jobs import outcome
from ..labels import label
from ..transaction import discard
from .issue_jobs import (
    AGREEMENT,
    CONFIRMATION,
    FAILURE_NOTICE,
    ISSUERS,
    ORAL_AGREEMENT,
    SESSION_RECORD,
    STEP,
    VISIT_RECORD,
    may_follow,
    queued_issue,
)
from .issuing import issue_case_document
from .record_views import record_listing
from .steps import ISSUED_ON_THE_SPOT, documents_by_step
from .views import bp


@bp.get("/cases/<int:case_id>/documents")
@login_required
def case_documents(case_id: int):
    """Every document each step of the case issues, with view and download of its copies."""
    case = visible_case_or_404(case_id)
    return render_template("agreements/documents.html", case=case,
                           handlings=documents_by_step(db.session, case),
                           may_issue=policy.can_issue_notice(current_user, case)
                           and policy.can_change_case(current_user, case),
                           action_form=EmptyForm(), **record_listing(case))


@bp.post("/cases/<int:case_id>/documents/<kind>")
@login_required
def issue_step_document(case_id: int, kind: str):
    """Issue one of the procedural documents the current step names; issued again, it
    replaces (voids) the earlier copy of the same handling (issuing.ONCE_PER_HANDLING)."""
    case = changeable_case_or_404(case_id)
    if kind not in ISSUED_ON_THE_SPOT or not policy.can_issue_notice(current_user, case):
        refuse(case)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if (queued := queued_issue(case.id, STEP, kind=kind)) is not None:
        return queued
    try:
        document = issue_case_document(db.session, current_issuer(), case, kind,
                                       actor=current_user, now=utcnow())
    except DocumentError as refusal:
        discard()
        flash(label("document_refusal", refusal.code), "error")
    else:
        flash(_("%(title)s issued.", title=document.title), "success")
    return redirect(url_for("agreements.case_documents", case_id=case.id))


@bp.post("/cases/<int:case_id>/failure-notice")
@login_required
def failure_notice(case_id: int):
    """Issue the 终止调解告知书 for a case whose mediation failed."""
    case = visible_case_or_404(case_id)
    if not mediation_failed(case) or not policy.can_issue_notice(current_user, case):
        refuse(case)
    if (queued := queued_issue(case.id, FAILURE_NOTICE)) is not None:
        return queued
    issue_failure_notice(db.session, current_issuer(), case, actor=current_user, now=utcnow())
    flash(_("Notice of failed mediation issued."), "success")
    return redirect(url_for("cases.show", case_id=case.id))


REFRESH_SECONDS = 2


@bp.get("/cases/<int:case_id>/documents/jobs/<job_id>")
@login_required
def document_job(case_id: int, job_id: str):
    """A document being issued by a queue worker: a page that reloads itself until the job
    ends, then goes where issuing in the request went, saying what came of it."""
    case = visible_case_or_404(case_id)
    if not (policy.can_change_case(current_user, case)
            or policy.can_issue_notice(current_user, case)):
        refuse(case)
    job = outcome(current_app, job_id)
    if job is None or job.kwargs.get("case_id") != case.id or job.kwargs.get("what") not in ISSUERS:
        abort(404)
    what = job.kwargs["what"]
    if not may_follow(current_user, case, what, job.kwargs):
        refuse(case)
    if job.state == "waiting":
        return render_template("agreements/issuing.html", case=case,
                               refresh_seconds=REFRESH_SECONDS)
    result = job.result or {}
    _flash_outcome(what, job.state, result)
    return redirect(_after(what, job.kwargs, case, issued=bool(result.get("document_id"))))


def _flash_outcome(what: str, state: str, result: dict) -> None:
    if state == "failed":
        flash(_("The document could not be issued because of an error; nothing was issued. "
                "Please issue it again."), "error")
    elif result.get("document_id"):
        flash(ISSUED[what](result["title"]), "success")
    elif "message" in result:
        flash(_(result["message"]), "error")
    elif "refusal" in result:
        flash(_("This procedure issues no such document.")
              if what in (CONFIRMATION, ORAL_AGREEMENT)
              and result["refusal"][0] == "document_refusal"
              else label(*result["refusal"]), "error")
    else:
        flash(_("Signature saved."), "success")


ISSUED = {
    STEP: lambda title: _("%(title)s issued.", title=title),
    VISIT_RECORD: lambda title: _("%(title)s issued.", title=title),
    CONFIRMATION: lambda _title: _("Application for judicial confirmation issued."),
    AGREEMENT: lambda _title: _("All signatures are in: the agreement is sealed, signed and "
                                "stored."),
    SESSION_RECORD: lambda _title: _("Everyone present has signed: the session record is "
                                     "issued and stored."),
    ORAL_AGREEMENT: lambda _title: _("Oral agreement recorded; it took effect today."),
    FAILURE_NOTICE: lambda _title: _("Notice of failed mediation issued."),
}


def _after(what: str, target: dict, case, *, issued: bool) -> str:
    """Where issuing in the request went: the page the document was issued from, or the
    case once an agreement is signed."""
    if what == SESSION_RECORD:
        return url_for("agreements.session_record", session_id=target["session_id"])
    if what == AGREEMENT and not issued:
        return url_for("agreements.sign", agreement_id=target["agreement_id"])
    if what in (AGREEMENT, CONFIRMATION, ORAL_AGREEMENT, FAILURE_NOTICE):
        return url_for("cases.show", case_id=case.id)
    return url_for("agreements.case_documents", case_id=case.id)
