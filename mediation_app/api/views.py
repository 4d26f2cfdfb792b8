"""Cases over JSON with the same permissions as the pages."""

from functools import wraps

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.yaml_utils import load_operations_from_docstring
from flask import Blueprint, abort, current_app, g, jsonify, request
from marshmallow import ValidationError
from sqlalchemy import select

from ..access import policy, roles
from ..access.masking import case_for_reader
from ..access.web import visible_case_or_404
from ..auth.services import user_for_token
from ..cases import services
from ..cases.queries import CaseFilters, list_cases
from ..db import db, utcnow
from ..directory.models import Region
from ..handlings.catalog import catalog
from ..stats import prevented
from ..stats.definitions import Period, local_today, this_month
from ..stats.output import as_json
from ..stats.queries import Scope
from ..stats.rollups import statistics
from .openapi import complete
from .schemas import (
    AgreementIn,
    AgreementOut,
    CaseIn,
    CaseOut,
    CasePageOut,
    ChangeOut,
    ConflictOut,
    ErrorOut,
    ReferralIn,
    ReferralOut,
    RefusalOut,
    ReturnIn,
    SessionIn,
    SessionOut,
    StatisticsIn,
    StatisticsOut,
    StepIn,
    StepOut,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def token_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, secret = header.partition(" ")
        user = user_for_token(db.session, secret.strip(), now=utcnow()) \
            if scheme.lower() == "bearer" and secret else None
        if user is None:
            response = jsonify(error="a valid bearer token is required", status=401)
            response.headers["WWW-Authenticate"] = "Bearer"
            return response, 401
        g.api_user = user
        return view(*args, **kwargs)

    return wrapper


def invalid(messages: dict):
    return jsonify(error="invalid input", status=422, fields=messages), 422


@bp.get("/cases")
@token_required
def list_cases_api():
    """List cases visible to the token's user.
    ---
    get:
      summary: List cases (newest first, keyset pagination)
      security: [{bearerAuth: []}]
      parameters:
        - {in: query, name: state, schema: {type: string}}
        - {in: query, name: channel, schema: {type: string}}
        - {in: query, name: dispute_type, schema: {type: string}}
        - {in: query, name: q, schema: {type: string}, description: "case no., summary, party, ID no., phone"}
        - {in: query, name: cursor, schema: {type: string}}
        - {in: query, name: per_page, schema: {type: integer, maximum: 100}}
      responses:
        200: {content: {application/json: {schema: CasePageOut}}}
        401: {content: {application/json: {schema: ErrorOut}}}
    """
    filters = CaseFilters(
        state=request.args.get("state") or None,
        channel=request.args.get("channel") or None,
        dispute_type=request.args.get("dispute_type") or None,
        text=request.args.get("q") or None,
    )
    per_page = min(max(request.args.get("per_page", 25, type=int), 1), 100)
    page = list_cases(db.session, g.api_user, filters, cursor=request.args.get("cursor"),
                      per_page=per_page)
    return jsonify(CasePageOut().dump(page))


@bp.get("/cases/<int:case_id>")
@token_required
def get_case_api(case_id: int):
    """One case.
    ---
    get:
      summary: Get a case the token's user may see
      security: [{bearerAuth: []}]
      parameters:
        - {in: path, name: case_id, required: true, schema: {type: integer}}
      responses:
        200: {content: {application/json: {schema: CaseOut}}}
        404: {content: {application/json: {schema: ErrorOut}}}
    """
    return jsonify(_case_out(visible_case_or_404(case_id, g.api_user), g.api_user))


@bp.post("/cases")
@token_required
def create_case_api():
    """File a case.
    ---
    post:
      summary: File a case at the token user's institution
      security: [{bearerAuth: []}]
      requestBody: {required: true, content: {application/json: {schema: CaseIn}}}
      responses:
        201: {content: {application/json: {schema: CaseOut}}}
        403: {content: {application/json: {schema: ErrorOut}}}
        422: {content: {application/json: {schema: ErrorOut}}}
    """
    user = g.api_user
    if not roles.acts_for_institution(user):
        abort(403)
    try:
        data = CaseIn().load(request.get_json(silent=True) or {})
    except ValidationError as problem:
        return invalid(problem.messages)
    workflows = catalog().for_filing(user.institution.kind)
    if not workflows:
        abort(403)
    region = db.session.scalar(select(Region).where(Region.code == data["region_code"]))
    if region is None or not user.institution.region.contains(region):
        return invalid({"region_code": ["unknown region or outside your jurisdiction"]})
    case = services.file_case(
        db.session,
        services.NewCase(
            dispute_type=data["dispute_type"], source=data["source"], region=region,
            summary=data["summary"], description=data["description"], amount=data["amount"],
            received_on=data["received_on"],
            parties=[services.NewParty(**party) for party in data["parties"]],
        ),
        actor=user, now=utcnow(), workflow=catalog().sources[workflows[0].name],
    )
    return jsonify(_case_out(case, user)), 201


@bp.get("/statistics")
@token_required
def statistics_api():
    """The figures of DESIGN.md §5 with what the mediations prevented.
    ---
    get:
      summary: Statistics of a period over the token user's jurisdiction (as `flask stats`)
      security: [{bearerAuth: []}]
      parameters:
        - {in: query, name: from, schema: {type: string, format: date},
           description: "default: the first of this month (Beijing)"}
        - {in: query, name: to, schema: {type: string, format: date},
           description: "default: the last of this month"}
        - {in: query, name: by,
           schema: {type: string, enum: [channel, institution, region, dispute_type, month]}}
        - {in: query, name: region, schema: {type: string},
           description: "a region code in the user's subtree"}
      responses:
        200: {content: {application/json: {schema: StatisticsOut}}}
        403: {content: {application/json: {schema: ErrorOut}}}
        422: {content: {application/json: {schema: ErrorOut}}}
    """
    jurisdiction = policy.figures_jurisdiction(g.api_user)
    if jurisdiction is None:
        abort(403)
    try:
        asked = StatisticsIn().load(request.args.to_dict())
    except ValidationError as problem:
        return invalid(problem.messages)
    region = jurisdiction.region
    if asked["region"]:
        region = db.session.scalar(select(Region).where(Region.code == asked["region"]))
        if region is None or not jurisdiction.region.contains(region):
            return invalid({"region": ["unknown region or outside your jurisdiction"]})
    month = this_month(local_today(utcnow()))
    start = asked["start"] or month.start
    end = asked["end"] or max(month.end, start)
    if end < start:
        return invalid({"to": ["ends before the period starts"]})
    period = Period(start, end)
    scope = Scope(region=region, institution_id=jurisdiction.institution_id)
    months = current_app.config["DURABLE_MONTHS"]
    report = statistics(db.session, period, scope, group=asked["by"], now=utcnow(),
                        durable_months=months)
    stopped = {None: prevented.total(prevented.from_rollups(db.session, period, scope,
                                                            durable_months=months))}
    if asked["by"]:
        stopped.update({str(key): value for key, value in prevented.from_rollups(
            db.session, period, scope, group=asked["by"], durable_months=months).items()
            if key is not None})
    return current_app.response_class(as_json(report, stopped), mimetype="application/json")


def _case_out(case, user) -> dict:
    """The case as this user may read it: parties' ID numbers whole or masked by the policy."""
    return CaseOut().dump(case_for_reader(case, whole=policy.sees_personal_data(user, case)))


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI document of this API, generated from the views and schemas."""
    spec = APISpec(title="Mediation case management API", version="1.0.0",
                   openapi_version="3.0.3", plugins=[MarshmallowPlugin()])
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for schema in (CaseIn, CaseOut, CasePageOut, ErrorOut, StepIn, StepOut, ReferralIn,
                   ReferralOut, ReturnIn, RefusalOut, AgreementIn, AgreementOut, SessionIn,
                   SessionOut, ChangeOut, ConflictOut, StatisticsOut):
        spec.components.schema(schema.__name__, schema=schema)
    for endpoint, view in current_app.view_functions.items():
        if not endpoint.startswith("api.") or endpoint == "api.openapi":
            continue
        for rule in current_app.url_map.iter_rules(endpoint):
            path = rule.rule.replace("/api/v1", "", 1)
            path = path.replace("<int:", "{").replace("<", "{").replace(">", "}")
            spec.path(path=path, operations=_operations(view))
    document = spec.to_dict()
    document["servers"] = [{"url": "/api/v1"}]
    return jsonify(complete(document))


def _operations(view) -> dict:
    return load_operations_from_docstring(view.__doc__ or "")
