"""Following one's case (案件查询): sign in by phone code, the status page, asking for a
recusal or choosing a mediator, downloading documents, rating the mediation."""

from __future__ import annotations

from io import BytesIO

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _

from ..db import db, utcnow
from ..extensions import limiter
from ..labels import label, options
from ..transaction import discard
from .blueprint import bp
from .following import (
    RatingRefused,
    case_status,
    download_document,
    open_follow,
    rate_mediation,
    request_follow_code,
)
from .forms import FollowForm, PartyChoiceForm, PartyRecusalForm, RatingForm
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
)


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
