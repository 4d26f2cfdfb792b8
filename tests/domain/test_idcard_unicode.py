"""ID numbers are stored in one canonical form: full-width digits and X fold to ASCII
(NFKC), other kinds of digits are refused."""

import pytest

from mediation_app.domain.idcard import InvalidIdNumber, normalise_id_number

VALID = "11010519491231002X"
FULL_WIDTH = "".join(chr(ord(c) + 0xFEE0) for c in VALID)  # １１０１…Ｘ


def test_full_width_digits_and_x_are_stored_as_ascii():
    assert normalise_id_number(FULL_WIDTH) == VALID
    assert normalise_id_number(FULL_WIDTH.replace("Ｘ", "ｘ")) == VALID


@pytest.mark.parametrize("digits", [
    "".maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),  # Arabic-Indic
    "".maketrans("0123456789", "০১২৩৪৫৬৭৮৯"),  # Bengali
    "".maketrans("0123456789", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗"),  # mathematical bold: NFKC makes ASCII
])
def test_other_digits_are_refused_or_folded_but_never_stored_as_they_came(digits):
    number = VALID.translate(digits)
    try:
        stored = normalise_id_number(number)
    except InvalidIdNumber as problem:
        assert str(problem) == "must be 17 digits followed by a digit or X"
    else:
        assert stored == VALID and stored.isascii()


def test_superscript_digits_fold_to_ascii_instead_of_crashing():
    assert normalise_id_number("¹¹⁰¹⁰⁵¹⁹⁴⁹¹²³¹⁰⁰²X") == VALID


def test_a_case_filed_with_full_width_digits_keeps_the_ascii_number(make, session):
    case = make.case(parties=[make.party(id_number=FULL_WIDTH), make.party()])
    assert case.parties[0].id_number == VALID
