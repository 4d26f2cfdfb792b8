"""Supervision pages: the list, issuing an order, the order with its reply and closing,
and the dispatcher's decisions on warnings (assign or dismiss)."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import policy
from ..access.web import requires, visible_case_or_404
from ..db import db, utcnow
from ..downloads import pdf_response
from ..handlings.catalog import catalog
from ..labels import explain, label, options
from ..panels import register_with, shared
from ..referrals.services import ReferralError
from ..rendered import following_page, queue_render, render_of, rendered_download
from ..transaction import discard
from ..warnings.models import EarlyWarning
from ..warnings.services import WarningError, dismiss_warning
from ..workflow.calendar import add_working_days
from . import queries
from .assignments import assign_warning, targets_for
from .forms import AssignForm, CloseForm, DismissForm, ListingForm, OrderForm, ReplyForm, due_at
from .models import STATUSES, SupervisionOrder
from .panels import PANELS
from .printing import print_order, printed_name
from .services import (
    SupervisionError,
    change_listing,
    close_order,
    issue_order,
    reply_to_order,
)

bp = Blueprint("supervision", __name__, url_prefix="/supervision")
PRINT_JOB = "supervision_print"
register_with(bp, PANELS)


@bp.app_context_processor
def supervision_helpers():
    """Badges for case lists and the supervision card on the case page."""
    def case_badges(cases):
        if len(cases) == 1:     # the case page: its open orders were read with its panels
            case = cases[0]
            listed = shared(("open_order_listed", case.id), lambda: queries.listed_among(
                queries.open_orders(db.session, case.id)))
            return {case.id: queries.badges_of(case, listed, now=utcnow())}
        return queries.badges_for(db.session, cases, now=utcnow())

    def supervision_of(case):
        return {"orders": shared(("supervision_orders", case.id), lambda: queries.orders_of_case(
                    db.session, current_user, case.id)),
                "warnings": shared(("early_warnings", case.id), lambda: queries.warnings_of_case(
                    db.session, case.id)),
                "can_supervise": policy.can_supervise(current_user, case)}

    shows = current_user.is_authenticated and policy.reads_supervision(current_user)
    return {"case_badges": case_badges, "supervision_of": supervision_of,
            "shows_supervision": shows}


def _refused(error) -> str:
    return label("supervision_refusal", error.code)


def _order_or_404(order_id: int) -> SupervisionOrder:
    order = db.session.get(SupervisionOrder, order_id)
    if order is None or not policy.can_read_supervision(current_user, order):
        abort(404)
    return order


def _warning_or_404(warning_id: int) -> EarlyWarning:
    """A warning of a case in the dispatcher's region; others get 404 (or 403: no dispatcher)."""
    warning = db.session.get(EarlyWarning, warning_id)
    if warning is None:
        abort(404)
    visible_case_or_404(warning.case_id)
    if not policy.can_supervise(current_user, warning.case):
        abort(403)
    return warning


def _reply_days() -> int:
    return current_app.config.get("SUPERVISION_REPLY_WORKING_DAYS", 5)


@bp.get("/")
@requires(policy.reads_supervision)
def index():
    """Supervision orders I issued, received or may read; open warnings for dispatchers."""
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    listed = request.args.get("listed") == "1"
    orders = queries.list_orders(db.session, current_user, status=status, listed_only=listed)
    warnings = (queries.open_warnings(db.session, current_user)
                if policy.can_supervise_anywhere(current_user) else [])
    return render_template("supervision/index.html", orders=orders, warnings=warnings,
                           status=status, listed=listed, statuses=STATUSES,
                           summary=queries.summary_by_institution(db.session, current_user))


@bp.route("/cases/<int:case_id>/new", methods=["GET", "POST"])
@login_required
def new(case_id: int):
    """Issue a supervision order (督办单) to the institution handling the case."""
    case = visible_case_or_404(case_id)
    if not policy.can_issue_supervision_to(current_user, case, case.holder_institution_id) \
            or case.is_closed:
        abort(403)
    form = OrderForm()
    if request.method == "GET":
        form.due_on.data = add_working_days(utcnow(), _reply_days()).date()
        form.is_listed.data = "major_group" in (case.warning_flags or [])
    if form.validate_on_submit():
        try:
            order = issue_order(db.session, case, instruction=form.instruction.data,
                                due_at=due_at(form.due_on.data), is_listed=form.is_listed.data,
                                actor=current_user, now=utcnow())
        except SupervisionError as refusal:
            discard()
            flash(_refused(refusal), "error")
        else:
            flash(_("Supervision order issued to %(name)s.", name=order.institution.name),
                  "success")
            return redirect(url_for("supervision.show", order_id=order.id))
    return render_template("supervision/new.html", form=form, case=case)


@bp.get("/<int:order_id>")
@login_required
def show(order_id: int):
    """A supervision order: instruction, due date, reply, and what the reader may do next."""
    order = _order_or_404(order_id)
    return render_template("supervision/show.html", order=order, reply_form=ReplyForm(),
                           close_form=CloseForm(), listing_form=ListingForm(),
                           can_reply=policy.can_reply_to_supervision(current_user, order),
                           can_close=policy.can_close_supervision(current_user, order),
                           can_change_listing=policy.can_change_supervision_listing(current_user,
                                                                             order),
                           can_print=policy.can_print_supervision(current_user, order))


def _printable_order(order_id: int) -> SupervisionOrder:
    order = _order_or_404(order_id)
    if not policy.can_print_supervision(current_user, order):
        abort(403)
    return order


