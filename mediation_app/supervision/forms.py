from datetime import datetime, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

# a due date means the end of that day in China (UTC+8): 23:59 there is 15:59 UTC
END_OF_CHINA_DAY = time(15, 59)


def due_at(day) -> datetime:
    return datetime.combine(day, END_OF_CHINA_DAY)


class OrderForm(FlaskForm):
    instruction = TextAreaField(_l("Instruction (what must be done)"),
                                validators=[DataRequired(), Length(max=4000)])
    due_on = DateField(_l("Reply due by"), validators=[DataRequired()])
    is_listed = BooleanField(_l("Listed supervision (挂牌督办) for a major case"))


class ReplyForm(FlaskForm):
    reply = TextAreaField(_l("Written reply: what was done and what comes next"),
                          validators=[DataRequired(), Length(max=4000)])


class CloseForm(FlaskForm):
    note = TextAreaField(_l("Assessment on closing"), validators=[Optional(), Length(max=4000)])


class ListingForm(FlaskForm):
    note = TextAreaField(_l("Why (kept on the case's timeline)"),
                         validators=[Optional(), Length(max=2000)])


class DismissForm(FlaskForm):
    reason = TextAreaField(_l("Why this warning is false"),
                           validators=[DataRequired(), Length(max=2000)])


class AssignForm(FlaskForm):
    institution_id = SelectField(_l("Institution"), coerce=int, validators=[DataRequired()])
    instruction = TextAreaField(_l("Instruction (what must be done)"),
                                validators=[DataRequired(), Length(max=4000)])
    due_on = DateField(_l("Reply due by"), validators=[Optional()])
    off_list_reason = TextAreaField(
        _l("Why this receiver, if it is not one of the expected ones"),
        validators=[Optional(), Length(max=2000)])
