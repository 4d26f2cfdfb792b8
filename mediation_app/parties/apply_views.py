"""Applying online (在线申请调解): the form with its choices of region, committee and
mediator, the phone code, and the page that confirms the submission."""

from __future__ import annotations

from flask import abort, redirect, render_template, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.models import User
from ..db import db, utcnow
from ..directory.models import Institution, Region
from ..extensions import limiter
from ..labels import label, options
from ..roster.models import MediatorProfile
from ..uploads import UploadRefused
from .applications import ApplicationRefused, NewApplication, Upload, submit_application
from .applications import request_apply_code as send_apply_code
from .blueprint import bp
from .forms import ApplicationForm
from .messages import refusal_message
from .models import Application
from .verification import VerificationRefused
from .web import client_ip, ip_limit, phone_key, phone_limit, upload_rules, verifier

COMMITTEE_KINDS = ("peoples_committee", "professional_committee")


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
