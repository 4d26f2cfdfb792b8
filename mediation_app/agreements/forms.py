from __future__ import annotations

import base64

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from ..labels import label, options


class SessionForm(FlaskForm):
    held_on = DateField(_l("Date"), validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=200)])
    mediators = StringField(_l("Mediators"), validators=[DataRequired(), Length(max=200)])
    attendees = TextAreaField(_l("Who attended"), validators=[DataRequired(), Length(max=2000)])
    record = TextAreaField(_l("What was said and proposed"),
                           validators=[DataRequired(), Length(max=20000)])
    start_time = TimeField(_l("Start time"), validators=[Optional()])
    end_time = TimeField(_l("End time"), validators=[Optional()])
    # 记录人: one of the institution's case workers, offered by the caller
    recorder_id = SelectField(_l("Recorder"), coerce=int, validators=[Optional()])

    def offer_recorders(self, users) -> SessionForm:
        self.recorder_id.choices = [(0, "—")] + [(user.id, user.display_name) for user in users]
        return self

    def validate_end_time(self, field) -> None:
        if field.data and self.start_time.data and field.data <= self.start_time.data:
            raise ValidationError(_l("A session ends after it starts."))


class SessionEditForm(SessionForm):
    version = HiddenField()  # the version the form was filled from: a later save conflicts


class AgreementForm(FlaskForm):
    facts = TextAreaField(_l("Main facts of the dispute"),
                          validators=[DataRequired(), Length(max=10000)])
    matters = TextAreaField(_l("Disputed matters and each side's responsibility"),
                            validators=[DataRequired(), Length(max=10000)])
    clauses = TextAreaField(_l("Terms agreed, one per line"),
                            validators=[DataRequired(), Length(max=20000)])
    amount = DecimalField(_l("Amount agreed (yuan)"), places=2,
                          validators=[Optional(), NumberRange(min=0)])
    performance_manner = TextAreaField(_l("Manner of performance"),
                                       validators=[DataRequired(), Length(max=4000)])
    performance_deadline = DateField(_l("Performance deadline"), validators=[Optional()])

    def clause_list(self) -> list[str]:
        return [line.strip() for line in self.clauses.data.splitlines() if line.strip()]

    def detail_fields(self) -> list:
        return [field for name, field in self._fields.items() if name.startswith(DETAIL)]

    def details(self) -> dict[str, str]:
        """The channel details typed, by their workflow name (blank ones left out)."""
        return {field.name.removeprefix(DETAIL): field.data.strip()
                for field in self.detail_fields() if (field.data or "").strip()}

    def fill_details(self, details: dict) -> None:
        for field in self.detail_fields():
            field.data = details.get(field.name.removeprefix(DETAIL), field.data)


DETAIL = "detail_"


def with_details(form_class: type[AgreementForm], names: tuple[str, ...]) -> type[AgreementForm]:
    """The form asking, besides the common items, for the details the channel's document
    prints (the workflow's `fields:`: 主持人 and 经过 for 治安调解, 损失 and 责任比例 for
    traffic, 审判员 for a court's 民事调解书 …)."""
    if not names:
        return form_class
    asked = {DETAIL + name: TextAreaField(label("agreement_detail", name),
                                          validators=[Optional(), Length(max=4000)])
             for name in names}
    return type(form_class.__name__, (form_class,), asked)


class AgreementEditForm(AgreementForm):
    # the draft's edit version the form was filled from (`version` numbers the documents)
    row_version = HiddenField()


class DrawnSignatureForm(FlaskForm):
    """A signature drawn on the canvas (static/sign.js), sent as a PNG data URI."""

    image = HiddenField(validators=[DataRequired(), Regexp(r"^data:image/png;base64,[A-Za-z0-9+/=]+$"),
                                    Length(max=800_000)])

    def png(self) -> bytes:
        return base64.b64decode(self.image.data.split(",", 1)[1])


class SignatureForm(DrawnSignatureForm):
    signer = HiddenField(validators=[DataRequired(), Regexp(r"^(party-\d+|mediator)$")])


# one of those present at a session, as agreements/presence.py names them
PRESENT_KEY = Regexp(r"^(party|mediator|recorder|other):.{1,100}$")


class RecordSignatureForm(DrawnSignatureForm):
    signer = HiddenField(validators=[DataRequired(), PRESENT_KEY])


class RecordRefusalForm(FlaskForm):
    """拒绝签名: who refused, and the mediator's note of how."""

    signer = SelectField(_l("Who refuses to sign"), validators=[DataRequired(), PRESENT_KEY])
    note = TextAreaField(_l("How the refusal happened"),
                         validators=[DataRequired(), Length(max=500)])

    def offer(self, people) -> RecordRefusalForm:
        self.signer.choices = [(person.key, person.name) for person in people]
        return self


class CorrectionForm(FlaskForm):
    reason = TextAreaField(_l("Why the agreement is corrected"),
                           validators=[DataRequired(), Length(max=2000)])


class ConfirmationApplicationForm(FlaskForm):
    """The court is picked from those with jurisdiction (or is the 司法确认 referral's
    receiver); its choices are set by the caller."""

    court = SelectField(_l("Court for judicial confirmation"), coerce=int,
                        validators=[DataRequired()])

    def offer(self, courts) -> ConfirmationApplicationForm:
        self.court.choices = [(court.id, court.name) for court in courts]
        return self


class OralAgreementForm(AgreementForm):
    """人民调解法 arts. 28, 30: what the parties agreed orally, as the mediator records it."""

    clauses = TextAreaField(_l("What the parties agreed orally, one term per line"),
                            validators=[DataRequired(), Length(max=20000)])


class PerformancePlanForm(FlaskForm):
    description = StringField(_l("Obligation"), validators=[DataRequired(), Length(max=300)])
    due_on = DateField(_l("Due on"), validators=[DataRequired()])


class PerformanceRecordForm(FlaskForm):
    status = SelectField(_l("Performance"), choices=options([
        ("full", _l("Performed in full")), ("partial", _l("Performed in part")),
        ("none", _l("Not performed"))]))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class FollowUpForm(FlaskForm):
    visited_on = DateField(_l("Visited on"), validators=[DataRequired()])
    # the five answers a party gives at a 回访, from 非常不满意 to 非常满意
    satisfaction = RadioField(_l("Satisfaction (1–5)"), coerce=int,
                              choices=options([(1, _l("1 · very unsatisfied")),
                                               (2, _l("2 · unsatisfied")), (3, _l("3 · so-so")),
                                               (4, _l("4 · satisfied")),
                                               (5, _l("5 · very satisfied"))]),
                              validators=[InputRequired()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])
