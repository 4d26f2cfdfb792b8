"""Archiving a closed case (归档) and downloading its case file (卷宗)."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import policy
from ..access.web import refuse, visible_case_or_404
from ..db import db, utcnow
from ..documents.issuer import current_issuer
from ..documents.verifiable import register_verifiable
from ..downloads import pdf_response
from ..labels import N_
from ..panels import register_with
from ..storage import Storage
from ..transaction import discard
from .forms import ArchiveForm
from .panels import PANELS
from .services import ArchiveError, archive_by_code, archive_case, case_archive

bp = Blueprint("archive", __name__)
register_with(bp, PANELS)
register_verifiable(archive_by_code)  # the public verify page finds signed case files

REFUSALS = {
    "not_allowed": N_("Only the institution holding a case whose mediation has ended can "
                      "archive it, once."),
    "referral_pending": N_("A referral of this case waits for an answer: withdraw it before "
                           "archiving."),
    "bad_retention": N_("Choose a retention period."),
}


def _storage() -> Storage:
    return Storage(current_app.config["MEDIATION_STORAGE"])


@bp.route("/cases/<int:case_id>/archive", methods=["GET", "POST"])
@login_required
def archive(case_id: int):
    """Confirm, then archive a closed case: its case file is made and it becomes read-only."""
    case = visible_case_or_404(case_id)
    if not policy.can_archive_case(current_user, case):
        refuse(case)
    form = ArchiveForm()
    if form.validate_on_submit():
        try:
            archive_case(db.session, current_issuer(), case, actor=current_user,
                         checker_name=form.checker_name.data.strip(),
                         retention=form.retention.data, now=utcnow())
        except ArchiveError as refusal:
            discard()
            flash(_(REFUSALS[refusal.code]), "error")
        else:
            flash(_("Case archived: its case file is ready to download."), "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return render_template("archive/confirm.html", form=form, case=case)


@bp.get("/cases/<int:case_id>/casefile.pdf")
@login_required
def download(case_id: int):
    """The case file of an archived case: whole for the archiving institution (and whoever
    sees the case's personal data whole), masked for every other reader of the case."""
    case = visible_case_or_404(case_id)
    stored = case_archive(db.session, case)
    if stored is None:
        abort(404)
    number = "".join(ch for ch in case.case_no if ch.isalnum())
    if policy.sees_record_whole(current_user, stored):
        key, name = stored.storage_key, f"卷宗-{number}.pdf"
    else:
        key, name = stored.masked_storage_key, f"卷宗-{number}-遮蔽副本.pdf"
    return pdf_response(_storage().read(key), name)
