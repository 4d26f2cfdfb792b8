"""Request and response shapes; the OpenAPI document is generated from these."""

from datetime import UTC, date
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from ..access.masking import masked_in_text
from ..casefile.models import RETURN_REASONS
from ..db import db
from ..domain.codes import DisputeType, PartyKind, PartyRole, Sex, Source, values
from ..domain.ethnicity import ETHNIC_GROUPS
from ..domain.idcard import InvalidIdNumber, birth_date, normalise_id_number
from ..domain.phones import InvalidPhone, normalise_phone
from ..stats.corrections import recorded
from ..stats.definitions import GROUPINGS
from ..workflow.loader import REFERRAL_KINDS

MAX_AMOUNT = Decimal("999999999999.99")  # what NUMERIC(14, 2) holds
# amounts travel as strings with two decimals ("5000.00"): documented as such, with no
# numeric bound written as a string (which made the document invalid)
AMOUNT = {"type": "string", "pattern": r"^[0-9]{1,12}(\.[0-9]{1,2})?$",
          "description": "yuan, as a string with up to two decimals", "example": "5000.00"}


def _amount_in_range(value: Decimal) -> None:
    if not 0 <= value <= MAX_AMOUNT:
        raise ValidationError(f"must be between 0 and {MAX_AMOUNT}")


