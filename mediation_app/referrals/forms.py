from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from ..labels import choices
from .services import NOTE_REQUIRED


class SendReferralForm(FlaskForm):
    to_institution_id = SelectField(_l("Send to"), coerce=int)
    reason = TextAreaField(_l("Reason and what the receiver should know"),
                           validators=[DataRequired(), Length(max=4000)])
    off_list_reason = TextAreaField(
        _l("Why this receiver, if it is not one of the expected ones"),
        validators=[Optional(), Length(max=2000)])
    file = FileField(_l("Materials to send along (JPEG, PNG or PDF, optional)"))
    # asked only for the kinds that need it (referrals/kinds.py)
    parties_consent = BooleanField(_l("The parties agree to this handover"))


class ReturnReferralForm(FlaskForm):
    """No reason is chosen for the user; 材料不全 and 其他 need an explanation; the page asks
    for confirmation (`confirmed`) before the referral is returned."""

    reason = SelectField(_l("Reason"), choices=choices("return_reason", blank=_l("Choose…")),
                         validators=[DataRequired(_l("Choose a reason for returning."))])
    note = TextAreaField(_l("Explanation"), validators=[Optional(), Length(max=4000)])
    confirmed = HiddenField(default="")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.reason.data in NOTE_REQUIRED and not (self.note.data or "").strip():
            self.note.errors = [*self.note.errors,
                                _l("Explain what is missing or why, for this reason.")]
            return False
        return valid


class ExtendPeriodForm(FlaskForm):
    ends_at = DateField(_l("New end of the mediation period"), validators=[DataRequired()])
    parties = SelectMultipleField(_l("Parties who consent"), coerce=int,
                                  validators=[DataRequired(_l("Choose the parties who consent."))])
    note = TextAreaField(_l("How the consent was given"), validators=[Optional(), Length(max=2000)])
