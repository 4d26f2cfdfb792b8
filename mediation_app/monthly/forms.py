from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional


class RegenerateForm(FlaskForm):
    reason = StringField(_l("Why make it again"), validators=[DataRequired(), Length(max=500)])


class RequestForm(FlaskForm):
    """Ask for a finished month's report (again); choices are set by the view."""

    month = SelectField(_l("Month"), validators=[DataRequired()])
    region = SelectField(_l("Region"), coerce=int, validators=[DataRequired()])
    reason = StringField(_l("Why make it again (when the month is archived already)"),
                         validators=[Optional(), Length(max=500)])
