from datetime import timedelta

from sqlalchemy import select

from mediation_app.auth.models import ApiToken, User
from mediation_app.db import utcnow
from mediation_app.directory.models import Institution, Region

from ..factories import PASSWORD
from ..unchanged import snapshot


def _admin(make, region=None):
    institution = make.institution(kind="committee", region=region or make.region())
    return make.user(role="admin", institution=institution)


def test_admin_creates_a_user_who_can_sign_in(make, login, session, app):
    admin = _admin(make)
    make.commit()
    client = login(admin)
    response = client.post("/admin/users/new", data={
        "username": "li_si", "display_name": "李四", "role": "mediator",
        "institution_id": admin.institution_id, "password": "long-enough-1"})
    assert response.status_code == 302
    client.post("/logout")
    assert client.post("/login", data={"username": "li_si",
                                       "password": "long-enough-1"}).status_code == 302


def test_a_taken_username_is_explained(make, login):
    admin = _admin(make)
    make.user(username="taken")
    make.commit()
    response = login(admin).post("/admin/users/new", data={
        "username": "taken", "display_name": "x", "role": "mediator",
        "institution_id": admin.institution_id, "password": "long-enough-1"})
    assert response.status_code == 200 and "taken" in response.get_data(as_text=True)


def test_admin_deactivates_a_user_who_then_cannot_sign_in(make, login, session, client):
    admin = _admin(make)
    target = make.user(institution=make.institution(region=admin.institution.region))
    make.commit()
    login(admin).post(f"/admin/users/{target.id}/active")
    client.post("/logout")
    assert client.post("/login", data={"username": target.username,
                                       "password": PASSWORD}).status_code == 200
    assert session.get(User, target.id).is_active is False


def test_admin_resets_a_password_and_lifts_the_lock(make, login, session):
    admin = _admin(make)
    target = make.user(institution=make.institution(region=admin.institution.region),
                       locked_until=utcnow() + timedelta(hours=1))
    make.commit()
    login(admin).post(f"/admin/users/{target.id}/password",
                      data={"password": "Brand-new-pass", "confirm": "Brand-new-pass"})
    session.expire_all()
    user = session.get(User, target.id)
    assert user.check_password("Brand-new-pass") and user.locked_until is None


def test_admin_cannot_touch_users_outside_their_region(make, login, session):
    admin = _admin(make)
    outsider = make.user()
    make.commit()
    client = login(admin)
    assert client.get(f"/admin/users/{outsider.id}").status_code == 404
    before = snapshot()
    assert client.post(f"/admin/users/{outsider.id}/active").status_code == 404
    assert snapshot() == before                 # no row changed, no audit event
    assert session.get(User, outsider.id).is_active is True


def test_admin_adds_a_region_under_a_parent(make, login, session):
    admin = _admin(make)
    make.commit()
    login(admin).post("/admin/regions", data={
        "code": "NEWD", "name": "新区", "level": "district",
        "parent_id": admin.institution.region_id})
    region = session.scalar(select(Region).where(Region.code == "NEWD"))
    assert region.parent_id == admin.institution.region_id


def test_a_region_cannot_sit_under_a_lower_level(make, login, session):
    admin = _admin(make)
    make.commit()
    response = login(admin).post("/admin/regions", data={
        "code": "BAD", "name": "坏", "level": "city", "parent_id": admin.institution.region_id})
    assert response.status_code == 200
    assert session.scalar(select(Region).where(Region.code == "BAD")) is None


def test_admin_adds_an_institution_with_a_number_format(make, login, session):
    admin = _admin(make)
    make.commit()
    login(admin).post("/admin/institutions", data={
        "code": "NEWI", "name": "新调委会", "short_name": "新", "kind": "peoples_committee",
        "region_id": admin.institution.region_id, "case_number_format": "{short}调{year}-{seq:05d}"})
    assert session.scalar(select(Institution).where(Institution.code == "NEWI")) is not None


def test_a_dangerous_number_format_is_refused(make, login, session):
    admin = _admin(make)
    make.commit()
    response = login(admin).post("/admin/institutions", data={
        "code": "NEWI", "name": "新调委会", "short_name": "新", "kind": "peoples_committee",
        "region_id": admin.institution.region_id,
        "case_number_format": "{year.__class__.__mro__}{seq}"})
    assert response.status_code == 200
    assert session.scalar(select(Institution).where(Institution.code == "NEWI")) is None


def test_a_new_api_token_is_shown_once_and_stored_hashed(make, login, session):
    admin = _admin(make)
    user = make.user(institution=admin.institution)
    make.commit()
    page = login(admin).post("/admin/tokens", data={"user_id": user.id, "name": "台账同步"})
    secret = page.get_data(as_text=True).split('id="new-token">')[1].split("<")[0]
    token = session.scalar(select(ApiToken))
    assert secret.startswith("med_") and token.token_hash == ApiToken.hash_secret(secret)
    assert secret not in login(admin).get("/admin/tokens").get_data(as_text=True)


def test_a_revoked_token_stops_working(make, login, client, session):
    admin = _admin(make)
    secret = make.token(make.user(institution=admin.institution))
    make.commit()
    token_id = session.scalar(select(ApiToken.id))
    login(admin).post(f"/admin/tokens/{token_id}/revoke")
    response = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401


def test_destructive_admin_buttons_ask_for_confirmation(make, login):
    admin = _admin(make)
    make.user(institution=admin.institution)
    make.commit()
    page = login(admin).get("/admin/users").get_data(as_text=True)
    assert 'data-confirm="' in page
