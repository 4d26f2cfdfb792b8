from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..labels import choices


class SendReferralForm(FlaskForm):
    to_institution_id = SelectField(_l("Send to"), coerce=int)
    reason = TextAreaField(_l("Reason and what the receiver should know"),
                           validators=[DataRequired(), Length(max=4000)])
    file = FileField(_l("Materials to send along (JPEG, PNG or PDF, optional)"))


class ReturnReferralForm(FlaskForm):
    reason = SelectField(_l("Reason"), choices=choices("return_reason"))
    note = TextAreaField(_l("Explanation"), validators=[Optional(), Length(max=4000)])
