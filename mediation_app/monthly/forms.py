from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class RegenerateForm(FlaskForm):
    reason = StringField(_l("Why make it again"), validators=[DataRequired(), Length(max=500)])
