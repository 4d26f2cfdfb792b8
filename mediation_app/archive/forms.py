from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..labels import choices


class ArchiveForm(FlaskForm):
    """归档: who checked the case file, how long it is kept, and an explicit confirmation
    (archiving cannot be undone)."""

    checker_name = StringField(_l("Checked by (检查人)"),
                               validators=[DataRequired(), Length(max=100)])
    retention = SelectField(_l("Retention period"), choices=choices("retention"),
                            default="long_term")
    confirm = BooleanField(_l("I understand that the archived case can no longer be changed."),
                           validators=[DataRequired()])