@bp.get("/<int:order_id>.pdf")
@login_required
def printed(order_id: int):
    """The printed 督办单, for the issuing centre and the supervised institution (with
    REDIS_URL set, printed by a queue worker while a page follows it)."""
    order = _printable_order(order_id)
    now = utcnow()
    if (job_id := queue_render(PRINT_JOB, order_id=order.id,
                               printed_at=now.isoformat())) is not None:
        return redirect(url_for("supervision.printing", order_id=order.id, job_id=job_id))
    return pdf_response(print_order(order, now=now), printed_name(order))


@bp.get("/<int:order_id>/print/<job_id>")
@login_required
def printing(order_id: int, job_id: str):
    """The 督办单 being printed by a queue worker, then its download."""
    order = _printable_order(order_id)
    return following_page(
        render_of(job_id, PRINT_JOB, order_id=order.id), title=_("Supervision order (PDF)"),
        download_url=url_for("supervision.printed_file", order_id=order.id, job_id=job_id),
        again_url=url_for("supervision.printed", order_id=order.id),
        back_url=url_for("supervision.show", order_id=order.id))


@bp.get("/<int:order_id>/print/<job_id>/file")
@login_required
def printed_file(order_id: int, job_id: str):
    """The 督办单 a queue worker printed, for the user who asked for it."""
    order = _printable_order(order_id)
    return rendered_download(render_of(job_id, PRINT_JOB, order_id=order.id))


@bp.post("/<int:order_id>/list")
@login_required
def list_order(order_id: int):
    """挂牌督办: the issuing centre lists the order of a major case."""
    return _change_listing(order_id, listed=True)


@bp.post("/<int:order_id>/lift")
@login_required
def lift(order_id: int):
    """摘牌: the issuing centre lifts the listing."""
    return _change_listing(order_id, listed=False)


def _change_listing(order_id: int, *, listed: bool):
    order = _order_or_404(order_id)
    if not policy.can_change_supervision_listing(current_user, order):
        abort(403)
    form = ListingForm()
    if form.validate_on_submit():
        try:
            change_listing(db.session, order, listed=listed, note=form.note.data or "",
                           actor=current_user, now=utcnow())
        except SupervisionError as refusal:
            discard()
            flash(_refused(refusal), "error")
        else:
            flash(_("Listed for supervision (挂牌督办).") if listed
                  else _("Listing lifted (摘牌)."), "success")
    return redirect(url_for("supervision.show", order_id=order.id))


@bp.post("/<int:order_id>/reply")
@login_required
def reply(order_id: int):
    """The supervised institution answers in writing."""
    order = _order_or_404(order_id)
    if not policy.can_reply_to_supervision(current_user, order):
        abort(403)
    form = ReplyForm()
    if not form.validate_on_submit():
        flash(_("Write the reply first."), "error")
        return redirect(url_for("supervision.show", order_id=order.id))
    try:
        reply_to_order(db.session, order, reply=form.reply.data, actor=current_user,
                       now=utcnow())
    except SupervisionError as refusal:
        discard()
        flash(_refused(refusal), "error")
    else:
        flash(_("Reply sent to %(name)s.", name=order.centre.name), "success")
    return redirect(url_for("supervision.show", order_id=order.id))


@bp.post("/<int:order_id>/close")
@login_required
def close(order_id: int):
    """The issuing centre closes the order."""
    order = _order_or_404(order_id)
    if not policy.can_close_supervision(current_user, order):
        abort(403)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            close_order(db.session, order, note=form.note.data or "", actor=current_user,
                        now=utcnow())
        except SupervisionError as refusal:
            discard()
            flash(_refused(refusal), "error")
        else:
            flash(_("Supervision order closed."), "success")
    return redirect(url_for("supervision.show", order_id=order.id))


@bp.route("/warnings/<int:warning_id>/dismiss", methods=["GET", "POST"])
@login_required
def dismiss(warning_id: int):
    """Dismiss a false warning with a reason."""
    warning = _warning_or_404(warning_id)
    form = DismissForm()
    if form.validate_on_submit():
        try:
            dismiss_warning(db.session, warning, reason=form.reason.data, actor=current_user,
                            now=utcnow())
        except WarningError as refusal:
            discard()
            flash(_refused(refusal), "error")
        else:
            flash(_("Warning dismissed."), "success")
        return redirect(url_for("cases.show", case_id=warning.case_id))
    return render_template("supervision/dismiss.html", form=form, warning=warning)


@bp.route("/warnings/<int:warning_id>/assign", methods=["GET", "POST"])
@login_required
def assign(warning_id: int):
    """Give a warning case to an institution: 分流 when the centre holds it, else 交办."""
    warning = _warning_or_404(warning_id)
    targets = targets_for(db.session, catalog(), warning.case, current_user)
    form = AssignForm()
    form.institution_id.choices = options([(i.id, i.name) for i in targets.institutions])
    if request.method == "GET":
        form.due_on.data = add_working_days(utcnow(), _reply_days()).date()
    if form.validate_on_submit():
        now = utcnow()
        chosen = next(i for i in targets.institutions if i.id == form.institution_id.data)
        due = due_at(form.due_on.data) if form.due_on.data else add_working_days(
            now, _reply_days())
        try:
            assign_warning(db.session, catalog(), warning, institution=chosen,
                           instruction=form.instruction.data, due_at=due,
                           off_list_reason=form.off_list_reason.data, actor=current_user,
                           now=now,
                           accept_working_days=current_app.config["REFERRAL_ACCEPT_WORKING_DAYS"])
        except ReferralError as refusal:
            discard()
            flash(explain(refusal), "error")
        except (SupervisionError, WarningError) as refusal:
            discard()
            flash(_refused(refusal), "error")
        else:
            flash(_("The case was given to %(name)s.", name=chosen.name), "success")
            return redirect(url_for("cases.show", case_id=warning.case_id))
    return render_template("supervision/assign.html", form=form, warning=warning,
                           targets=targets)
