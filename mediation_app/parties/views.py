"""Public pages for parties: apply online, follow the case, sign remotely, rate."""

from __future__ import annotations

import base64
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
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from ..agreements.issuing import issue_agreement
from ..agreements.models import Agreement
from ..agreements.services import AgreementError
from ..auth.models import User
from ..db import db, utcnow
from ..directory.models import Institution, Region
from ..documents.issuer import current_issuer
from ..extensions import limiter
from ..labels import label, options
from ..roster.models import MediatorProfile
from ..transaction import discard
from ..uploads import UploadRefused
from .applications import ApplicationRefused, NewApplication, Upload, submit_application
from .applications import request_apply_code as send_apply_code
from .delivery import deliver_signed_agreement
from .following import (
    RatingRefused,
    case_status,
    download_document,
    open_follow,
    rate_mediation,
    request_follow_code,
)
from .forms import (
    ApplicationForm,
    FollowForm,
    PartyChoiceForm,
    PartyRecusalForm,
    RatingForm,
    RemoteSignatureForm,
    SignerForm,
)
from .messages import refusal_message, stage_words
from .models import Application
from .requests import (
    PartyRequestRefused,
    application_roster,
    ask_recusal,
    choose_for_application,
    choose_mediator,
    party_requests,
)
from .signing import confirm_signer, find_link, request_sign_code, sign_by_link
from .verification import VerificationRefused
from .video import JitsiConfig
from .web import (
    client_ip,
    current_grant,
    ip_limit,
    phone_key,
    phone_limit,
    set_grant_cookie,
    upload_rules,
    verifier,
    without_staff_session,
)

bp = Blueprint("parties", __name__)
bp.before_request(without_staff_session)

COMMITTEE_KINDS = ("peoples_committee", "professional_committee")


@bp.errorhandler(429)
def too_many(_error):
    return render_template("parties/refused.html",
                           message=refusal_message("rate_limited")), 429


def _region_choices() -> list[tuple[int, str]]:
    regions = db.session.scalars(select(Region).order_by(Region.path)).all()
    names = {region.id: region.name for region in regions}

    def full_name(region: Region) -> str:
        ids = [int(part) for part in region.path.strip("/").split("/") if part]
        return " / ".join(names[i] for i in ids if i in names)

    return [(r.id, full_name(r)) for r in regions if r.level in ("town", "village", "grid")]


def _committee_choices() -> list[tuple[int, str]]:
    committees = db.session.scalars(select(Institution).where(
        Institution.kind.in_(COMMITTEE_KINDS), Institution.is_active)
        .order_by(Institution.name))
    return [(0, _("The governance centre decides"))] + [(c.id, c.name) for c in committees]


def _mediator_choices() -> list[tuple[int, str]]:
    """The listed mediators of committees: the party may choose one (人民调解法 art. 19)."""
    profiles = db.session.scalars(
        select(MediatorProfile).join(User, User.id == MediatorProfile.user_id)
        .join(Institution, Institution.id == User.institution_id)
        .where(MediatorProfile.is_listed, User.is_active, Institution.kind.in_(COMMITTEE_KINDS))
        .order_by(Institution.name, User.display_name))
    return [(0, "—")] + [(profile.user_id, _mediator_label(profile)) for profile in profiles]


def _mediator_label(profile: MediatorProfile) -> str:
    parts = [profile.user.display_name, profile.user.institution.name]
    if profile.specialties:
        parts.append("、".join(label("dispute_type", code) for code in profile.specialties))
    return " · ".join(parts)


def _application_form() -> ApplicationForm:
    form = ApplicationForm()
    form.region_id.choices = options(_region_choices())
    form.institution_id.choices = options(_committee_choices())
    form.mediator_id.choices = options(_mediator_choices())
    return form


def _new_application(form: ApplicationForm) -> NewApplication:
    uploads = [Upload(filename=f.filename, content=f.read(upload_rules().max_bytes + 1))
               for f in (form.files.data or []) if f and f.filename]
    chosen = db.session.get(Institution, form.institution_id.data or 0)
    mediator = db.session.get(User, form.mediator_id.data or 0)
    if mediator is not None:
        chosen = mediator.institution
    return NewApplication(
        region=db.session.get(Region, form.region_id.data), dispute_type=form.dispute_type.data,
        summary=form.summary.data.strip(), facts=form.facts.data.strip(),
        claims=form.claims.data.strip(), amount=form.amount.data,
        applicant_name=form.applicant_name.data.strip(),
        applicant_sex=form.applicant_sex.data or None,
        applicant_id_number=form.applicant_id_number.data,
        applicant_phone=form.applicant_phone.data,
        applicant_address=form.applicant_address.data.strip(),
        respondent_kind=form.respondent_kind.data, respondent_name=form.respondent_name.data.strip(),
        respondent_id_number=form.respondent_id_number.data or None,
        respondent_phone=form.respondent_phone.data or None,
        respondent_address=(form.respondent_address.data or "").strip() or None,
        chosen_institution=chosen if chosen and chosen.kind in COMMITTEE_KINDS else None,
        preferred_mediator=mediator, uploads=uploads)


