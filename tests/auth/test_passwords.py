"""Passwords as 等保 2.0 asks (GB/T 22239-2019 安全计算环境 · 身份鉴别, 7.1.4.1 a for
level 2 and 8.1.4.1 a for level 3: "身份鉴别信息具有复杂度要求并定期更换"): at least 8
characters of three kinds, never the username, changed after PASSWORD_MAX_AGE_DAYS, replaced
by its owner when an admin set it, and none of the last three again. The demo's accounts,
whose password is printed in the README, sign in without being made to change it."""

from datetime import timedelta

from mediation_app.auth.models import User
from mediation_app.auth.services import create_user
from mediation_app.db import utcnow
from mediation_app.demo import DEMO_PASSWORD
from mediation_app.domain.passwords import password_problems

from ..factories import PASSWORD

STRONG = "Qing-shui-2027"


def _sign_in(client, user, password=PASSWORD):
    return client.post("/login", data={"username": user.username, "password": password})


def _change(client, current, new, confirm=None):
    return client.post("/account/password", data={
        "current_password": current, "new_password": new,
        "confirm": new if confirm is None else confirm})


def test_a_password_of_seven_characters_is_too_short():
    assert "too_short" in password_problems("Ab1-xyz", "wang")


def test_a_password_of_letters_and_digits_only_lacks_a_third_kind():
    assert password_problems("abcdefgh123", "wang") == ["too_few_kinds"]


def test_a_password_containing_the_username_is_refused_whatever_its_case():
    assert password_problems("WANGwei-2027", "wangwei") == ["contains_username"]


def test_three_kinds_of_eight_characters_without_the_username_are_enough():
    assert password_problems("shui-2027", "wang") == []


def test_an_aged_password_leads_every_page_to_the_change_page(make, client):
    user = make.user(password_changed_at=utcnow() - timedelta(days=91))
    make.commit()
    _sign_in(client, user)
    response = client.get("/cases/")
    assert response.status_code == 302 and response.headers["Location"] == "/account/password"


def test_the_change_page_tells_why_in_chinese(make, client):
    user = make.user(must_change_password=True)
    make.commit()
    _sign_in(client, user)
    page = client.get("/cases/", follow_redirects=True).get_data(as_text=True)
    assert "请先修改密码再继续使用。" in page and "修改密码" in page


def test_a_password_younger_than_the_maximum_age_is_not_asked_for(make, client):
    user = make.user(password_changed_at=utcnow() - timedelta(days=89))
    make.commit()
    _sign_in(client, user)
    assert client.get("/cases/").status_code == 200


def test_the_maximum_age_is_configurable(make, app, client, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_MAX_AGE_DAYS", 30)
    user = make.user(password_changed_at=utcnow() - timedelta(days=31))
    make.commit()
    _sign_in(client, user)
    assert client.get("/cases/").headers["Location"] == "/account/password"


def test_a_demo_account_signs_in_without_a_change(make, client):
    """README: every demo account shares the printed password and just works; the demo
    seed creates its accounts through create_user, which asks for no change."""
    user = create_user(make.session, username="demo_mediator", password=DEMO_PASSWORD,
                       role="mediator", institution=make.institution())
    make.commit()
    _sign_in(client, user, DEMO_PASSWORD)
    assert client.get("/cases/").status_code == 200


def test_an_account_an_admin_created_changes_its_password_at_first_sign_in(make, login, session):
    admin = make.user(role="admin")
    make.commit()
    login(admin).post("/admin/users/new", data={
        "username": "li_si", "display_name": "李四", "role": "mediator",
        "institution_id": admin.institution_id, "password": "Initial-2027"})
    created = session.query(User).filter_by(username="li_si").one()
    assert created.must_change_password is True


def test_an_admin_reset_makes_the_owner_change_the_password(make, login, session):
    admin = make.user(role="admin")
    target = make.user(institution=make.institution(region=admin.institution.region))
    make.commit()
    login(admin).post(f"/admin/users/{target.id}/password",
                      data={"password": "Reset-pass-1", "confirm": "Reset-pass-1"})
    session.expire_all()
    assert session.get(User, target.id).must_change_password is True


def test_an_admin_cannot_create_an_account_with_a_weak_password(make, login, session):
    admin = make.user(role="admin")
    make.commit()
    page = login(admin).post("/admin/users/new", data={
        "username": "li_si", "display_name": "李四", "role": "mediator",
        "institution_id": admin.institution_id, "password": "lisi12345"}).get_data(as_text=True)
    assert "密码须包含大写字母、小写字母、数字和符号中的至少三类。" in page
    assert session.query(User).filter_by(username="li_si").one_or_none() is None


def test_changing_the_password_lifts_the_requirement_and_keeps_the_user_signed_in(
        make, client, session):
    user = make.user(must_change_password=True)
    make.commit()
    _sign_in(client, user)
    _change(client, PASSWORD, STRONG)
    session.expire_all()
    saved = session.get(User, user.id)
    assert saved.check_password(STRONG) and saved.must_change_password is False
    assert saved.password_changed_at is not None
    assert client.get("/cases/").status_code == 200


def test_a_wrong_current_password_changes_nothing(make, client, session):
    user = make.user()
    make.commit()
    _sign_in(client, user)
    page = _change(client, "not-the-password", STRONG).get_data(as_text=True)
    session.expire_all()
    assert "当前密码不正确。" in page and session.get(User, user.id).check_password(PASSWORD)


def test_a_weak_new_password_is_refused_in_chinese(make, client, session):
    user = make.user()
    make.commit()
    _sign_in(client, user)
    page = _change(client, PASSWORD, "short1A").get_data(as_text=True)
    session.expire_all()
    assert "密码至少8位。" in page and session.get(User, user.id).check_password(PASSWORD)


def test_none_of_the_last_three_passwords_is_taken_again(make, client, session):
    user = make.user()
    make.commit()
    _sign_in(client, user)
    _change(client, PASSWORD, "Second-pass-2")
    _change(client, "Second-pass-2", "Third-pass-3")
    page = _change(client, "Third-pass-3", PASSWORD).get_data(as_text=True)
    session.expire_all()
    assert "新密码不得与最近三次使用的密码相同。" in page
    assert session.get(User, user.id).check_password("Third-pass-3")


def test_the_fourth_password_back_may_be_used_again(make, client, session):
    user = make.user()
    make.commit()
    _sign_in(client, user)
    for current, new in ((PASSWORD, "Second-pass-2"), ("Second-pass-2", "Third-pass-3"),
                         ("Third-pass-3", "Fourth-pass-4"), ("Fourth-pass-4", PASSWORD)):
        _change(client, current, new)
    session.expire_all()
    assert session.get(User, user.id).check_password(PASSWORD)
