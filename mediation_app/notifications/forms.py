import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

MOBILE = re.compile(r"^1\d{10}$")


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PreferencesForm(FlaskForm):
    phone = StringField(_l("Mobile phone for text messages"),
                        validators=[Optional(), Length(max=20)])
    email_topics = CheckboxesField(_l("By email"))
    sms_topics = CheckboxesField(_l("By text message"))

    def validate_phone(self, field) -> None:
        if field.data and not MOBILE.match(field.data.strip()):
            raise ValidationError(_l("Enter an 11-digit mobile number."))

    def validate_sms_topics(self, field) -> None:
        if field.data and not (self.phone.data or "").strip():
            raise ValidationError(_l("Text messages need a mobile number."))
