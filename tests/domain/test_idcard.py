import pytest

from mediation_app.domain.idcard import (
    InvalidIdNumber,
    mask_id_number,
    mask_phone,
    normalise_id_number,
)

VALID = "11010519491231002X"  # the example number of GB 11643-1999


def test_accepts_the_standard_example_number():
    assert normalise_id_number(VALID) == VALID


def test_normalises_lower_case_x_and_spaces():
    assert normalise_id_number(" 11010519491231002x ") == VALID


@pytest.mark.parametrize("number, reason", [
    ("1101051949123100", "must have 18 characters"),
    ("11010519491231002A", "must be 17 digits followed by a digit or X"),
    ("110105194902300021", "contains an impossible birth date"),
    ("110105189912310021", "contains an impossible birth date"),
    ("110105199912310020", "check digit does not match"),
])
def test_refuses_invalid_numbers_with_a_reason(number, reason):
    with pytest.raises(InvalidIdNumber, match=reason):
        normalise_id_number(number)


def test_refuses_a_birth_date_in_the_future():
    from mediation_app.domain.idcard import check_digit

    first17 = "32081221000101001"
    with pytest.raises(InvalidIdNumber, match="birth date"):
        normalise_id_number(first17 + check_digit(first17))


def test_mask_keeps_four_characters_at_each_end():
    assert mask_id_number("320812198001011234") == "3208**********1234"


def test_mask_of_nothing_is_empty():
    assert mask_id_number(None) == ""


def test_phone_mask_keeps_prefix_and_last_four():
    assert mask_phone("13812345678") == "138****5678"
