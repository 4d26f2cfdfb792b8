from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..labels import choices, options


class ProfileForm(FlaskForm):
    specialties = SelectMultipleField(_l("Specialties (dispute types)"),
                                      choices=choices("dispute_type"),
                                      option_widget=CheckboxInput(),
                                      widget=ListWidget(prefix_label=False))
    qualifications = TextAreaField(_l("Qualifications"), validators=[Optional(),
                                                                     Length(max=2000)])
    region_id = SelectField(_l("Region served"), coerce=int)
    max_load = IntegerField(_l("Most open cases at a time"),
                            validators=[InputRequired(), NumberRange(min=1, max=500)])
    is_listed = BooleanField(_l("On the roster (takes new cases)"))
    is_invited = BooleanField(_l("Invited mediator of a court (特邀调解员)"))
    submit = SubmitField(_l("Save"))


class AssignForm(FlaskForm):
    mediator_id = SelectField(_l("Mediator"), coerce=int, validators=[DataRequired()])
    chosen_by_party = BooleanField(_l("Chosen by the parties (人民调解法 art. 19)"))
    submit = SubmitField(_l("Assign"))


class RecusalForm(FlaskForm):
    party_id = SelectField(_l("Asked by"), coerce=int, validators=[Optional()])
    reason = TextAreaField(_l("Reason given"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Record the request"))


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=options([
        ("granted", _l("Granted: the mediator steps aside")),
        ("refused", _l("Refused: the mediator stays"))]), validators=[InputRequired()])
    replacement_id = SelectField(_l("Replacement mediator"), coerce=int, validators=[Optional()])
    note = TextAreaField(_l("Reasons for the decision"), validators=[DataRequired(),
                                                                    Length(max=2000)])
    submit = SubmitField(_l("Decide"))
