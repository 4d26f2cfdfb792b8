"""One-time codes: kept only as keyed hashes, short-lived, single use, attempt-limited, and
repeated failures lock the phone (or address) out for a while."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from mediation_app.db import utcnow
from mediation_app.parties.models import PhoneCode
from mediation_app.parties.otp import CodePolicy, normalise_phone
from mediation_app.parties.verification import (
    VerificationRefused,
    Verifier,
    check_code,
    issue_code,
)

PHONE = "13912345678"
VERIFIER = Verifier(secret="test-secret", policy=CodePolicy(max_attempts=3, lockout_failures=4))


def _issue(session, now=None, phone=PHONE):
    return issue_code(session, VERIFIER, phone=phone, purpose="apply", target="",
                      ip_address="10.0.0.1", now=now or utcnow())


def _check(session, code, now=None, lock=("phone",)):
    check_code(session, VERIFIER, phone=PHONE, purpose="apply", target="", code=code,
               lock_keys=[VERIFIER.lock_key(kind, PHONE) for kind in lock], now=now or utcnow())


def _refusal(session, code, **kwargs) -> str:
    with pytest.raises(VerificationRefused) as refused:
        _check(session, code, **kwargs)
    return refused.value.code


def test_neither_the_code_nor_the_phone_is_stored_in_clear(app, session):
    code = _issue(session)
    row = session.scalar(select(PhoneCode))
    stored = " ".join(str(value) for value in vars(row).values())
    assert code not in stored and PHONE not in stored
    assert len(row.code_hash) == 64 and len(row.phone_digest) == 64


def test_the_right_code_opens_once_and_not_twice(app, session):
    code = _issue(session)
    _check(session, code)
    assert _refusal(session, code) == "wrong_code"


def test_an_expired_code_is_refused_like_a_wrong_one(app, session):
    now = utcnow()
    code = _issue(session, now=now)
    assert _refusal(session, code, now=now + timedelta(minutes=11)) == "wrong_code"


def test_a_code_dies_after_too_many_wrong_tries(app, session):
    code = _issue(session)
    wrong = "000000" if code != "000000" else "111111"
    for _attempt in range(3):
        _refusal(session, wrong, lock=("other",))
    assert _refusal(session, code, lock=("other",)) == "wrong_code"


def test_a_new_code_replaces_the_one_sent_before(app, session):
    first = _issue(session)
    second = _issue(session)
    if first != second:
        assert _refusal(session, first) == "wrong_code"
    _check(session, second)


def test_repeated_failures_lock_the_phone_out_even_with_the_right_code(app, session):
    code = _issue(session)
    wrong = "000000" if code != "000000" else "111111"
    for _attempt in range(2):
        _refusal(session, wrong)
    code = _issue(session)
    for _attempt in range(2):
        _refusal(session, wrong)
    assert _refusal(session, code) == "locked"


def test_the_lockout_ends_after_its_window(app, session):
    now = utcnow()
    for _attempt in range(4):
        _refusal(session, "123456", now=now)
    code = _issue(session, now=now + timedelta(minutes=31))
    _check(session, code, now=now + timedelta(minutes=31))


def test_a_phone_gets_at_most_five_codes_an_hour(app, session):
    now = utcnow()
    for minute in range(5):
        _issue(session, now=now + timedelta(minutes=minute))
    with pytest.raises(VerificationRefused) as refused:
        _issue(session, now=now + timedelta(minutes=6))
    assert refused.value.code == "too_many_codes"
    _issue(session, now=now + timedelta(minutes=61))


def test_phones_are_compared_as_digits_without_the_country_code():
    assert normalise_phone("+86 139-1234-5678") == normalise_phone("13912345678") == PHONE
