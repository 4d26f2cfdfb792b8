"""Case pages: list, file, detail, edit, parties, attachments."""

import logging
from io import BytesIO

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..access import policy, roles, web
from ..access.masking import case_for_reader
from ..access.web import requires
from ..audit.models import CaseEvent
from ..auth.models import User
from ..casefile.models import Attachment, Case, Handling, Party
from ..casefile.signals import case_details_changed
from ..concurrency import EditConflict, parse_version
from ..db import db, utcnow
from ..directory.choices import subtree
from ..directory.models import Region
from ..formatting import workflow_text
from ..handlings.catalog import catalog
from ..handlings.forms import TransitionForm
from ..handlings.panels import page_facts
from ..handlings.queries import step_options
from ..labels import options
from ..panels import Read, Rows, panel_reads, read_ahead, render_case_panels, shared, shared_reads
from ..roster.batch import assignable_ids, assignable_mediators, batch_assign_form
from ..stats.definitions import Period
from ..storage import Storage
from ..tables import table_download
from ..transaction import discard
from ..uploads import UploadRefused
from . import services
from .exporting import case_list_rows
from .forms import (
    AttachmentForm,
    CaseEditForm,
    CaseForm,
    ListFilterForm,
    NewPartyForm,
    PartyEditForm,
)
from .queries import CaseFilters, Counted, list_cases

bp = Blueprint("cases", __name__, url_prefix="/cases")
log = logging.getLogger(__name__)
EXPORT_LIMIT = 5000
LISTED_LEVELS = ("city", "district", "town", "village")   # grids are too many to offer


def _details_changed(case: Case) -> None:
    case_details_changed.send(current_app._get_current_object(), session=db.session, case=case,
                              now=utcnow())


visible_case_or_404 = web.visible_case_or_404
editable_case_or_404 = web.changeable_case_or_404


def _subtree_regions(max_levels: tuple[str, ...] | None = None) -> list[Region]:
    root = current_user.institution.region
    query = select(Region).where(Region.path.startswith(root.path)).order_by(Region.path)
    if max_levels:
        query = query.where(Region.level.in_(max_levels))
    return list(db.session.scalars(query))


def _region_choices(regions: list[Region]) -> list[tuple[int, str]]:
    base_depth = current_user.institution.region.path.count("/")
    return [(r.id, "\u3000" * (r.path.count("/") - base_depth) + r.name) for r in regions]


def _mediator_choices() -> list[tuple[int, str]]:
    return [(0, "—")] + [(user.id, user.display_name)
                         for user in db.session.scalars(assignable_mediators())]


def _prepare_details(form) -> None:
    form.region_id.choices = options(_region_choices(_subtree_regions()))
    form.assigned_mediator_id.choices = options(_mediator_choices())


def _offer_chosen_details(form) -> None:
    """A submitted form is checked against the region and mediator it names only, read by
    their ids (the view uses them next); whole lists are built if the form is shown back."""
    root = current_user.institution.region
    region = db.session.get(Region, form.region_id.data) if form.region_id.data else None
    form.region_id.choices = [(region.id, region.name)] if region is not None and \
        root.contains(region) else []
    chosen = form.assigned_mediator_id.data
    mediator = db.session.scalar(assignable_mediators().where(User.id == chosen)) \
        if chosen else None
    form.assigned_mediator_id.choices = [(0, "—")] + (
        [(mediator.id, mediator.display_name)] if mediator is not None else [])


def _list_filter_form() -> ListFilterForm:
    """The filters, offering the institutions and regions of the user's region (kept per
    process, see directory.choices)."""
    form = ListFilterForm(request.args)
    root = current_user.institution.region
    tree = subtree(db.session, root)
    form.institution_id.choices = options([(0, _("Any institution")), *tree.institutions])
    form.handling_institution_id.choices = form.institution_id.choices
    base_depth = root.path.count("/")
    form.region_id.choices = options([(0, _("Any region"))] + [
        (region_id, "\u3000" * (path.count("/") - base_depth) + name)
        for region_id, name, path, level in tree.regions if level in LISTED_LEVELS])
    return form


