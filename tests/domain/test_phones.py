"""Phones as clerks type them: a mobile is 11 digits from 13 to 19, a landline an area code
(010, 02x, or four digits from 03) and a 7- or 8-digit number."""

import pytest

from mediation_app.domain.phones import InvalidPhone, normalise_phone


@pytest.mark.parametrize("typed", ["13800138000", "138 0013 8000", "138-0013-8000",
                                   "１３８００１３８０００", "+86 138 0013 8000"])
def test_a_mobile_typed_any_usual_way_is_kept_as_11_digits(typed):
    assert normalise_phone(typed) == "13800138000"


@pytest.mark.parametrize("typed, kept", [("0571-88888888", "0571-88888888"),
                                         ("057188888888", "0571-88888888"),
                                         ("（0571）8888 8888", "0571-88888888"),
                                         ("010-12345678", "010-12345678"),
                                         ("02088888888", "020-88888888"),
                                         ("0517-8345678", "0517-8345678")])
def test_a_landline_is_kept_as_area_code_dash_number(typed, kept):
    assert normalise_phone(typed) == kept


@pytest.mark.parametrize("typed, problem", [("12800138000", "bad_mobile"),
                                            ("1380013800", "bad_mobile"),
                                            ("0571-123", "bad_landline"),
                                            ("88888888", "bad_landline"),
                                            ("138OO138000", "not_digits")])
def test_what_is_neither_mobile_nor_landline_is_refused_with_its_reason(typed, problem):
    with pytest.raises(InvalidPhone, match=problem):
        normalise_phone(typed)
