from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..labels import options


class TransitionForm(FlaskForm):
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])
    # a code from the workflow's outcome_reasons when the step ends in failure or withdrawal
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=32)])


class RulingForm(FlaskForm):
    """The court's 民事裁定书 on an application for judicial confirmation."""

    decision = SelectField(_l("Ruling"), choices=options([
        ("confirmed", _l("The agreement is valid")),
        ("rejected", _l("The application is rejected"))]))
    number = StringField(_l("Ruling number"), validators=[DataRequired(), Length(max=64)])
    dated_on = DateField(_l("Date of the ruling"), validators=[DataRequired()])
    judge = StringField(_l("Judge"), validators=[DataRequired(), Length(max=50)])
    clerk = StringField(_l("Clerk"), validators=[DataRequired(), Length(max=50)])
    reasoning = TextAreaField(_l("Why the application is rejected"),
                              validators=[Optional(), Length(max=2000)])