def _list_filters(form: ListFilterForm) -> CaseFilters:
    """The case list's filters from its form and flags (the page and its export share them)."""
    form.validate()
    return CaseFilters(
        state=form.state.data or None,
        channel=form.channel.data or None,
        dispute_type=form.dispute_type.data or None,
        institution_id=form.institution_id.data or None,
        region_id=form.region_id.data or None,
        region_only=request.args.get("region_only") == "1",
        filed_from=form.filed_from.data if not form.filed_from.errors else None,
        filed_to=form.filed_to.data if not form.filed_to.errors else None,
        text=form.q.data or None,
        mine_only=request.args.get("mine") == "1",
        flagged_only=request.args.get("flagged") == "1",
        overdue_at=utcnow() if request.args.get("overdue") == "1" else None,
        supervised_only=request.args.get("supervised") == "1",
        counted=_counted(form),
    )


def _counted(form: ListFilterForm) -> Counted | None:
    """统计口径 (the statistics page's links): the cases a figure counts, or none at all when
    the figure's filters are not valid."""
    if not form.figure.data and not form.figure.errors:
        return None
    whole = not form.counted_refused()
    return Counted(figure=form.figure.data or "",
                   period=Period(form.counted_from.data, form.counted_to.data) if whole else None,
                   now=utcnow(), channel=form.handling_channel.data or None,
                   institution_id=form.handling_institution_id.data or None,
                   refused=not whole)


@bp.get("/")
@requires(roles.reads_cases)
def index():
    """List the cases the user may see, filtered and paginated. With `assign=1`, the
    cases the user may assign can be ticked and given to one mediator at once."""
    form = _list_filter_form()
    filters = _list_filters(form)
    cursor = request.args.get("cursor")
    page = list_cases(
        db.session, current_user, filters,
        sort=form.sort.data or "filed_desc",
        cursor=cursor,
        per_page=current_app.config["CASES_PER_PAGE"],
        with_total=cursor is None,
        badges_at=utcnow(),
    )
    if cursor is not None:
        page.total = request.args.get("total", 0, type=int)
        page.total_is_capped = request.args.get("capped") == "1"
    args = {key: value for key, value in request.args.items()
            if key not in ("cursor", "total", "capped")}
    filter_args = {key: value for key, value in args.items() if key != "assign"}
    args.update(total=page.total, capped="1" if page.total_is_capped else "0")
    assigning = request.args.get("assign") == "1" and roles.acts_for_institution(current_user)
    return render_template("cases/index.html", form=form, page=page, args=args,
                           badges_of=page.badges,
                           filter_args=filter_args,
                           can_file=roles.acts_for_institution(current_user),
                           can_assign=roles.acts_for_institution(current_user),
                           assignable=assignable_ids(page.items) if assigning else None,
                           batch_form=batch_assign_form() if assigning else None)


@bp.get("/export.xlsx")
@requires(roles.reads_cases)
def export():
    """The filtered case list as an XLSX workbook (at most EXPORT_LIMIT cases)."""
    form = _list_filter_form()
    page = list_cases(db.session, current_user, _list_filters(form),
                      sort=form.sort.data or "filed_desc", per_page=EXPORT_LIMIT,
                      with_total=False)
    if page.next_cursor:
        flash(_("More than %(n)s cases match: narrow the filters (dates, institution) to "
                "export them, or export the ledger (台账) for a whole period.",
                n=f"{EXPORT_LIMIT:,}"), "error")
        return redirect(url_for("cases.index", **request.args))
    log.info("case list exported by user %s: %s cases", current_user.id, len(page.items))
    header, rows = case_list_rows(db.session, page.items)
    return table_download(header, rows, f"cases-{utcnow():%Y%m%d}", "xlsx")


def _new_party(entry) -> services.NewParty:
    data = {name: (value or None) for name, value in entry.data.items()}
    return services.NewParty(**{**data, "role": entry.role.data, "kind": entry.kind.data,
                                "name": entry.name.data.strip()})


def _filing_workflows():
    return catalog().for_filing(current_user.institution.kind)


