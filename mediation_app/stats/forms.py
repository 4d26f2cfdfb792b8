from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..handlings.prevention import Prevented
from ..labels import choices, options

FIELDS = tuple(Prevented().as_dict())


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


class PreventedForm(FlaskForm):
    """更正 what a closed mediation prevented: the six counts and why."""

    criminal_cases = IntegerField(_l("Number of cases"), validators=[Optional(), NumberRange(0)])
    criminal_people = IntegerField(_l("Number of people"), validators=[Optional(), NumberRange(0)])
    petition_cases = IntegerField(_l("Number of cases"), validators=[Optional(), NumberRange(0)])
    petition_people = IntegerField(_l("Number of people"), validators=[Optional(), NumberRange(0)])
    fight_cases = IntegerField(_l("Number of cases"), validators=[Optional(), NumberRange(0)])
    fight_people = IntegerField(_l("Number of people"), validators=[Optional(), NumberRange(0)])
    reason = TextAreaField(_l("Reason for the correction"),
                           validators=[DataRequired(), Length(max=500)])

    def figures(self) -> Prevented:
        return Prevented(**{name: getattr(self, name).data or 0 for name in FIELDS})
