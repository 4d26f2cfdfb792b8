"""Ledger pages: upload and import in the background, follow its progress, export."""

import io
import tempfile
from pathlib import PurePosixPath

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import replica
from ..access import roles
from ..access.web import requires
from ..db import db, utcnow
from ..extensions import csrf
from ..labels import label
from ..storage import Storage
from ..transaction import after_commit
from . import jobs
from .columns import CHINESE_HEADERS, COLUMNS, headers
from .forms import ExportForm, UploadForm
from .models import LedgerImport
from .problems import FILE
from .reasons import shown
from .services import LedgerFilters, ledger_rows, write_csv, write_xlsx
from .template import write_template
from .uploads import UploadRefused, store_upload

bp = Blueprint("ledger", __name__, url_prefix="/ledger", static_folder="static")

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_FLUSH_ROWS = 500
CHUNK = 64 * 1024

UPLOAD_PROBLEMS = {
    "empty": lambda: _("The file is empty."),
    "too_large": lambda: _("The file is too large."),
    "wrong_type": lambda: _("The file must be a CSV file in UTF-8 or an Excel .xlsx workbook."),
}


def _max_bytes() -> int:
    return current_app.config.get("LEDGER_MAX_BYTES", DEFAULT_MAX_BYTES)


def _filename(name: str | None) -> str:
    return PurePosixPath((name or "").replace("\\", "/")).name[:200] or "ledger"


@bp.route("/", methods=["GET", "POST"])
@csrf.exempt  # a ledger may exceed MAX_CONTENT_LENGTH; the form checks its own CSRF token
@requires(roles.imports_ledgers)
def upload():
    """Upload a ledger file and start importing it in the background."""
    request.max_content_length = _max_bytes()
    form = UploadForm()
    if form.validate_on_submit():
        storage = Storage(current_app.config["MEDIATION_STORAGE"])
        try:
            key, kind = store_upload(form.file.data.stream, storage, max_bytes=_max_bytes())
        except UploadRefused as refusal:
            flash(UPLOAD_PROBLEMS[refusal.reason](), "error")
        else:
            record = jobs.queue_import(db.session, user=current_user, file_kind=kind,
                                       filename=_filename(form.file.data.filename),
                                       storage_key=key, dry_run=form.dry_run.data, now=utcnow())
            db.session.flush()
            app, import_id = current_app._get_current_object(), record.id
            after_commit(lambda: jobs.start(app, import_id))
            return redirect(url_for("ledger.status", import_id=record.id))
    recent = db.session.scalars(select(LedgerImport).where(LedgerImport.user_id == current_user.id)
                                .order_by(LedgerImport.id.desc()).limit(10))
    return render_template("ledger/upload.html", form=form, recent=list(recent), columns=COLUMNS,
                           headers=headers(codes=get_locale().language != "zh"))


def _visible_import_or_404(import_id: int) -> LedgerImport:
    record = db.session.get(LedgerImport, import_id)
    if record is None or not record.can_view(current_user):
        abort(404)
    return record


def column_name(column: str) -> str:
    """A column as the reader knows it: 案号 in Chinese, case_no in English."""
    if column == FILE:
        return _("(file)")
    return CHINESE_HEADERS.get(column, column) if get_locale().language == "zh" else column


def shown_problems(problems: list[dict]) -> list[dict]:
    """An import's problems in the reader's language."""
    return [{"row": problem["row"], "column": column_name(problem["column"]),
             "reason": shown(problem, _, label)} for problem in problems]


def _progress(record: LedgerImport) -> tuple[int, int | None]:
    live = None
    if record.phase == "writing" and not record.is_finished:
        live = jobs.live_progress(current_app._get_current_object(), record.id)
    return live or (record.processed_rows, record.total_rows)


@bp.get("/imports/<int:import_id>")
@requires(roles.imports_ledgers)
def status(import_id: int):
    """Show an import's progress, and its problems once refused."""
    record = _visible_import_or_404(import_id)
    processed, total = _progress(record)
    return render_template("ledger/status.html", record=record, processed=processed, total=total,
                           problems=shown_problems(record.problems))


@bp.get("/imports/<int:import_id>.json")
@requires(roles.imports_ledgers)
def status_json(import_id: int):
    """An import's progress for the status page's script."""
    record = _visible_import_or_404(import_id)
    processed, total = _progress(record)
    return jsonify(
        status=record.status, phase=record.phase, finished=record.is_finished,
        dry_run=record.dry_run, processed_rows=processed, total_rows=total,
        imported=record.imported, problem_count=record.problem_count,
        problems=shown_problems(record.problems) if record.is_finished else [],
        message=_(record.message) if record.message else None)


def _scope() -> dict:
    """Mediators and liaisons export their institution's cases; others their region's."""
    if roles.ledger_limited_to_institution(current_user):
        return {"institution_id": current_user.institution_id}
    return {"region_path": current_user.institution.region.path}


@bp.get("/export")
@requires(roles.exports_ledgers)
def export():
    """Choose a period and format; with a format given, download the ledger."""
    form = ExportForm(request.args)
    if "format" in request.args and form.validate():
        filters = LedgerFilters(form.date_from.data, form.date_to.data, **_scope())
        stamp = utcnow().strftime("%Y%m%d")
        codes = form.codes.data
        if form.format.data == "xlsx":
            return _xlsx_download(filters, f"ledger-{stamp}.xlsx", codes=codes)
        return _csv_download(filters, f"ledger-{stamp}.csv", codes=codes)
    return render_template("ledger/export.html", form=form)


@bp.get("/template.xlsx")
@requires(roles.imports_ledgers)
def template():
    """A blank ledger in Chinese with drop-down lists of the allowed values."""
    buffer = io.BytesIO()
    write_template(buffer)
    return Response(buffer.getvalue(), mimetype=XLSX_TYPE,
                    headers={"Content-Disposition": "attachment; filename=ledger-template.xlsx"})


def _csv_download(filters: LedgerFilters, name: str, *, codes: bool) -> Response:
    def generate():
        buffer = io.StringIO()
        with write_csv(buffer, codes=codes) as write_row:
            rows = ledger_rows(replica.reads(), filters, reader=current_user)
            for count, row in enumerate(rows, start=1):
                write_row(row)
                if count % CSV_FLUSH_ROWS == 0:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
        yield buffer.getvalue()

    return Response(stream_with_context(generate()), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


def _xlsx_download(filters: LedgerFilters, name: str, *, codes: bool):
    spool = tempfile.TemporaryFile()  # noqa: SIM115  (closed once the response is sent)
    with write_xlsx(spool, codes=codes) as write_row:
        for row in ledger_rows(replica.reads(), filters, reader=current_user):
            write_row(row)
    spool.seek(0)

    def chunks():
        with spool:
            while block := spool.read(CHUNK):
                yield block

    response = Response(chunks(), mimetype=XLSX_TYPE,
                        headers={"Content-Disposition": f"attachment; filename={name}"})
    response.call_on_close(spool.close)
    return response