class UtcDateTime(fields.DateTime):
    """A stored (naive UTC) moment as ISO 8601 with its offset: 2026-11-01T02:00:00+00:00."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class PhoneNumber(fields.String):
    """A mobile or landline as typed (spaces, dashes, full-width digits), loaded in its
    stored form: 13800138000, 0571-88888888."""

    def _deserialize(self, value, attr, data, **kwargs):
        typed = super()._deserialize(value, attr, data, **kwargs)
        if not typed.strip():
            return None
        try:
            return normalise_phone(typed)
        except InvalidPhone as problem:
            raise ValidationError(f"invalid phone number: {problem}") from None


class PartyIn(Schema):
    role = fields.String(required=True, validate=validate.OneOf(values(PartyRole)))
    kind = fields.String(load_default="person", validate=validate.OneOf(values(PartyKind)))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    sex = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(values(Sex)))
    id_number = fields.String(allow_none=True, load_default=None)
    phone = PhoneNumber(allow_none=True, load_default=None)
    address = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=200))
    representative_name = fields.String(allow_none=True, load_default=None,
                                        validate=validate.Length(max=100))
    representative_phone = PhoneNumber(allow_none=True, load_default=None)
    ethnicity = fields.String(allow_none=True, load_default=None,
                              validate=validate.OneOf(ETHNIC_GROUPS))
    birth_date = fields.Date(allow_none=True, load_default=None,
                             metadata={"description": "read from the ID number when absent"})
    occupation = fields.String(allow_none=True, load_default=None,
                               validate=validate.Length(max=100))
    employer = fields.String(allow_none=True, load_default=None,
                             validate=validate.Length(max=200))

    @validates("id_number")
    def check_id_number(self, value, **_kwargs):
        if value:
            try:
                normalise_id_number(value)
            except InvalidIdNumber as problem:
                raise ValidationError(f"invalid ID number: {problem}") from None

    @validates_schema
    def check_birth_date(self, data, **_kwargs):
        born = data.get("birth_date")
        if born is None:
            return
        if born > date.today():
            raise ValidationError("must not be in the future", "birth_date")
        try:
            encoded = birth_date(normalise_id_number(data.get("id_number") or ""))
        except InvalidIdNumber:
            encoded = None
        if encoded is not None and encoded != born:
            raise ValidationError("differs from the birth date in the ID number", "birth_date")


class CaseIn(Schema):
    dispute_type = fields.String(required=True, validate=validate.OneOf(values(DisputeType)))
    source = fields.String(required=True, validate=validate.OneOf(values(Source)))
    region_code = fields.String(required=True)
    summary = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=20000))
    amount = fields.Decimal(allow_none=True, load_default=None, places=2, as_string=True,
                            validate=_amount_in_range, metadata=AMOUNT)
    received_on = fields.Date(required=True)
    parties = fields.List(fields.Nested(PartyIn), required=True,
                          validate=validate.Length(min=2, max=50))


EDIT_VERSION = {"description": "the record's edit version, also its ETag: send it back as "
                               "If-Match when changing the record"}


class PartyOut(Schema):
    id = fields.Integer()
    edit_version = fields.Integer(attribute="version", metadata=EDIT_VERSION)
    role = fields.String()
    kind = fields.String()
    name = fields.String()
    sex = fields.String(allow_none=True)
    id_number = fields.String(metadata={
        "description": "whole for the institutions that handled the case, else masked: "
                       "3208**********1234"})
    ethnicity = fields.String(allow_none=True)
    birth_date = fields.Function(
        lambda party: party.birth_date if isinstance(party.birth_date, str | None)
        else party.birth_date.isoformat(),
        metadata={"type": "string", "nullable": True,
                  "description": "YYYY-MM-DD for the institutions that handled the case, "
                                 "else masked: ****-**-**"})
    occupation = fields.String(allow_none=True)
    employer = fields.String(allow_none=True, metadata={
        "description": "for the institutions that handled the case only, else null"})


def _prevented(handling) -> dict | None:
    """What a concluded mediation prevented (zeros when nothing was recorded); null before."""
    if not handling.is_mediation or handling.outcome not in ("success", "failure"):
        return None
    return recorded(db.session, handling).as_dict()


class HandlingOut(Schema):
    institution_code = fields.Function(lambda handling: handling.institution.code)
    prevented = fields.Function(_prevented, metadata={
        "type": "object", "nullable": True,
        "description": "防止民转刑, 群体性上访, 群体性械斗 (cases and people) of a concluded "
                       "mediation: criminal_cases, criminal_people, petition_cases, "
                       "petition_people, fight_cases, fight_people"})
    channel = fields.String(allow_none=True)
    state = fields.String()
    outcome = fields.String(allow_none=True)
    started_at = UtcDateTime()
    concluded_at = UtcDateTime(allow_none=True)
    deadline_at = UtcDateTime(allow_none=True)


class CaseOut(Schema):
    id = fields.Integer()
    case_no = fields.String()
    dispute_type = fields.String()
    source = fields.String()
    region_code = fields.Function(lambda case: case.region.code)
    summary = fields.String()
    description = fields.String()
    amount = fields.Decimal(as_string=True, allow_none=True, metadata=AMOUNT)
    received_on = fields.Date()
    filed_at = UtcDateTime()
    updated_at = UtcDateTime()
    holder_institution_code = fields.Function(lambda case: case.holder_institution.code)
    channel = fields.String(allow_none=True)
    state = fields.String()
    deadline_at = UtcDateTime(allow_none=True)
    closed_at = UtcDateTime(allow_none=True)
    parties = fields.List(fields.Nested(PartyOut))
    handlings = fields.List(fields.Nested(HandlingOut))


class CaseSummaryOut(Schema):
    id = fields.Integer()
    case_no = fields.String()
    dispute_type = fields.String()
    # a list needs no whole number: ID numbers and phones written in a summary are masked
    summary = fields.Function(lambda case: masked_in_text(case.summary or ""),
                              metadata={"type": "string"})
    channel = fields.String(allow_none=True)
    state = fields.String()
    filed_at = UtcDateTime()
    deadline_at = UtcDateTime(allow_none=True)


class CasePageOut(Schema):
    items = fields.List(fields.Nested(CaseSummaryOut))
    next_cursor = fields.String(allow_none=True)
    total = fields.Integer()
    total_is_capped = fields.Boolean()


class StatisticsIn(Schema):
    start = fields.Date(data_key="from", load_default=None)
    end = fields.Date(data_key="to", load_default=None)
    by = fields.String(load_default=None, validate=validate.OneOf(GROUPINGS))
    region = fields.String(load_default=None, metadata={"description": "a region code in "
                                                        "the user's subtree"})

    @validates_schema
    def _in_order(self, data, **kwargs):
        if data["start"] and data["end"] and data["end"] < data["start"]:
            raise ValidationError("ends before it starts", "to")


class PreventedOut(Schema):
    criminal_cases = fields.Integer()
    criminal_people = fields.Integer()
    petition_cases = fields.Integer()
    petition_people = fields.Integer()
    fight_cases = fields.Integer()
    fight_people = fields.Integer()


class FiguresOut(Schema):
    received = fields.Integer()
    concluded = fields.Integer()
    success = fields.Integer()
    failure = fields.Integer()
    withdrawn = fields.Integer()
    transferred = fields.Integer()
    success_rate = fields.Float(allow_none=True, metadata={"description": "percent, two "
                                                            "decimals"})
    parties = fields.Integer()
    agreement_amount = fields.Float(metadata={"description": "yuan, two decimals"})
    overdue = fields.Integer()
    prevented = fields.Nested(PreventedOut)


class GroupFiguresOut(FiguresOut):
    key = fields.String()


class StatisticsOut(Schema):
    start = fields.String(data_key="from")
    end = fields.String(data_key="to")
    totals = fields.Nested(FiguresOut)
    groups = fields.List(fields.Nested(GroupFiguresOut))


class ErrorOut(Schema):
    error = fields.String()
    status = fields.Integer()
    fields = fields.Dict(metadata={"description": "per-field problems, when the input is invalid"})


class StepOut(Schema):
    name = fields.Function(lambda option: option.transition.name)
    label = fields.Function(lambda option: option.transition.label)
    target = fields.Function(lambda option: option.transition.target)
    allowed = fields.Boolean()
    blocked_by = fields.List(fields.String(), metadata={"description": "unmet guards"})


class StepIn(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    # why the step ends the handling in failure or withdrawal: a code the workflow declares
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))


class ReferralIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(REFERRAL_KINDS))
    to_institution_code = fields.String(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    # the kinds that move the parties to another form of mediation need it (referrals/kinds.py)
    parties_consent = fields.Boolean(load_default=False)


class ReturnIn(Schema):
    reason = fields.String(required=True, validate=validate.OneOf(RETURN_REASONS))
    note = fields.String(load_default="", validate=validate.Length(max=4000))


class ReferralOut(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    case_no = fields.Function(lambda referral: referral.case.case_no)
    kind = fields.String()
    status = fields.String()
    from_institution_code = fields.Function(lambda referral: referral.from_institution.code)
    to_institution_code = fields.Function(lambda referral: referral.to_institution.code)
    reason = fields.String()
    created_at = UtcDateTime()
    accept_by = UtcDateTime()
    decided_at = UtcDateTime(allow_none=True)
    return_reason = fields.String(allow_none=True)
    return_note = fields.String(allow_none=True)


class RefusalOut(Schema):
    error = fields.String()
    code = fields.String()
    guards = fields.List(fields.String())
    status = fields.Integer()


class AgreementIn(Schema):
    facts = fields.String(required=True, validate=validate.Length(min=1, max=10000))
    matters = fields.String(required=True, validate=validate.Length(min=1, max=10000))
    clauses = fields.List(fields.String(validate=validate.Length(min=1, max=2000)), required=True,
                          validate=validate.Length(min=1, max=100))
    amount = fields.Decimal(allow_none=True, load_default=None, places=2, as_string=True,
                            validate=_amount_in_range, metadata=AMOUNT)
    performance_manner = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    performance_deadline = fields.Date(allow_none=True, load_default=None)


class AgreementOut(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    version = fields.Integer(metadata={"description": "the document's version: a correction "
                                                      "voids it and drafts the next"})
    edit_version = fields.Integer(attribute="row_version", metadata=EDIT_VERSION)
    status = fields.String()
    facts = fields.String()
    matters = fields.String()
    clauses = fields.List(fields.String())
    amount = fields.Decimal(as_string=True, allow_none=True, metadata=AMOUNT)
    performance_manner = fields.String()
    performance_deadline = fields.Date(allow_none=True)
    signed_at = UtcDateTime(allow_none=True)
    voided_at = UtcDateTime(allow_none=True)
    signers = fields.Function(lambda agreement: [s.signer_name for s in agreement.signatures])


class SessionIn(Schema):
    held_on = fields.Date(required=True)
    place = fields.String(required=True, validate=validate.Length(min=1, max=200))
    mediators = fields.String(required=True, validate=validate.Length(min=1, max=200))
    attendees = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    record = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    start_time = fields.Time(allow_none=True, load_default=None, format="%H:%M",
                             metadata={"description": "local time, HH:MM"})
    end_time = fields.Time(allow_none=True, load_default=None, format="%H:%M",
                           metadata={"description": "local time, HH:MM; after start_time"})
    recorder_id = fields.Integer(allow_none=True, load_default=None, metadata={
        "description": "记录人: a mediator or liaison of the recording institution"})

    @validates_schema
    def check_times(self, data, **_kwargs):
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            raise ValidationError("must be after start_time", "end_time")


class SessionOut(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    edit_version = fields.Integer(attribute="version", metadata=EDIT_VERSION)
    held_on = fields.Date()
    place = fields.String()
    mediators = fields.String()
    attendees = fields.String()
    record = fields.String()
    start_time = fields.Time(allow_none=True, format="%H:%M")
    end_time = fields.Time(allow_none=True, format="%H:%M")
    recorder_id = fields.Integer(allow_none=True)
    recorder = fields.Function(
        lambda record: record.recorder.display_name if record.recorder else None,
        metadata={"type": "string", "nullable": True})


class ChangeOut(Schema):
    field = fields.String(metadata={"description": "the field that differs"})
    submitted = fields.String(allow_none=True, metadata={"description": "the value you sent"})
    current = fields.String(allow_none=True,
                            metadata={"description": "the value saved meanwhile by someone else"})


class ConflictOut(Schema):
    error = fields.String()
    status = fields.Integer()
    current_version = fields.Integer(metadata={
        "description": "the edit version saved now: send it as If-Match to save your values "
                       "over the other ones"})
    changes = fields.List(fields.Nested(ChangeOut))
