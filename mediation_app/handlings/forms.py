from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional


class TransitionForm(FlaskForm):
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])
    # a code from the workflow's outcome_reasons when the step ends in failure or withdrawal
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=32)])
