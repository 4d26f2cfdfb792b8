"""A session ends for good on sign-out, a new password, a new role or institution,
deactivation, and after SESSION_IDLE_MINUTES without use: a copy of its cookie is refused."""

import time

import pytest

from mediation_app.auth.models import User

from ..factories import PASSWORD


def _copy_of_the_session(app, client):
    """Another browser holding the same session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _signed_in(client) -> bool:
    """A request as the server sees it: its own application context, nothing cached."""
    with client.application.app_context():
        return client.get("/cases/").status_code == 200


def test_a_copied_session_cookie_works_until_sign_out_and_never_after(app, make, login):
    client = login(make.user())
    thief = _copy_of_the_session(app, client)
    assert _signed_in(thief)
    client.post("/logout")
    assert not _signed_in(thief)


@pytest.mark.parametrize("change", [
    lambda user, make: user.set_password("a-brand-new-password"),
    lambda user, make: setattr(user, "role", "liaison"),
    lambda user, make: setattr(user, "is_active", False),
    lambda user, make: setattr(user, "institution", make.institution()),
], ids=["password", "role", "deactivation", "institution"])
def test_a_change_to_the_account_ends_its_sessions(app, make, login, session, change):
    user = make.user()
    make.commit()
    client = login(user)
    assert _signed_in(client)
    change(session.get(User, user.id), make)
    make.commit()
    assert not _signed_in(client)


def test_saving_an_unchanged_role_keeps_the_session(app, make, login, session):
    user = make.user()
    make.commit()
    client = login(user)
    session.get(User, user.id).role = "mediator"
    make.commit()
    assert _signed_in(client)


def test_an_admin_password_reset_signs_the_user_out(make, login, app, session):
    admin = make.user(role="admin")
    user = make.user(institution=admin.institution)
    admin_name, user_id = admin.username, user.id
    make.commit()
    victim = login(user)
    session.commit()  # nothing of this test's own session stays open while the pages work
    admin_client = app.test_client()
    with app.app_context():
        admin_client.post("/login", data={"username": admin_name, "password": PASSWORD})
    with app.app_context():
        response = admin_client.post(f"/admin/users/{user_id}/password", data={
            "password": "another-pass-123", "confirm": "another-pass-123"})
    assert response.status_code == 302
    assert not _signed_in(victim)


def test_a_session_idle_longer_than_the_limit_is_signed_out(other_app, make):
    app = other_app(SESSION_IDLE_MINUTES=30, WTF_CSRF_ENABLED=False)
    username = make.user().username
    make.commit()
    client = app.test_client()
    client.post("/login", data={"username": username, "password": PASSWORD})
    assert client.get("/cases/").status_code == 200
    with client.session_transaction() as cookie:
        cookie["last_seen"] = time.time() - 31 * 60
    assert client.get("/cases/").status_code == 302


def test_a_session_used_within_the_limit_stays_signed_in(other_app, make):
    app = other_app(SESSION_IDLE_MINUTES=30, WTF_CSRF_ENABLED=False)
    username = make.user().username
    make.commit()
    client = app.test_client()
    client.post("/login", data={"username": username, "password": PASSWORD})
    with client.session_transaction() as cookie:
        cookie["last_seen"] = time.time() - 29 * 60
    assert client.get("/cases/").status_code == 200
