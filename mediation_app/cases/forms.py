from collections import OrderedDict
from datetime import date
from threading import Lock

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from markupsafe import Markup, escape
from wtforms import (
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import html_params

from ..domain.codes import PartyRole
from ..domain.ethnicity import DEFAULT_ETHNICITY, ETHNIC_GROUPS
from ..domain.idcard import InvalidIdNumber, birth_date, normalise_id_number
from ..domain.phones import InvalidPhone, normalise_phone
from ..labels import LABELS, choices, options
from .queries import COUNTED_FIGURES

ID_NUMBER_PROBLEMS = {
    "must have 18 characters": _l("An ID number has 18 characters."),
    "must be 17 digits followed by a digit or X": _l(
        "An ID number is 17 digits followed by a digit or X."),
    "contains an impossible birth date": _l("The birth date inside this ID number is impossible."),
    "check digit does not match": _l(
        "The last character does not match the check digit (GB 11643): please check the number."),
}

PHONE_PROBLEMS = {
    "not_digits": _l("Enter a phone number of digits only."),
    "bad_mobile": _l("A mobile number has 11 digits and starts with 13 to 19."),
    "bad_landline": _l("A landline number is an area code and a number, like 0571-88888888."),
}


def valid_id_number(form, field) -> None:
    if not field.data:
        return
    try:
        field.data = normalise_id_number(field.data)
    except InvalidIdNumber as problem:
        raise ValidationError(ID_NUMBER_PROBLEMS[str(problem)]) from None


def valid_phone(form, field) -> None:
    """A mobile or landline as clerks type it (spaces, dashes, full-width digits), stored in
    one form: 13800138000, 0571-88888888."""
    if not field.data or not field.data.strip():
        field.data = None
        return
    try:
        field.data = normalise_phone(field.data)
    except InvalidPhone as problem:
        raise ValidationError(PHONE_PROBLEMS[str(problem)]) from None


def birth_date_matches_id_number(form, field) -> None:
    if field.data is None:
        return
    if field.data > date.today():
        raise ValidationError(_l("A birth date cannot be in the future."))
    encoded = birth_date(form.id_number.data) if not form.id_number.errors else None
    if encoded is not None and encoded != field.data:
        raise ValidationError(_l("The birth date differs from the one in the ID number."))


ETHNICITY_CHOICES = options([("", "—")] + [(name, name) for name in ETHNIC_GROUPS])


class PartyForm(Form):
    role = SelectField(_l("Role"), choices=choices("party_role"))
    kind = SelectField(_l("Kind"), choices=choices("party_kind"))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    sex = SelectField(_l("Sex"), choices=choices("sex", blank="—"), validators=[Optional()])
    id_number = StringField(_l("ID number"), validators=[Optional(), valid_id_number])
    phone = StringField(_l("Phone"), validators=[valid_phone])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    representative_name = StringField(_l("Representative"),
                                      validators=[Optional(), Length(max=100)])
    representative_phone = StringField(_l("Representative's phone"), validators=[valid_phone])
    # the rest of 当事人基本情况 a statutory agreement prints (人民调解法 art. 29)
    ethnicity = SelectField(_l("Ethnicity"), choices=ETHNICITY_CHOICES,
                            default=DEFAULT_ETHNICITY, validators=[Optional()])
    birth_date = DateField(_l("Date of birth (read from the ID number when left empty)"),
                           validators=[Optional(), birth_date_matches_id_number])
    occupation = StringField(_l("Occupation"), validators=[Optional(), Length(max=100)])
    employer = StringField(_l("Employer"), validators=[Optional(), Length(max=200)])


class CaseDetailsMixin:
    dispute_type = SelectField(_l("Dispute type"), choices=choices("dispute_type"))
    source = SelectField(_l("Source"), choices=choices("source"))
    region_id = SelectField(_l("Region of the dispute"), coerce=int)
    received_on = DateField(_l("Received on"), validators=[DataRequired()])
    summary = StringField(_l("Summary"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    amount = DecimalField(_l("Amount in dispute (yuan)"), places=2,
                          validators=[Optional(), NumberRange(min=0)])
    assigned_mediator_id = SelectField(_l("Mediator"), coerce=int, validate_choice=True)


class CaseForm(CaseDetailsMixin, FlaskForm):
    workflow = SelectField(_l("Procedure"), validate_choice=False)
    parties = FieldList(FormField(PartyForm), min_entries=2, max_entries=50)
    add_party = SubmitField(_l("Add another party"))
    submit = SubmitField(_l("File case"))

    def start_with_applicant_and_respondent(self) -> None:
        """A new filing names party 1 the applicant and party 2 the respondent (被申请人)."""
        self.parties[1].form.role.data = PartyRole.RESPONDENT.value

    def validate_parties(self, field) -> None:
        if len(field.entries) < 2:
            raise ValidationError(_l("A dispute needs at least two parties."))


class CaseEditForm(CaseDetailsMixin, FlaskForm):
    version = HiddenField()  # the version the form was filled from: a later save conflicts
    submit = SubmitField(_l("Save changes"))


class NewPartyForm(PartyForm, FlaskForm):
    submit = SubmitField(_l("Add party"))


class PartyEditForm(PartyForm, FlaskForm):
    version = HiddenField()  # the version the form was filled from: a later save conflicts
    submit = SubmitField(_l("Save changes"))


class AttachmentForm(FlaskForm):
    file = FileField(_l("File (JPEG, PNG or PDF)"), validators=[FileRequired()])
    submit = SubmitField(_l("Upload"))


class PlainSelect:
    """A <select> of plain options (no groups, no attributes of their own) written in one
    pass: WTForms' Select builds each option's attributes apart, and the case list's filters
    show some fifty options on every page. The same select (the same options, the same one
    chosen, in the same language) is written once per process."""

    KEPT = 512

    def __init__(self) -> None:
        self._written: OrderedDict[tuple, Markup] = OrderedDict()
        self._lock = Lock()

    def __call__(self, field, **kwargs) -> Markup:
        kwargs.setdefault("id", field.id)
        key = (str(get_locale()), field.name, repr(field.data), tuple(sorted(kwargs.items())),
               tuple((value, _message(label)) for value, label, *_ in field.choices))
        with self._lock:
            if key in self._written:
                self._written.move_to_end(key)
                return self._written[key]
        written = self._write(field, **kwargs)
        with self._lock:
            self._written[key] = written
            while len(self._written) > self.KEPT:
                self._written.popitem(last=False)
        return written

    @staticmethod
    def _write(field, **kwargs) -> Markup:
        options = "".join(
            f'<option{" selected" if choice.selected else ""} value="{escape(choice.value)}">'
            f"{escape(choice.label or choice.value)}</option>" for choice in field.iter_choices())
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{options}</select>")


def _message(label) -> object:
    """What a choice's label says, whatever the language: a lazy label by its message."""
    return (label._func, label._args) if isinstance(label, LazyString) else label


class FilterSelect(SelectField):
    """An optional filter: its first choice ("any …") is chosen while the filter is not
    given, so an unfiltered list has nothing to refuse (and no message to translate)."""

    widget = PlainSelect()

    def __init__(self, label, *, default="", **kwargs):
        super().__init__(label, default=default, validators=[Optional()], **kwargs)


class ListFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    state = FilterSelect(_l("State"), choices=choices("state", blank=_l("Any state")))
    channel = FilterSelect(_l("Channel"), choices=choices("channel", blank=_l("Any channel")))
    dispute_type = FilterSelect(_l("Dispute type"),
                                choices=choices("dispute_type", blank=_l("Any type")))
    institution_id = FilterSelect(_l("Institution"), coerce=int, default=0)
    region_id = FilterSelect(_l("Region"), coerce=int, default=0)
    filed_from = DateField(_l("Filed from"), validators=[Optional()])
    filed_to = DateField(_l("Filed to"), validators=[Optional()])
    figure = FilterSelect(_l("Counted in the statistics as"), choices=options(
        [("", _l("Any figure"))] + [(code, _l(LABELS["figure"][code]))
                                    for code in COUNTED_FIGURES]))
    counted_from = DateField(_l("Statistics period from"), validators=[Optional()])
    counted_to = DateField(_l("Statistics period to"), validators=[Optional()])
    handling_channel = FilterSelect(_l("Channel of the counted handling"),
                                    choices=choices("channel", blank=_l("Any channel")))
    handling_institution_id = FilterSelect(_l("Institution of the counted handling"),
                                           coerce=int, default=0)
    sort = FilterSelect(_l("Sort"), default="filed_desc", choices=options([
        ("filed_desc", _l("Newest first")),
        ("filed_asc", _l("Oldest first")),
        ("updated_desc", _l("Recently changed")),
    ]))

    def validate_figure(self, field) -> None:
        """A figure counts over a period: both of its days are needed, in order."""
        if not field.data:
            return
        start, end = self.counted_from, self.counted_to
        if start.errors or end.errors or start.data is None or end.data is None:
            raise ValidationError(_l("Give the first and last day of the statistics period."))
        if end.data < start.data:
            raise ValidationError(_l("The statistics period ends before it starts."))

    def counted_refused(self) -> bool:
        """Is any part of the 统计口径 asked for not valid (after `validate`)?"""
        return bool(self.figure.errors or self.handling_channel.errors
                    or self.handling_institution_id.errors)
