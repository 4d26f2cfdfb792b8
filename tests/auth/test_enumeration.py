"""Signing in tells nobody which accounts exist, and failures slow the guesser down
instead of locking the owner out."""

import time

from limits.storage import MemoryStorage

from mediation_app.auth.services import LoginRefused, authenticate, create_user
from mediation_app.auth.throttle import LoginThrottle, ThrottlePolicy
from mediation_app.db import utcnow

from ..factories import PASSWORD

ATTACKER = {"REMOTE_ADDR": "10.0.0.66"}
OWNER = {"REMOTE_ADDR": "10.0.0.7"}


def _sign_in(client, username, password, address=OWNER):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base=address)


def _refusal_text(response) -> str:
    return response.get_data(as_text=True).split('class="flash')[1].split("</")[0]


def test_an_unknown_account_and_a_wrong_password_get_the_same_answer(make, client):
    make.user(username="wang")
    make.commit()
    unknown, wrong = _sign_in(client, "nobody", "x"), _sign_in(client, "wang", "x")
    assert unknown.status_code == wrong.status_code == 200
    assert _refusal_text(unknown) == _refusal_text(wrong)
    assert "用户名或密码错误" in _refusal_text(unknown)


def _seconds(session, username: str) -> float:
    started = time.perf_counter()
    try:
        authenticate(session, username, "wrong-password", now=utcnow())
    except LoginRefused:
        pass
    return time.perf_counter() - started


def test_an_unknown_account_costs_as_much_time_as_a_wrong_password(make, session):
    """Each side's quickest of five tries, taken in turn: what else the machine runs can
    only lengthen a try, so the quickest is each side's own cost."""
    create_user(session, username="wang", password="a-real-password", role="mediator",
                institution=make.institution())
    _seconds(session, "nobody")  # the first call makes the stand-in hash
    tries = [(_seconds(session, "nobody"), _seconds(session, "wang")) for _ in range(5)]
    unknown, known = min(t[0] for t in tries), min(t[1] for t in tries)
    assert 0.5 < unknown / known < 2, (unknown, known)


def test_failures_from_another_address_do_not_lock_the_owner_out(make, client):
    make.user(username="wang")
    make.commit()
    for _ in range(8):
        _sign_in(client, "wang", "guess", address=ATTACKER)
    assert _sign_in(client, "wang", PASSWORD).status_code == 302


def test_the_guessing_address_must_wait_even_with_the_right_password(make, client):
    make.user(username="wang")
    make.commit()
    for _ in range(6):
        _sign_in(client, "wang", "guess", address=ATTACKER)
    response = _sign_in(client, "wang", PASSWORD, address=ATTACKER)
    assert response.status_code == 429
    assert "失败次数过多" in response.get_data(as_text=True)


def test_an_unknown_account_is_throttled_exactly_like_a_real_one(make, client):
    make.user(username="wang")
    make.commit()
    answers = {}
    for name in ("wang", "nobody"):
        statuses = [_sign_in(client, name, "guess", address=ATTACKER).status_code
                    for _ in range(7)]
        answers[name] = statuses
    assert answers["wang"] == answers["nobody"] == [200] * 6 + [429]


def test_each_failure_past_the_free_ones_doubles_the_wait_up_to_the_cap():
    throttle = LoginThrottle(MemoryStorage(), ThrottlePolicy(free_failures=2,
                                                             max_backoff_seconds=8))
    waits = []
    for _ in range(6):
        throttle.record_failure("wang", "10.0.0.66")
        waits.append(throttle.wait_seconds("wang", "10.0.0.66"))
    assert waits == [0, 0, 2, 4, 8, 8]


def test_failures_from_everywhere_delay_the_owner_only_briefly():
    throttle = LoginThrottle(MemoryStorage(), ThrottlePolicy(
        free_failures=5, account_free_failures=20, account_max_backoff_seconds=60))
    for attempt in range(100):
        throttle.record_failure("wang", f"10.1.{attempt}.1")
    assert 0 < throttle.wait_seconds("wang", "10.0.0.7") <= 60


def test_a_successful_sign_in_forgets_the_failures_of_that_address():
    throttle = LoginThrottle(MemoryStorage(), ThrottlePolicy(free_failures=1))
    throttle.record_failure("wang", "10.0.0.7")
    throttle.record_success("wang", "10.0.0.7")
    throttle.record_failure("wang", "10.0.0.7")
    assert throttle.wait_seconds("wang", "10.0.0.7") == 0