@bp.route("/apply", methods=["GET", "POST"])
@limiter.limit(ip_limit, methods=["POST"])
@limiter.limit(phone_limit, key_func=phone_key, methods=["POST"])
def apply():
    """Apply for mediation online (在线申请调解)."""
    form = _application_form()
    if form.send_code.data:
        return _send_apply_code(form)
    if not form.validate_on_submit():
        return render_template("parties/apply.html", form=form)
    if not form.code.data:
        form.code.errors.append(_("Enter the code we sent to your phone."))
        return render_template("parties/apply.html", form=form)
    try:
        application = submit_application(
            db.session, _new_application(form), code=form.code.data, verifier=verifier(),
            uploads=upload_rules(), ip_address=client_ip(), now=utcnow())
    except VerificationRefused as refusal:
        # only the counted failure was flushed: it is committed on purpose (lockout)
        form.code.errors.append(refusal_message(refusal.code))
        return render_template("parties/apply.html", form=form)
    except (UploadRefused, ApplicationRefused) as refusal:
        form.files.errors.append(refusal_message(getattr(refusal, "reason", None)
                                                 or refusal.code))
        return render_template("parties/apply.html", form=form)
    session["submitted_application"] = application.number
    return redirect(url_for("parties.applied", number=application.number))


def _send_apply_code(form: ApplicationForm):
    form.applicant_phone.validate(form)
    if form.applicant_phone.errors:
        return render_template("parties/apply.html", form=form)
    try:
        send_apply_code(db.session, verifier(), phone=form.applicant_phone.data,
                        ip_address=client_ip(), now=utcnow())
    except VerificationRefused as refusal:
        form.applicant_phone.errors.append(refusal_message(refusal.code))
        return render_template("parties/apply.html", form=form)
    return render_template("parties/apply.html", form=form, code_sent=True)


@bp.get("/apply/submitted/<number>")
def applied(number: str):
    """The application number to keep, and what happens next."""
    if session.get("submitted_application") != number:
        abort(404)  # only the browser that submitted it: a guessed number shows nothing
    application = db.session.scalar(select(Application).where(Application.number == number))
    if application is None:
        abort(404)
    return render_template("parties/applied.html", number=application.number,
                           institution=application.institution.name)


@bp.route("/follow", methods=["GET", "POST"])
@limiter.limit(ip_limit, methods=["POST"])
@limiter.limit(phone_limit, key_func=phone_key, methods=["POST"])
def follow():
    """Follow a case: number and phone, then the code sent to that phone."""
    form = FollowForm()
    if not form.validate_on_submit():
        return render_template("parties/follow.html", form=form)
    if form.send_code.data or not form.code.data:
        try:
            request_follow_code(db.session, verifier(), number=form.number.data,
                                phone=form.phone.data, ip_address=client_ip(), now=utcnow())
        except VerificationRefused as refusal:
            form.phone.errors.append(refusal_message(refusal.code))
            return render_template("parties/follow.html", form=form)
        return render_template("parties/follow.html", form=form, code_sent=True)
    try:
        token = open_follow(db.session, verifier(), number=form.number.data,
                            phone=form.phone.data, code=form.code.data, ip_address=client_ip(),
                            now=utcnow())
    except VerificationRefused as refusal:
        form.code.errors.append(refusal_message(refusal.code))
        return render_template("parties/follow.html", form=form, code_sent=True)
    return set_grant_cookie(redirect(url_for("parties.status")), token)


def _grant_or_redirect():
    grant = current_grant()
    if grant is None:
        flash(_("Please confirm your phone again to continue."), "error")
    return grant


@bp.get("/follow/status")
def status():
    """The party's own view of the case."""
    grant = _grant_or_redirect()
    if grant is None:
        return redirect(url_for("parties.follow"))
    if grant.case_id is None:
        application = db.session.get(Application, grant.application_id)
        roster = application_roster(db.session, application)
        return render_template("parties/application_status.html", application=application,
                               choice_form=_choice_form(roster),
                               may_choose=application.status == "pending" and bool(roster))
    view = case_status(db.session, grant, now=utcnow(),
                       jitsi=JitsiConfig.from_config(current_app.config))
    requests = party_requests(db.session, grant)
    return render_template("parties/status.html", view=view, stage=stage_words(view.stage),
                           rating_form=RatingForm(), requests=requests,
                           recusal_form=PartyRecusalForm(),
                           choice_form=_choice_form(requests.roster))


