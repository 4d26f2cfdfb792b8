"""The command line sets passwords under the web's rules (等保 2.0, GB/T 22239-2019 安全计算环境
· 身份鉴别 8.1.4.1 a: "身份鉴别信息具有复杂度要求并定期更换"): a weak password is refused in
Chinese with its reason and a non-zero exit; an account made there is, like one an admin
makes on the web, to be re-keyed by its owner at first sign-in unless the admin says the
password is the owner's own (--no-change-at-sign-in)."""

from sqlalchemy import func, select

from mediation_app.audit.accounts import password_events
from mediation_app.auth.models import User

from ..factories import PASSWORD

STRONG = "Qing-shui-2027"


def _invoke(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def _create(app, institution, password=STRONG, *extra, username="zhang"):
    return _invoke(app, "users", "create", "--username", username, "--role", "mediator",
                   "--institution", institution.code, "--password", password, *extra)


def _user(session, username="zhang") -> User | None:
    session.expire_all()
    return session.scalar(select(User).where(User.username == username))


def test_users_create_refuses_a_short_password_in_chinese_and_adds_nobody(app, make, session):
    institution = make.institution()
    make.commit()
    result = _create(app, institution, "Ab1-xyz")
    assert result.exit_code == 1
    assert "密码不符合要求：密码至少8位。" in result.output
    assert _user(session) is None


def test_users_create_refuses_a_password_of_too_few_kinds(app, make, session):
    institution = make.institution()
    make.commit()
    result = _create(app, institution, "abcdefgh123")
    assert result.exit_code == 1 and "密码不符合要求" in result.output
    assert _user(session) is None


def test_users_create_refuses_a_password_containing_the_username(app, make, session):
    institution = make.institution()
    make.commit()
    result = _create(app, institution, "Zhang-2027x")
    assert result.exit_code == 1 and "用户名" in result.output
    assert _user(session) is None


def test_a_user_created_on_the_command_line_changes_the_password_at_first_sign_in(
        app, make, session, client):
    institution = make.institution()
    make.commit()
    assert _create(app, institution).exit_code == 0
    assert _user(session).must_change_password is True
    client.post("/login", data={"username": "zhang", "password": STRONG})
    assert client.get("/cases/").headers["Location"] == "/account/password"


def test_the_no_change_flag_lets_the_user_keep_the_password(app, make, session, client):
    institution = make.institution()
    make.commit()
    assert _create(app, institution, STRONG, "--no-change-at-sign-in").exit_code == 0
    assert _user(session).must_change_password is False
    client.post("/login", data={"username": "zhang", "password": STRONG})
    assert client.get("/cases/").status_code == 200


def test_the_help_of_users_create_says_who_changes_the_password(app):
    text = _invoke(app, "users", "create", "--help").output
    assert "--no-change-at-sign-in" in text and "first sign-in" in text


def test_users_set_password_refuses_a_weak_password_and_keeps_the_old_one(app, make, session):
    user = make.user(username="li")
    make.commit()
    result = _invoke(app, "users", "set-password", "--username", "li", "--password", "short1!")
    assert result.exit_code == 1 and "密码不符合要求：密码至少8位。" in result.output
    assert _user(session, "li").check_password(PASSWORD)
    assert password_events(session, user) == []


def test_users_set_password_makes_the_user_change_it_at_next_sign_in(app, make, session):
    make.user(username="li")
    make.commit()
    result = _invoke(app, "users", "set-password", "--username", "li", "--password", STRONG)
    assert result.exit_code == 0, result.output
    user = _user(session, "li")
    assert user.check_password(STRONG) and user.must_change_password is True


def test_users_set_password_refuses_an_unknown_user_in_chinese(app):
    result = _invoke(app, "users", "set-password", "--username", "nobody", "--password", STRONG)
    assert result.exit_code == 1 and "没有用户名为 nobody 的用户" in result.output


def test_a_password_set_on_the_command_line_is_audited_without_an_actor(app, make, session):
    make.user(username="li")
    make.commit()
    _invoke(app, "users", "set-password", "--username", "li", "--password", STRONG)
    [event] = password_events(session, _user(session, "li"))
    assert (event.via, event.actor_id, event.username) == ("cli", None, "li")


def test_a_user_created_on_the_command_line_is_audited_once(app, make, session):
    institution = make.institution()
    make.commit()
    _create(app, institution)
    events = password_events(session, _user(session))
    assert [(event.via, event.actor_id) for event in events] == [("cli", None)]


def test_a_refused_creation_leaves_no_audit_row(app, make, session):
    from mediation_app.audit.models import AccountEvent

    institution = make.institution()
    make.commit()
    _create(app, institution, "weak")
    assert session.scalar(select(func.count()).select_from(AccountEvent)) == 0
