from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from ..domain.case_numbers import DEFAULT_FORMAT, InvalidNumberFormat, validate_format
from ..labels import choices

CODE = Regexp(r"^[A-Za-z0-9_\-]+$", message=_l("Use letters, digits, - and _ only."))


class RegionForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32), CODE])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    level = SelectField(_l("Level"), choices=choices("region_level"))
    parent_id = SelectField(_l("Parent region"), coerce=int)
    submit = SubmitField(_l("Add region"))


class InstitutionForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32), CODE])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    short_name = StringField(_l("Short name used in case numbers"),
                             validators=[DataRequired(), Length(max=20)])
    kind = SelectField(_l("Kind"), choices=choices("institution_kind"))
    region_id = SelectField(_l("Region"), coerce=int)
    case_number_format = StringField(_l("Case number format"), default=DEFAULT_FORMAT,
                                     validators=[DataRequired(), Length(max=80)])
    submit = SubmitField(_l("Save"))

    def validate_case_number_format(self, field) -> None:
        try:
            validate_format(field.data)
        except InvalidNumberFormat as problem:
            raise ValidationError(_l("Invalid format: %(problem)s", problem=str(problem))) from None


class NewUserForm(FlaskForm):
    username = StringField(_l("Username"), validators=[
        DataRequired(), Length(min=3, max=64), CODE])
    display_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=64)])
    email = StringField(_l("Email (for monthly reports)"),
                        validators=[Optional(), Email(), Length(max=120)])
    role = SelectField(_l("Role"), choices=choices("role"))
    institution_id = SelectField(_l("Institution"), coerce=int)
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), Length(min=8)])
    submit = SubmitField(_l("Create user"))


class EditUserForm(FlaskForm):
    display_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=64)])
    email = StringField(_l("Email (for monthly reports)"),
                        validators=[Optional(), Email(), Length(max=120)])
    role = SelectField(_l("Role"), choices=choices("role"))
    institution_id = SelectField(_l("Institution"), coerce=int)
    submit = SubmitField(_l("Save"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8)])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[EqualTo("password", message=_l("The passwords differ."))])
    submit = SubmitField(_l("Reset password"))


class NewTokenForm(FlaskForm):
    user_id = SelectField(_l("User"), coerce=int)
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=64)])
    submit = SubmitField(_l("Create token"))