def _choice_form(lines) -> PartyChoiceForm:
    form = PartyChoiceForm()
    form.mediator_id.choices = options([(0, "—")] + [
        (line.user_id, _roster_label(line)) for line in lines])
    return form


def _roster_label(line) -> str:
    parts = [line.name, line.institution]
    if line.specialties:
        parts.append("、".join(label("dispute_type", code) for code in line.specialties))
    return " · ".join(parts)


def _case_grant():
    grant = _grant_or_redirect()
    return grant if grant is not None and grant.case_id is not None else None


def _choose_for_application(grant):
    application = db.session.get(Application, grant.application_id)
    form = _choice_form(application_roster(db.session, application))
    if not form.validate_on_submit():
        flash(_("Choose a mediator from the list."), "error")
        return redirect(url_for("parties.status"))
    try:
        choose_for_application(db.session, grant, mediator_id=form.mediator_id.data,
                               now=utcnow())
    except PartyRequestRefused as refusal:
        return _refused_request(refusal)
    flash(_("Your choice was sent to the mediation institution, which will try to honour it."),
          "success")
    return redirect(url_for("parties.status"))


def _refused_request(refusal: PartyRequestRefused):
    discard()
    flash(refusal_message(refusal.code), "error")
    return redirect(url_for("parties.status"))


@bp.post("/follow/recusal")
@limiter.limit(ip_limit)
def recusal():
    """回避: the party asks that the assigned mediator step aside (人民调解法 art. 23(1))."""
    grant = _case_grant()
    if grant is None:
        return redirect(url_for("parties.follow"))
    form = PartyRecusalForm()
    if not form.validate_on_submit():
        flash(_("Say why the mediator should step aside."), "error")
        return redirect(url_for("parties.status"))
    try:
        ask_recusal(db.session, grant, reason=form.reason.data.strip(), now=utcnow())
    except PartyRequestRefused as refusal:
        return _refused_request(refusal)
    flash(_("Your request was sent. The mediation institution decides and tells you by text "
            "message."), "success")
    return redirect(url_for("parties.status"))


@bp.post("/follow/mediator")
@limiter.limit(ip_limit)
def choose():
    """The party chooses a mediator from the roster (人民调解法 art. 19); after applying, the
    applicant's choice goes with the application still waiting in the inbox."""
    grant = _grant_or_redirect()
    if grant is None:
        return redirect(url_for("parties.follow"))
    if grant.case_id is None:
        return _choose_for_application(grant)
    form = _choice_form(party_requests(db.session, grant).roster)
    if not form.validate_on_submit():
        flash(_("Choose a mediator from the list."), "error")
        return redirect(url_for("parties.status"))
    try:
        choose_mediator(db.session, grant, mediator_id=form.mediator_id.data, now=utcnow())
    except PartyRequestRefused as refusal:
        return _refused_request(refusal)
    flash(_("Your choice was sent to the mediation institution, which will try to honour it."),
          "success")
    return redirect(url_for("parties.status"))


@bp.get("/follow/documents/<int:document_id>")
def document(document_id: int):
    """Download a document issued to the party (electronic delivery)."""
    grant = _grant_or_redirect()
    if grant is None:
        return redirect(url_for("parties.follow"))
    found = download_document(db.session, grant, document_id, storage=upload_rules().storage,
                              now=utcnow())
    if found is None:
        abort(404)
    row, content = found
    return send_file(BytesIO(content), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{row.title}-{row.verification_code}.pdf")


@bp.post("/follow/rating")
def rate():
    """回访: the party rates the mediation after the case has ended."""
    grant = _grant_or_redirect()
    if grant is None or grant.case_id is None:
        return redirect(url_for("parties.follow"))
    form = RatingForm()
    if not form.validate_on_submit():
        flash(_("Choose how satisfied you are, from 1 to 5."), "error")
        return redirect(url_for("parties.status"))
    try:
        rate_mediation(db.session, grant, satisfaction=form.satisfaction.data,
                       comment=(form.comment.data or "").strip(), now=utcnow())
    except RatingRefused as refusal:
        flash(refusal_message(refusal.code), "error")
        return redirect(url_for("parties.status"))
    flash(_("Thank you. Your rating was sent to the mediation institution."), "success")
    return redirect(url_for("parties.status"))


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
