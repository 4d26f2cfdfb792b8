"""Workflow steps, referrals and agreements over JSON, with the same rules as the pages."""

from flask import abort, current_app, g, jsonify, request
from marshmallow import ValidationError
from sqlalchemy import select

from ..access import policy, roles
from ..access.web import changeable_case_or_404, visible_case_or_404
from ..agreements.models import Agreement
from ..agreements.queries import mediation_record
from ..agreements.services import AgreementDraft, AgreementError, update_draft
from ..casefile.models import Referral
from ..concurrency import EditConflict
from ..db import db, utcnow
from ..directory.models import Institution
from ..documents.issuer import current_issuer
from ..handlings.catalog import catalog
from ..handlings.queries import step_options
from ..handlings.services import HandlingError, fire_transition
from ..labels import explain, label
from ..referrals import queries as referral_queries
from ..referrals import services as referral_services
from .edit_views import BadPrecondition, bad_precondition, based_on_version, conflict, with_etag
from .schemas import (
    AgreementIn,
    AgreementOut,
    CaseOut,
    ReferralIn,
    ReferralOut,
    ReturnIn,
    StepIn,
    StepOut,
)
from .views import bp, invalid, token_required


def _case_or_404(case_id: int):
    return visible_case_or_404(case_id, g.api_user)


def _refused(refusal, status: int = 409):
    return jsonify(error=explain(refusal), code=refusal.code, guards=list(refusal.guards),
                   status=status), status


def _load(schema):
    return schema.load(request.get_json(silent=True) or {})


@bp.get("/cases/<int:case_id>/transitions")
@token_required
def list_steps_api(case_id: int):
    """Workflow steps the token's user may take on the case now.
    ---
    get:
      summary: Available workflow steps (blocked ones list their unmet guards)
      security: [{bearerAuth: []}]
      parameters:
        - {in: path, name: case_id, required: true, schema: {type: integer}}
      responses:
        200: {content: {application/json: {schema: {type: array, items: StepOut}}}}
        404: {content: {application/json: {schema: ErrorOut}}}
    """
    case = _case_or_404(case_id)
    return jsonify(StepOut(many=True).dump(step_options(db.session, case, g.api_user,
                                                        now=utcnow())))


@bp.post("/cases/<int:case_id>/transitions/<name>")
@token_required
def fire_step_api(case_id: int, name: str):
    """Take a workflow step.
    ---
    post:
      summary: Take a workflow step on the case
      security: [{bearerAuth: []}]
      parameters:
        - {in: path, name: case_id, required: true, schema: {type: integer}}
        - {in: path, name: name, required: true, schema: {type: string}}
      requestBody: {content: {application/json: {schema: StepIn}}}
      responses:
        200: {content: {application/json: {schema: CaseOut}}}
        403: {content: {application/json: {schema: ErrorOut}}}
        409: {content: {application/json: {schema: RefusalOut}}}
    """
    case = changeable_case_or_404(case_id, g.api_user)
    try:
        data = _load(StepIn())
        fire_transition(db.session, case, name, actor=g.api_user, now=utcnow(),
                        note=data["note"], reason=data["reason"])
    except ValidationError as problem:
        return invalid(problem.messages)
    except HandlingError as refusal:
        return _refused(refusal)
    return jsonify(CaseOut().dump(case))


@bp.get("/referrals/inbox")
@token_required
def inbox_api():
    """Referrals waiting for the token user's institution.
    ---
    get:
      summary: Pending referrals addressed to my institution
      security: [{bearerAuth: []}]
      responses:
        200: {content: {application/json: {schema: {type: array, items: ReferralOut}}}}
    """
    if not roles.acts_for_institution(g.api_user):
        abort(403)
    return jsonify(ReferralOut(many=True).dump(referral_queries.inbox(db.session, g.api_user)))


@bp.post("/cases/<int:case_id>/referrals")
@token_required
def send_referral_api(case_id: int):
    """Send a referral.
    ---
    post:
      summary: Refer the case to another institution
      security: [{bearerAuth: []}]
      parameters:
        - {in: path, name: case_id, required: true, schema: {type: integer}}
      requestBody: {required: true, content: {application/json: {schema: ReferralIn}}}
      responses:
        201: {content: {application/json: {schema: ReferralOut}}}
        409: {content: {application/json: {schema: RefusalOut}}}
        422: {content: {application/json: {schema: ErrorOut}}}
    """
    case = _case_or_404(case_id)
    if not roles.acts_for_institution(g.api_user):
        abort(403)
    try:
        data = _load(ReferralIn())
    except ValidationError as problem:
        return invalid(problem.messages)
    receiver = db.session.scalar(select(Institution).where(
        Institution.code == data["to_institution_code"]))
    if receiver is None:
        return invalid({"to_institution_code": ["unknown institution"]})
    try:
        referral = referral_services.send_referral(
            db.session, catalog(), case, kind=data["kind"], to_institution=receiver,
            reason=data["reason"], actor=g.api_user, now=utcnow(),
            accept_working_days=current_app.config["REFERRAL_ACCEPT_WORKING_DAYS"],
            issuer=current_issuer(), parties_consent=data["parties_consent"])
    except referral_services.ReferralError as refusal:
        return _refused(refusal)
    return jsonify(ReferralOut().dump(referral)), 201


