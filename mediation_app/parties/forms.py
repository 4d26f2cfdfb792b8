"""Forms of the public pages (CSRF-protected) and of the staff inbox."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
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

from ..cases.forms import valid_id_number
from ..labels import choices, options
from .otp import is_mobile_number, normalise_phone

CODE = Regexp(r"^\s*\d{6}\s*$", message=_l("The code has 6 digits."))


def mobile_phone(form, field) -> None:
    if not field.data:
        return
    phone = normalise_phone(field.data)
    if not is_mobile_number(phone):
        raise ValidationError(_l("Enter an 11-digit mobile number."))
    field.data = phone


class ApplicationForm(FlaskForm):
    applicant_phone = StringField(_l("Your mobile number"), validators=[DataRequired(),
                                                                       mobile_phone])
    send_code = SubmitField(_l("Send me a code"))
    code = StringField(_l("Code from the text message"), validators=[Optional(), CODE])
    applicant_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=100)])
    applicant_sex = SelectField(_l("Sex"), choices=choices("sex", blank="—"),
                                validators=[Optional()])
    applicant_id_number = StringField(_l("Your ID number"),
                                      validators=[DataRequired(), valid_id_number])
    applicant_address = StringField(_l("Your address"), validators=[DataRequired(),
                                                                   Length(max=200)])
    respondent_kind = SelectField(_l("The other side is"), choices=choices("party_kind"))
    respondent_name = StringField(_l("Name of the other side"),
                                  validators=[DataRequired(), Length(max=100)])
    respondent_phone = StringField(_l("Their phone (if known)"),
                                   validators=[Optional(), mobile_phone])
    respondent_id_number = StringField(_l("Their ID number (if known)"),
                                       validators=[Optional(), valid_id_number])
    respondent_address = StringField(_l("Their address (if known)"),
                                     validators=[Optional(), Length(max=200)])
    dispute_type = SelectField(_l("What kind of dispute"), choices=choices("dispute_type"))
    region_id = SelectField(_l("Where (town or street)"), coerce=int)
    institution_id = SelectField(_l("Who should mediate"), coerce=int)
    mediator_id = SelectField(_l("A mediator you choose from the roster (optional)"), coerce=int)
    summary = StringField(_l("In one sentence"), validators=[DataRequired(), Length(max=200)])
    facts = TextAreaField(_l("What happened"), validators=[DataRequired(), Length(max=5000)])
    claims = TextAreaField(_l("What you ask for"), validators=[DataRequired(), Length(max=2000)])
    amount = DecimalField(_l("Amount in dispute (yuan, if any)"), places=2,
                          validators=[Optional(), NumberRange(min=0)])
    files = MultipleFileField(_l("Photos or documents (JPEG, PNG, PDF)"))
    submit = SubmitField(_l("Submit the application"))


class FollowForm(FlaskForm):
    number = StringField(_l("Case number or application number"),
                         validators=[DataRequired(), Length(max=64)])
    phone = StringField(_l("Your mobile number"), validators=[DataRequired(), mobile_phone])
    code = StringField(_l("Code from the text message"), validators=[Optional(), CODE])
    send_code = SubmitField(_l("Send me a code"))
    submit = SubmitField(_l("View my case"))


class SignerForm(FlaskForm):
    id_tail = StringField(_l("Last six characters of your ID number"),
                          validators=[Optional(), Regexp(r"^\s*\d{5}[\dXx]\s*$",
                                                         message=_l("Enter six characters."))])
    code = StringField(_l("Code from the text message"), validators=[Optional(), CODE])
    send_code = SubmitField(_l("Send me a code"))
    submit = SubmitField(_l("Confirm and read the agreement"))


class RemoteSignatureForm(FlaskForm):
    image = HiddenField(validators=[DataRequired(),
                                    Regexp(r"^data:image/png;base64,[A-Za-z0-9+/=]+$"),
                                    Length(max=800_000)])


class RatingForm(FlaskForm):
    satisfaction = RadioField(_l("How satisfied are you with the mediation?"), coerce=int,
                              choices=options([(5, _l("5 · very satisfied")),
                                               (4, _l("4 · satisfied")), (3, _l("3 · so-so")),
                                               (2, _l("2 · unsatisfied")),
                                               (1, _l("1 · very unsatisfied"))]),
                              validators=[InputRequired()])
    comment = TextAreaField(_l("Anything you want to tell us"),
                            validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Send rating"))


class PartyRecusalForm(FlaskForm):
    """回避: the party asks that the mediator step aside (人民调解法 art. 23(1))."""

    reason = TextAreaField(_l("Why should this mediator step aside?"),
                           validators=[DataRequired(), Length(max=1000)])


class PartyChoiceForm(FlaskForm):
    """The party chooses a mediator of the roster (人民调解法 art. 19)."""

    mediator_id = SelectField(_l("The mediator you choose"), coerce=int,
                              validators=[DataRequired()])


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Why the application is declined (sent to the applicant)"),
                           validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Decline"))


class CancelAppointmentForm(FlaskForm):
    reason = StringField(_l("Reason told to the parties"),
                         validators=[DataRequired(), Length(max=200)])


class AppointmentForm(FlaskForm):
    day = DateField(_l("Date"), validators=[DataRequired()])
    time = TimeField(_l("Time (Beijing time)"), validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=200)])
    by_video = BooleanField(_l("Held by video (a room link is sent)"))
    submit = SubmitField(_l("Schedule and tell the parties"))
