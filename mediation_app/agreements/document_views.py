"""The case's documents page: each step's documents with their copies, and issuing the
procedural ones (申请书, 受理登记表, 当事人权利义务告知书) on the spot."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import policy
from ..access.web import changeable_case_or_404, refuse, visible_case_or_404
from ..auth.forms import EmptyForm
from ..db import db, utcnow
from ..documents.issuer import current_issuer
from ..documents.services import DocumentError
from ..labels import label
from ..transaction import discard
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
    try:
        document = issue_case_document(db.session, current_issuer(), case, kind,
                                       actor=current_user, now=utcnow())
    except DocumentError as refusal:
        discard()
        flash(label("document_refusal", refusal.code), "error")
    else:
        flash(_("%(title)s issued.", title=document.title), "success")
    return redirect(url_for("agreements.case_documents", case_id=case.id))
