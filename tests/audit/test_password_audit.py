"""Every password set is in the audit trail: whose, by whom, when and how (its owner's change,
an admin's reset, a new account, the command line), sealed under the audit key, and never
the password or its hash (等保 2.0, GB/T 22239-2019 安全审计 8.1.4.3: audit records hold the
date and time, the user, the kind of event and its result)."""

from sqlalchemy import select

from mediation_app.audit.accounts import password_events, unsealed_account_events
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
