from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from ..labels import choices, options


class StatsForm(FlaskForm):
    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])
    by = SelectField(_l("Group by"), validators=[Optional()], choices=options([
        ("", _l("No grouping")), ("channel", _l("Channel")), ("dispute_type", _l("Dispute type")),
        ("region", _l("Region")), ("institution", _l("Institution")), ("month", _l("Month"))]))
    region_id = SelectField(_l("Region"), coerce=int, validators=[Optional()])
    institution_id = SelectField(_l("Institution"), coerce=int, validators=[Optional()])
    channel = SelectField(_l("Channel"), choices=choices("channel", blank=_l("Any channel")),
                          validators=[Optional()])
    dispute_type = SelectField(_l("Dispute type"),
                               choices=choices("dispute_type", blank=_l("Any type")),
                               validators=[Optional()])
