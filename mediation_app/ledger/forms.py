from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, SelectField, SubmitField
from wtforms.validators import Optional, ValidationError

from ..labels import options


class UploadForm(FlaskForm):
    file = FileField(_l("Ledger file (CSV or .xlsx)"), validators=[FileRequired()])
    dry_run = BooleanField(_l("Only check the file, write nothing"))
    submit = SubmitField(_l("Import"))


class ExportForm(FlaskForm):
    """Read from the query string: /ledger/export?format=csv&from=...&to=..."""

    class Meta:
        csrf = False

    format = SelectField(_l("Format"), choices=options([("csv", "CSV"), ("xlsx", "Excel (.xlsx)")]))
    date_from = DateField(_l("Received from"), name="from", validators=[Optional()])
    date_to = DateField(_l("Received until"), name="to", validators=[Optional()])
    codes = BooleanField(_l("English column keys and codes (for other systems)"))

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end comes before the start."))