def _referral_or_404(referral_id: int) -> Referral:
    referral = db.session.get(Referral, referral_id)
    if referral is None or g.api_user.institution_id not in (
            referral.from_institution_id, referral.to_institution_id):
        abort(404)
    return referral


def _answer(referral_id: int, act):
    """Run one answer to a referral the token user's institution sent or received."""
    referral = _referral_or_404(referral_id)
    try:
        act(referral)
    except ValidationError as problem:
        return invalid(problem.messages)
    except referral_services.ReferralError as refusal:
        return _refused(refusal)
    return jsonify(ReferralOut().dump(referral))


@bp.post("/referrals/<int:referral_id>/accept")
@token_required
def accept_referral_api(referral_id: int):
    """Accept a referral.
    ---
    post:
      summary: Accept (签收) a referral addressed to my institution
      security: [{bearerAuth: []}]
      parameters:
        - {in: path, name: referral_id, required: true, schema: {type: integer}}
      responses:
        200: {content: {application/json: {schema: ReferralOut}}}
        409: {content: {application/json: {schema: RefusalOut}}}
    """
    return _answer(referral_id, lambda referral: referral_services.accept_referral(
        db.session, catalog(), referral, actor=g.api_user, now=utcnow()))


@bp.post("/referrals/<int:referral_id>/return")
@token_required
def return_referral_api(referral_id: int):
    """Return a referral.
    ---
    post:
      summary: Return (退回) a referral with a reason
      security: [{bearerAuth: []}]
      parameters:
        - {in: path, name: referral_id, required: true, schema: {type: integer}}
      requestBody: {required: true, content: {application/json: {schema: ReturnIn}}}
      responses:
        200: {content: {application/json: {schema: ReferralOut}}}
        409: {content: {application/json: {schema: RefusalOut}}}
        422: {content: {application/json: {schema: ErrorOut}}}
    """
    def give_back(referral: Referral) -> None:
        data = _load(ReturnIn())
        referral_services.return_referral(db.session, referral, reason=data["reason"],
                                          note=data["note"], actor=g.api_user, now=utcnow())

    return _answer(referral_id, give_back)


@bp.post("/referrals/<int:referral_id>/withdraw")
@token_required
def withdraw_referral_api(referral_id: int):
    """Withdraw a referral.
    ---
    post:
      summary: Withdraw a referral my institution sent that is not yet accepted
      security: [{bearerAuth: []}]
      parameters:
        - {in: path, name: referral_id, required: true, schema: {type: integer}}
      responses:
        200: {content: {application/json: {schema: ReferralOut}}}
        409: {content: {application/json: {schema: RefusalOut}}}
    """
    return _answer(referral_id, lambda referral: referral_services.withdraw_referral(
        db.session, referral, actor=g.api_user, now=utcnow()))


@bp.get("/cases/<int:case_id>/agreements")
@token_required
def list_agreements_api(case_id: int):
    """Agreements of a case, newest version first.
    ---
    get:
      summary: Every version of the case's mediation agreement
      security: [{bearerAuth: []}]
      parameters:
        - {in: path, name: case_id, required: true, schema: {type: integer}}
      responses:
        200: {content: {application/json: {schema: {type: array, items: AgreementOut}}}}
    """
    case = _case_or_404(case_id)
    return jsonify(AgreementOut(many=True).dump(mediation_record(db.session, case.id).agreements))


@bp.put("/agreements/<int:agreement_id>")
@token_required
def edit_agreement_api(agreement_id: int):
    """Change a draft agreement.
    ---
    put:
      summary: >-
        Change a draft nobody has signed yet (send its ETag as If-Match; a signed draft or a
        stale ETag is refused with 409)
      description: >-
        Optimistic concurrency: If-Match carries the draft's edit version (its ETag, also
        `edit_version` in AgreementOut; `version` numbers the documents). If someone saved
        the draft since, nothing is changed and the answer is 409 (not 412) with a
        ConflictOut listing each differing field with the value sent and the value saved
        now, and the current version. Without If-Match the change applies to whatever is
        saved.
      security: [{bearerAuth: []}]
      parameters:
        - {in: path, name: agreement_id, required: true, schema: {type: integer}}
        - in: header
          name: If-Match
          required: false
          schema: {type: string}
          description: the draft's ETag, e.g. "3"
      requestBody: {required: true, content: {application/json: {schema: AgreementIn}}}
      responses:
        200: {content: {application/json: {schema: AgreementOut}}}
        409:
          description: A signed draft (RefusalOut) or a stale If-Match (ConflictOut)
          content: {application/json: {schema: {oneOf: [RefusalOut, ConflictOut]}}}
        422: {content: {application/json: {schema: ErrorOut}}}
    """
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None:
        abort(404)
    _case_or_404(agreement.case_id)
    if not policy.can_change_record(g.api_user, agreement):
        abort(403)
    try:
        data = _load(AgreementIn())
        update_draft(db.session, agreement, AgreementDraft(**data), actor=g.api_user,
                     now=utcnow(), based_on_version=based_on_version())
    except ValidationError as problem:
        return invalid(problem.messages)
    except BadPrecondition:
        return bad_precondition()
    except EditConflict as refusal:
        return conflict(refusal)
    except AgreementError as refusal:
        return jsonify(error=label("agreement_refusal", refusal.code), code=refusal.code,
                       guards=[], status=409), 409
    db.session.flush()
    return with_etag(AgreementOut().dump(agreement), agreement.row_version)
