import pytest

from mediation_app.domain.case_numbers import (
    InvalidNumberFormat,
    render_case_number,
    validate_format,
)


def test_renders_the_default_chinese_format():
    number = render_case_number("（{year}）{short}调字第{seq:04d}号", year=2026, short="清江浦", seq=1)
    assert number == "（2026）清江浦调字第0001号"


@pytest.mark.parametrize("template", [
    "{year.__class__}{seq}",
    "{0}{seq}",
    "{seq!r}",
    "{year:>100}{seq}",
    "{short}",
    "{seq",
])
def test_refuses_formats_outside_year_short_seq(template):
    with pytest.raises(InvalidNumberFormat):
        validate_format(template)
