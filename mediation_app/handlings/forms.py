from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..labels import LABELS, choices, label, options
from .prevention import MOST, Prevented, problems


def _count(name: str) -> IntegerField:
    return IntegerField(_l(LABELS["prevented"][name]), validators=[
        Optional(), NumberRange(min=0, max=MOST, message=_l(
            "Give what was prevented as whole numbers from 0 up."))])


class TransitionForm(FlaskForm):
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])
    # a code from the workflow's outcome_reasons when the step ends in failure or withdrawal
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=32)])
    # what the mediation prevented, when the step concludes it (empty counts as 0)
    criminal_cases = _count("criminal_cases")
    criminal_people = _count("criminal_people")
    petition_cases = _count("petition_cases")
    petition_people = _count("petition_people")
    fight_cases = _count("fight_cases")
    fight_people = _count("fight_people")

    PREVENTED = ("criminal_cases", "criminal_people", "petition_cases", "petition_people",
                 "fight_cases", "fight_people")

    def prevented(self) -> Prevented:
        return Prevented(**{name: self[name].data or 0 for name in self.PREVENTED})

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        for kind, code in problems(self.prevented()):
            self[f"{kind}_people"].errors.append(_(
                "%(what)s: %(problem)s", what=label("prevented_kind", kind),
                problem=label("prevented_problem", code)))
        return not self.errors

    def prevented_errors(self) -> list[str]:
        """The messages about what was prevented (the only errors a person can cause)."""
        return [message for name in self.PREVENTED for message in self[name].errors]


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


class PoliceEligibilityForm(FlaskForm):
    """治安调解: what the officer finds on acceptance (公安机关办理行政案件程序规定
    第一百七十八条、第一百七十九条)."""

    civil_dispute = BooleanField(_l("Caused by a dispute between people (民间纠纷)"))
    minor_circumstances = BooleanField(_l("Minor in its circumstances (情节较轻)"))
    circumstance = SelectField(_l("How the dispute arose"),
                               choices=choices("police_circumstance", blank=_l("Choose…")),
                               validators=[Optional()])
    exclusions = SelectMultipleField(_l("Exclusions that apply"),
                                     choices=choices("police_exclusion"),
                                     option_widget=CheckboxInput(), widget=ListWidget(),
                                     validators=[Optional()])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])


class GuardianForm(FlaskForm):
    """The parent or other guardian of a party under 18 (第一百八十一条)."""

    party = SelectField(_l("Party under 18"), coerce=int, validators=[DataRequired()])
    name = StringField(_l("Parent or other guardian"), validators=[Optional(), Length(max=100)])
    relation = StringField(_l("Relation to the party"), validators=[Optional(), Length(max=50)])
    waived = BooleanField(_l(
        "16 or older, living on own earnings, agreed the guardian is not told"))


class TrafficApplicationForm(FlaskForm):
    """交通事故损害赔偿调解: when the 事故认定书 reached the parties and when they applied
    (道路交通事故处理程序规定 第八十六条)."""

    certificate_received_on = DateField(_l("Accident liability certificate received on"),
                                        validators=[DataRequired()])
    applied_on = DateField(_l("Joint written application made on"), validators=[DataRequired()])


class LossEventForm(FlaskForm):
    """The kind of loss and the day the mediation period counts from (第九十条)."""

    kind = SelectField(_l("Kind of loss"), choices=choices("traffic_loss", blank=_l("Choose…")),
                       validators=[DataRequired()])
    occurred_on = DateField(_l("Day of that event"), validators=[DataRequired()])
    person = StringField(_l("Whose loss (where there is more than one)"),
                         validators=[Optional(), Length(max=100)])


class TrafficInsurerForm(FlaskForm):
    """Whether an insurer takes part in the mediation and, if so, which (道路交通事故处理程序
    规定 第八十九条); what makes a record good is decided in handlings/traffic.py."""

    present = SelectField(_l("Insurer taking part"), choices=choices("traffic_insurer"),
                          default="none", validators=[DataRequired()])
    name = StringField(_l("Insurance company"), validators=[Optional(), Length(max=200)])
    policy_number = StringField(_l("Compulsory insurance (交强险) policy number"),
                                validators=[Optional(), Length(max=60)])
