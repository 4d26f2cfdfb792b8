def test_forms_without_a_csrf_token_are_refused(other_app, make):
    make.user(username="wang")
    make.commit()
    client = other_app(WTF_CSRF_ENABLED=True).test_client()
    response = client.post("/login", data={"username": "wang", "password": "x"})
    assert response.status_code == 400


def test_pages_carry_security_headers(client):
    headers = client.get("/login").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_the_session_cookie_is_httponly_and_samesite(client):
    cookie = client.get("/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_health_check_answers_without_a_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok", "workflows": "ok"}


def test_health_check_reports_an_unreachable_database(other_app, tmp_path):
    broken = other_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/db.sqlite")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["database"] == "unreachable"
