"""The review form: for each checklist item that applies, the points awarded and, when they
are fewer than the item's full points, the reason (扣分理由)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from .checklist import Item
from .services import Mark


class _ReviewForm(FlaskForm):
    items: tuple[Item, ...] = ()

    def marks(self) -> dict[str, Mark]:
        return {item.code: Mark(awarded=self[f"awarded_{item.code}"].data,
                                note=self[f"note_{item.code}"].data or "")
                for item in self.items}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for item in self.items:
            awarded, note = self[f"awarded_{item.code}"], self[f"note_{item.code}"]
            if awarded.data is not None and awarded.data < item.points and not (note.data or "").strip():
                note.errors = [*note.errors, _l("Say why points were taken off.")]
                valid = False
        return valid


def review_form(items: tuple[Item, ...], **kwargs) -> _ReviewForm:
    """A form with one pair of fields per applicable item."""
    fields = {"items": items}
    for item in items:
        fields[f"awarded_{item.code}"] = DecimalField(
            _l("Points"), places=2, default=item.points,
            validators=[InputRequired(), NumberRange(min=0, max=item.points)])
        fields[f"note_{item.code}"] = StringField(_l("Reason for the points taken off"),
                                                  validators=[Length(max=500)])
    return type("ReviewForm", (_ReviewForm,), fields)(**kwargs)


