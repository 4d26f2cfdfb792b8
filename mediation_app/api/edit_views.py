"""Changing parties and session records over JSON, and the optimistic concurrency every API
update shares (concurrency.py): the record's edit version is its ETag; a client sends it
back as If-Match, and a change based on an older version is refused with 409 and a body that
lists, field by field, what it sent and what is saved now."""

from flask import abort, g, jsonify, request
from marshmallow import ValidationError

from ..access import policy
from ..access.masking import masked_values, party_view
from ..access.web import changeable_case_or_404, visible_case_or_404
from ..agreements import services as agreement_services
from ..agreements.models import MediationSession
from ..agreements.queries import mediation_record
from ..casefile.models import Party
from ..cases import services as case_services
from ..concurrency import EditConflict, conflict_body, parse_version
from ..db import db, utcnow
from ..labels import label
from .schemas import PartyIn, PartyOut, SessionIn, SessionOut
from .views import bp, invalid, token_required

CONFLICT_MESSAGE = "changed by someone else since the version sent in If-Match"


class BadPrecondition(Exception):
    """An If-Match header that names no edit version."""


def based_on_version() -> int | None:
    """The edit version the client based its change on (If-Match), or None without one
    ('*' too): then the change applies to whatever is saved."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    version = parse_version(header)
    if version is None:
        raise BadPrecondition(header)
    return version


def bad_precondition():
    return jsonify(error="If-Match must carry the record's ETag (its edit version)",
                   status=400), 400


def conflict(refusal: EditConflict):
    response = jsonify(conflict_body(refusal, CONFLICT_MESSAGE))
    response.set_etag(str(refusal.current_version))
    return response, 409


def with_etag(body: dict, version: int):
    response = jsonify(body)
    response.set_etag(str(version))
    return response


@bp.put("/cases/<int:case_id>/parties/<int:party_id>")
@token_required
def edit_party_api(case_id: int, party_id: int):
    """Change a party of a case.
    ---
    put:
      summary: Change a party's details (send its ETag as If-Match; a stale one is refused)
      description: >-
        Optimistic concurrency: If-Match carries the party's edit version (its ETag, also
        `edit_version` in CaseOut.parties). If someone saved the party since, nothing is
        changed and the answer is 409 (not 412) listing each differing field with the value
        sent and the value saved now, and the current version. Without If-Match the change
        applies to whatever is saved.
      security: [{bearerAuth: []}]
      parameters:
        - {in: path, name: case_id, required: true, schema: {type: integer}}
        - {in: path, name: party_id, required: true, schema: {type: integer}}
        - in: header
          name: If-Match
          required: false
          schema: {type: string}
          description: the party's ETag, e.g. "3"
      requestBody: {required: true, content: {application/json: {schema: PartyIn}}}
      responses:
        200: {content: {application/json: {schema: PartyOut}}}
        409: {content: {application/json: {schema: ConflictOut}}}
        422: {content: {application/json: {schema: ErrorOut}}}
    """
    user = g.api_user
    case = changeable_case_or_404(case_id, user)
    if not policy.sees_personal_data(user, case):
        abort(403)
    party = db.session.get(Party, party_id)
    if party is None or party.case_id != case.id:
        abort(404)
    try:
        data = PartyIn().load(request.get_json(silent=True) or {})
        case_services.update_party(db.session, party, case_services.NewParty(**data),
                                   actor=user, now=utcnow(),
                                   based_on_version=based_on_version())
    except ValidationError as problem:
        return invalid(problem.messages)
    except BadPrecondition:
        return bad_precondition()
    except EditConflict as refusal:
        return conflict(refusal)
    db.session.flush()
    return with_etag(PartyOut().dump(party_view(party, whole=True)), party.version)


def _session_out(record: MediationSession, user) -> dict:
    body = SessionOut().dump(record)
    if policy.sees_record_whole(user, record):
        return body
    return {**body, **masked_values({name: body[name] for name in ("attendees", "record")})}


@bp.get("/cases/<int:case_id>/sessions")
@token_required
def list_sessions_api(case_id: int):
    """Session records (调解记录) of a case.
    ---
    get:
      summary: The case's session records, oldest first, with their edit versions
      security: [{bearerAuth: []}]
      parameters:
        - {in: path, name: case_id, required: true, schema: {type: integer}}
      responses:
        200: {content: {application/json: {schema: {type: array, items: SessionOut}}}}
    """
    case = visible_case_or_404(case_id, g.api_user)
    return jsonify([_session_out(record, g.api_user)
                    for record in mediation_record(db.session, case.id).sessions])


@bp.put("/sessions/<int:session_id>")
@token_required
def edit_session_api(session_id: int):
    """Correct a session record.
    ---
    put:
      summary: Correct a session record (send its ETag as If-Match; a stale one is refused)
      description: >-
        Optimistic concurrency: If-Match carries the record's edit version (its ETag, also
        `edit_version` in SessionOut). If someone saved the record since, nothing is changed
        and the answer is 409 (not 412) listing each differing field with the value sent and
        the value saved now, and the current version. Without If-Match the change applies
        to whatever is saved.
      security: [{bearerAuth: []}]
      parameters:
        - {in: path, name: session_id, required: true, schema: {type: integer}}
        - in: header
          name: If-Match
          required: false
          schema: {type: string}
          description: the record's ETag, e.g. "3"
      requestBody: {required: true, content: {application/json: {schema: SessionIn}}}
      responses:
        200: {content: {application/json: {schema: SessionOut}}}
        409: {content: {application/json: {schema: ConflictOut}}}
        422: {content: {application/json: {schema: ErrorOut}}}
    """
    user = g.api_user
    record = db.session.get(MediationSession, session_id)
    if record is None:
        abort(404)
    visible_case_or_404(record.case_id, user)
    if not policy.can_change_record(user, record):
        abort(403)
    try:
        data = SessionIn().load(request.get_json(silent=True) or {})
        agreement_services.update_session(
            db.session, record, agreement_services.SessionRecord(**data), actor=user,
            now=utcnow(), based_on_version=based_on_version())
    except ValidationError as problem:
        return invalid(problem.messages)
    except BadPrecondition:
        return bad_precondition()
    except EditConflict as refusal:
        return conflict(refusal)
    except agreement_services.AgreementError as refusal:
        return jsonify(error=label("agreement_refusal", refusal.code), code=refusal.code,
                       guards=[], status=409), 409
    db.session.flush()
    return with_etag(SessionOut().dump(record), record.version)
