"""Every password set is in the audit trail: whose, by whom, when and how (its owner's change,
an admin's reset, a new account, the command line), sealed under the audit key, and never
the password or its hash (等保 2.0, GB/T 22239-2019 安全审计 8.1.4.3: audit records hold the
date and time, the user, the kind of event and its result)."""

from sqlalchemy import select

from mediation_app.audit.accounts import (
    password_events,
    record_password_set,
    unsealed_account_events,
)
from mediation_app.audit.models import AccountEvent
from mediation_app.auth.models import User
from mediation_app.db import utcnow

from ..factories import PASSWORD

STRONG = "Qing-shui-2027"


def _admin_over(make, target_institution):
    centre = make.institution(kind="committee", region=target_institution.region)
    return make.user(role="admin", institution=centre, display_name="管理员甲")


def _row_text(event: AccountEvent) -> str:
    return " ".join(str(getattr(event, column.key)) for column in AccountEvent.__table__.columns)


def test_a_users_own_change_is_audited_with_the_user_as_actor(make, login, session):
    user = make.user(display_name="王调解")
    make.commit()
    before = utcnow()
    login(user).post("/account/password", data={
        "current_password": PASSWORD, "new_password": STRONG, "confirm": STRONG})
    session.expire_all()
    [event] = password_events(session, user)
    assert (event.via, event.actor_id, event.actor_name) == ("changed", user.id, "王调解")
    assert event.at >= before


def test_a_refused_change_is_not_audited(make, login, session):
    user = make.user()
    make.commit()
    login(user).post("/account/password", data={
        "current_password": PASSWORD, "new_password": "weak", "confirm": "weak"})
    session.expire_all()
    assert password_events(session, user) == []


def test_an_admin_reset_is_audited_with_the_admin_as_actor(make, login, session):
    target = make.user()
    admin = _admin_over(make, target.institution)
    make.commit()
    login(admin).post(f"/admin/users/{target.id}/password",
                      data={"password": STRONG, "confirm": STRONG})
    session.expire_all()
    [event] = password_events(session, target)
    assert (event.via, event.actor_id, event.username) == ("reset", admin.id, target.username)


def test_an_account_an_admin_creates_is_audited_with_the_admin_as_actor(make, login, session):
    admin = _admin_over(make, make.institution())
    make.commit()
    login(admin).post("/admin/users/new", data={
        "username": "li_si", "display_name": "李四", "role": "mediator",
        "institution_id": admin.institution_id, "password": STRONG})
    session.expire_all()
    created = session.scalar(select(User).where(User.username == "li_si"))
    assert [(e.via, e.actor_id) for e in password_events(session, created)] == [
        ("created", admin.id)]


def test_the_audit_row_holds_neither_the_password_nor_its_hash(make, login, session):
    user = make.user()
    make.commit()
    login(user).post("/account/password", data={
        "current_password": PASSWORD, "new_password": STRONG, "confirm": STRONG})
    session.expire_all()
    [event] = password_events(session, user)
    text = _row_text(event)
    stored_hash = session.get(User, user.id).password_hash
    assert STRONG not in text and PASSWORD not in text and stored_hash not in text
    assert "scrypt" not in text


def test_an_audit_row_changed_outside_the_application_shows(make, login, session):
    user = make.user()
    make.commit()
    login(user).post("/account/password", data={
        "current_password": PASSWORD, "new_password": STRONG, "confirm": STRONG})
    session.expire_all()
    assert unsealed_account_events(session) == []
    [event] = password_events(session, user)
    event.via = "reset"
    session.flush()
    assert unsealed_account_events(session) == [event]


def _password_set(make, session) -> AccountEvent:
    event = record_password_set(session, user=make.user(), actor=None, via="cli", now=utcnow())
    session.commit()
    return event


def test_audit_verify_names_a_password_event_changed_outside_the_application(
        make, session, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_DIR", str(tmp_path))
    event = _password_set(make, session)
    event.via = "reset"
    session.commit()

    result = app.test_cli_runner().invoke(args=["audit", "verify"])

    assert result.exit_code == 1
    assert f"password event {event.id} does not match its seal" in result.output


def test_audit_rekey_seals_password_events_again_under_the_new_key(
        make, session, app, tmp_path, monkeypatch):
    """A key rotated: events sealed under the old key are sealed under the new one, so
    verify holds; one sealed under neither stays as it is, named."""
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_DIR", str(tmp_path))
    sealed_before = _password_set(make, session)
    altered = _password_set(make, session)
    altered.via = "reset"
    session.commit()
    old_key = tmp_path / "old.key"
    key = app.config["AUDIT_KEY"]
    old_key.write_bytes(key if isinstance(key, bytes) else key.encode())
    monkeypatch.setitem(app.config, "AUDIT_KEY", "a-new-audit-key-for-this-test-0001")
    runner = app.test_cli_runner()

    result = runner.invoke(args=["audit", "rekey", "--old-key-file", str(old_key)])

    assert result.exit_code == 1
    assert f"password events {altered.id}" in result.output
    session.expire_all()
    assert [event.id for event in unsealed_account_events(session)] == [altered.id]
    assert session.get(AccountEvent, sealed_before.id).is_sealed()
