
from mediation_app.auth.models import User

from ..factories import PASSWORD


def _sign_in(client, username, password):
    return client.post("/login", data={"username": username, "password": password})


def test_a_user_signs_in_and_lands_on_the_dashboard(make, client):
    make.user(username="wang")
    make.commit()
    response = _sign_in(client, "wang", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_wrong_password_is_refused_with_a_message(make, client):
    make.user(username="wang")
    make.commit()
    response = _sign_in(client, "wang", "wrong")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_a_deactivated_user_cannot_sign_in(make, client):
    make.user(username="wang", is_active=False)
    make.commit()
    response = _sign_in(client, "wang", PASSWORD)
    assert response.status_code == 200 and "用户名或密码错误" in response.get_data(as_text=True)


def test_sign_in_attempts_are_rate_limited_per_address(make, client):
    make.commit()
    statuses = [_sign_in(client, f"nobody{n}", "x").status_code for n in range(21)]
    assert statuses[:20] == [200] * 20 and statuses[20] == 429


def test_an_open_redirect_after_sign_in_is_refused(make, client):
    make.user(username="wang")
    make.commit()
    response = client.post("/login?next=//evil.example/", data={"username": "wang",
                                                               "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_pages_need_a_signed_in_user(client):
    response = client.get("/cases/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_sign_out_needs_a_post(make, login):
    client = login(make.user())
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/cases/").status_code == 302


def test_signing_out_says_so_on_the_sign_in_page(make, login):
    client = login(make.user())
    page = client.post("/logout", follow_redirects=True).get_data(as_text=True)
    assert "您已退出登录。" in page


def test_passwords_are_stored_with_scrypt():
    user = User(username="x", display_name="x", role="mediator")
    user.set_password("s3cret-pass")
    assert user.password_hash.startswith("scrypt:") and user.check_password("s3cret-pass")


def test_the_language_can_be_switched_to_english(make, login):
    client = login(make.user())
    client.post("/language/en", data={"next": "/cases/"})
    assert "Cases" in client.get("/cases/").get_data(as_text=True)