@bp.route("/new", methods=["GET", "POST"])
@requires(roles.acts_for_institution)
def new():
    """File a new case with its parties."""
    workflows = _filing_workflows()
    if not workflows:
        flash(_("Your institution has no procedure for filing cases."), "error")
        return redirect(url_for("cases.index"))
    form = CaseForm()
    form.workflow.choices = options([(d.name, workflow_text(d.title)) for d in workflows])
    if request.method == "GET":
        form.received_on.data = utcnow().date()
        form.start_with_applicant_and_respondent()
    if form.is_submitted() and not form.add_party.data:
        _offer_chosen_details(form)
    if form.add_party.data:
        form.parties.append_entry()
        _prepare_details(form)
        return render_template("cases/new.html", form=form)
    if form.validate_on_submit():
        region = db.session.get(Region, form.region_id.data)
        mediator = db.session.get(User, form.assigned_mediator_id.data) \
            if form.assigned_mediator_id.data else None
        case = services.file_case(
            db.session,
            services.NewCase(
                dispute_type=form.dispute_type.data,
                source=form.source.data,
                region=region,
                summary=form.summary.data.strip(),
                description=form.description.data or "",
                amount=form.amount.data,
                received_on=form.received_on.data,
                assigned_mediator=mediator,
                parties=[_new_party(entry.form) for entry in form.parties.entries],
            ),
            actor=current_user,
            now=utcnow(),
            workflow=catalog().sources[_chosen(workflows, form.workflow.data)],
        )
        flash(_("Case %(number)s filed.", number=case.case_no), "success")
        return redirect(url_for("cases.show", case_id=case.id))
    _prepare_details(form)
    return render_template("cases/new.html", form=form)


def _chosen(workflows, name: str | None) -> str:
    names = [definition.name for definition in workflows]
    return name if name in names else names[0]


@bp.get("/<int:case_id>")
@login_required
def show(case_id: int):
    """Show a case with its parties, handlings, attachments and timeline."""
    case = visible_case_or_404(case_id, load=[
        joinedload(Case.handlings).joinedload(Handling.workflow_version)])
    now = utcnow()
    with shared_reads():
        read_ahead(db.session, {**_page_reads(case), **panel_reads(case, current_user)})
        events = shared(("events", case.id), lambda: db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)).all())
        as_read = case_for_reader(case, whole=policy.sees_personal_data(current_user, case))
        return render_template(
            "cases/show.html",
            case=case,
            events=events,
            region_names=_region_names(_region_ids_in(events)),
            region_path=_region_path(case),
            parties=as_read.parties,
            summary=as_read.summary,
            description=as_read.description,
            can_edit=policy.can_change_case(current_user, case),
            attachment_form=AttachmentForm(),
            steps=step_options(db.session, case, current_user, now=now, facts_of=page_facts),
            step_form=TransitionForm(),
            state_labels={state.name: state.label for handling in case.handlings
                          for state in handling.definition.states},
            panels=render_case_panels(case, current_user, now),
        )


def _page_reads(case: Case) -> dict:
    """The case page's own lists, read with the panels' in one statement: the timeline,
    and the parties and attachments, kept as the case's loaded collections."""
    def loaded(name: str):
        return lambda rows: set_committed_value(case, name, rows) or rows

    return {
        ("events", case.id): Read({"events": Rows(CaseEvent, CaseEvent.case_id == case.id,
                                                  (CaseEvent.seq,))}),
        ("parties", case.id): Read({"rows": Rows(Party, Party.case_id == case.id,
                                                 (Party.position,))}, loaded("parties")),
        ("attachments", case.id): Read({"rows": Rows(Attachment, Attachment.case_id == case.id,
                                                     (Attachment.id,))}, loaded("attachments")),
        ("region_lineage", case.id): Read({"regions": Rows(
            Region, Region.id.in_(case.region.lineage_ids()), (Region.path,))}),
    }


def _region_path(case: Case) -> str:
    """The case's region with the regions above it (市 / 区 / 街道 …)."""
    lineage = shared(("region_lineage", case.id), case.region.lineage)
    return " / ".join(region.name for region in lineage)


def _region_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {r.id: r.name for r in db.session.scalars(select(Region).where(Region.id.in_(ids)))}


def _region_ids_in(events) -> set[int]:
    ids = set()
    for event in events:
        for old_new in event.data.get("changes", {}).get("region_id", []) or []:
            if old_new and str(old_new).isdigit():
                ids.add(int(old_new))
    return ids


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
@login_required
def edit(case_id: int):
    """Change a case's details."""
    case = editable_case_or_404(case_id)
    form = CaseEditForm(obj=case)
    _prepare_details(form)
    if request.method == "GET":
        form.assigned_mediator_id.data = case.assigned_mediator_id or 0
    if form.validate_on_submit():
        new_values = {name: getattr(form, name).data for name in services.EDITABLE_FIELDS}
        new_values["assigned_mediator_id"] = new_values["assigned_mediator_id"] or None
        new_values["summary"] = new_values["summary"].strip()
        new_values["description"] = new_values["description"] or ""
        try:
            services.update_case(db.session, case, new_values, actor=current_user, now=utcnow(),
                                 based_on_version=parse_version(form.version.data))
        except EditConflict as conflict:
            discard()
            form.version.data = conflict.current_version  # saving again keeps the values shown
            return render_template("cases/edit.html", form=form, case=case,
                                   conflict=conflict.fields), 409
        _details_changed(case)
        flash(_("Changes saved."), "success")
        return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/edit.html", form=form, case=case)


