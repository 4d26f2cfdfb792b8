"""Every UI string is in the catalogue, and every catalogue entry has a Chinese text."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "mediation_app" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
METHODS = [("mediation_app/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "N_": None}


def _catalog():
    with PO.open("rb") as handle:
        return read_po(handle)


def _source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), METHODS, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_string_in_the_code_is_in_the_catalogue():
    catalogued = {m.id[0] if isinstance(m.id, tuple) else m.id for m in _catalog() if m.id}
    assert _source_messages() - catalogued == set()


def test_every_catalogue_entry_is_translated():
    untranslated = [m.id for m in _catalog() if m.id and (
        not m.string or (isinstance(m.string, tuple) and not all(m.string)) or m.fuzzy)]
    assert untranslated == []


def test_the_interface_is_chinese_by_default(client):
    assert "登录" in client.get("/login").get_data(as_text=True)


def test_amounts_and_dates_are_formatted_for_chinese_readers(app):
    from datetime import date
    from decimal import Decimal

    from mediation_app.formatting import fmt_amount, fmt_date

    with app.test_request_context():
        assert fmt_amount(Decimal("1234567.5")) == "¥1,234,567.50"
        assert fmt_date(date(2026, 3, 5)) == "2026年3月5日"


def test_dates_and_times_read_as_babel_writes_them_in_each_language():
    """The list's dates are written without Babel's field lookups where every field is a
    number (Chinese) and by Babel otherwise (English month names): the same text either way."""
    import random
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from babel.dates import format_date, format_datetime

    from mediation_app.formatting import _long_date, _medium_datetime

    rng = random.Random(11643)
    for locale in ("zh_Hans_CN", "en"):
        for _ in range(300):
            moment = datetime(rng.randint(2000, 2030), rng.randint(1, 12), rng.randint(1, 28),
                              rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59),
                              tzinfo=UTC)
            assert _medium_datetime(locale, "Asia/Shanghai")(moment) == format_datetime(
                moment, "medium", tzinfo=ZoneInfo("Asia/Shanghai"), locale=locale)
            assert _long_date(locale)(moment.date()) == format_date(moment.date(), "long",
                                                                    locale=locale)


def test_form_validation_messages_are_in_the_readers_language(app):
    """WTForms' own messages come from a catalogue kept per language, not the first one read."""
    from flask_wtf import FlaskForm
    from wtforms import StringField
    from wtforms.validators import DataRequired

    class Named(FlaskForm):
        class Meta:
            csrf = False

        name = StringField("name", validators=[DataRequired()])

    def refusal(accept_language: str) -> str:
        with app.test_request_context("/", method="POST", data={},
                                      headers={"Accept-Language": accept_language}):
            app.preprocess_request()
            form = Named()
            form.validate()
            return form.errors["name"][0]

    assert refusal("zh-CN") == "该字段是必填字段。"
    assert refusal("en") == "This field is required."
    assert refusal("zh-CN") == "该字段是必填字段。"