@bp.route("/<int:case_id>/parties/new", methods=["GET", "POST"])
@login_required
def add_party(case_id: int):
    """Add a party to a case."""
    case = editable_case_or_404(case_id)
    form = NewPartyForm()
    if form.validate_on_submit():
        services.add_party(db.session, case, _new_party(form), actor=current_user, now=utcnow())
        _details_changed(case)
        flash(_("Party added."), "success")
        return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/add_party.html", form=form, case=case)


def _party_or_404(case: Case, party_id: int) -> Party:
    party = db.session.get(Party, party_id)
    if party is None or party.case_id != case.id:
        abort(404)
    return party


@bp.route("/<int:case_id>/parties/<int:party_id>/edit", methods=["GET", "POST"])
@login_required
def edit_party(case_id: int, party_id: int):
    """Change a party's details. The form carries the party's version: a save made after
    someone else saved the party is refused (409) with both sets of values."""
    case = editable_case_or_404(case_id)
    if not policy.sees_personal_data(current_user, case):
        abort(403)
    party = _party_or_404(case, party_id)
    form = PartyEditForm(obj=party)
    if form.validate_on_submit():
        data = services.NewParty(**{name: form[name].data or None
                                    for name in services.PARTY_FIELDS})
        data.name = form.name.data.strip()
        try:
            changed = services.update_party(db.session, party, data, actor=current_user,
                                            now=utcnow(),
                                            based_on_version=parse_version(form.version.data))
        except EditConflict as conflict:
            discard()
            form.version.data = conflict.current_version  # saving again keeps the values shown
            return render_template("cases/edit_party.html", form=form, case=case, party=party,
                                   conflict=conflict.fields), 409
        if changed:
            _details_changed(case)
        flash(_("Changes saved."), "success")
        return redirect(url_for("cases.show", case_id=case.id))
    return render_template("cases/edit_party.html", form=form, case=case, party=party)


@bp.post("/<int:case_id>/attachments")
@login_required
def upload(case_id: int):
    """Attach an image or PDF to a case."""
    case = editable_case_or_404(case_id)
    form = AttachmentForm()
    if not form.validate_on_submit():
        flash(_("Choose a file to upload."), "error")
        return redirect(url_for("cases.show", case_id=case.id))
    upload_file = form.file.data
    try:
        services.add_attachment(
            db.session, case,
            filename=upload_file.filename,
            content=upload_file.read(current_app.config["ATTACHMENT_MAX_BYTES"] + 1),
            storage=Storage(current_app.config["MEDIATION_STORAGE"]),
            allowed=current_app.config["ATTACHMENT_TYPES"],
            max_bytes=current_app.config["ATTACHMENT_MAX_BYTES"],
            actor=current_user,
            now=utcnow(),
        )
    except UploadRefused as refusal:
        discard()
        flash(_upload_refusal_message(refusal.reason), "error")
    else:
        flash(_("Attachment uploaded."), "success")
    return redirect(url_for("cases.show", case_id=case.id))


def _upload_refusal_message(reason: str) -> str:
    if reason == "too_large":
        return _("The file is larger than %(mb)d MB.",
                 mb=current_app.config["ATTACHMENT_MAX_BYTES"] // (1024 * 1024))
    if reason == "empty":
        return _("The file is empty.")
    return _("Only JPEG, PNG and PDF files can be attached.")


@bp.get("/<int:case_id>/attachments/<int:attachment_id>")
@login_required
def download(case_id: int, attachment_id: int):
    """Download an attachment of a case the user may see."""
    case = visible_case_or_404(case_id)
    attachment = next((a for a in case.attachments if a.id == attachment_id), None)
    if attachment is None:
        abort(404)
    content = Storage(current_app.config["MEDIATION_STORAGE"]).read(attachment.storage_key)
    return send_file(BytesIO(content), mimetype=attachment.content_type,
                     as_attachment=True, download_name=attachment.filename)
