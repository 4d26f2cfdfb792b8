"""The reports page: the archive of the user's region subtree; regeneration is for admins."""

import pytest
from sqlalchemy import func, select

from mediation_app.auth.models import User
from mediation_app.directory.models import Region
from mediation_app.monthly.models import MonthlyReport
from mediation_app.storage import Storage

from ..factories import PASSWORD
from .helpers import MONTH, archive, build_world


@pytest.fixture
def world(make, session, monthly_app):
    """Reports for the district (two versions), its city, and a neighbouring district."""
    built = build_world(make, cases=False)
    storage = Storage(monthly_app.config["MEDIATION_STORAGE"])
    ids = {
        "district": archive(session, storage, built.district_id, MONTH).id,
        "district_v2": archive(session, storage, built.district_id, MONTH, version=2,
                               reason="补录迟报案件").id,
        "city": archive(session, storage, built.city_id, MONTH).id,
        "other": archive(session, storage, _region_id(session, built.other_district_code),
                         MONTH).id,
    }
    session.commit()
    built.report_ids = ids
    return built


def _region_id(session, code):
    return session.scalar(select(Region.id).where(Region.code == code))


@pytest.fixture
def sign_in(monthly_app, session):
    def as_user(user_id):
        username = session.get(User, user_id).username
        session.rollback()
        client = monthly_app.test_client()
        response = client.post("/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 302
        return client

    return as_user


def test_the_reports_page_lists_only_the_users_region_subtree(world, sign_in):
    page = sign_in(world.reader_id).get("/reports/").get_data(as_text=True)
    assert f"/reports/{world.report_ids['district_v2']}.pdf" in page
    assert f"/reports/{world.report_ids['district']}.pdf" in page  # as an earlier version
    assert "补录迟报案件" in page
    assert f"/reports/{world.report_ids['city']}.pdf" not in page
    assert f"/reports/{world.report_ids['other']}.pdf" not in page


def test_a_city_admin_sees_every_district_below(world, sign_in):
    page = sign_in(world.city_admin_id).get("/reports/").get_data(as_text=True)
    for name in ("district_v2", "city", "other"):
        assert f"/reports/{world.report_ids[name]}.pdf" in page


def test_a_report_downloads_inside_the_jurisdiction_only(world, sign_in, monthly_app):
    client = sign_in(world.reader_id)
    response = client.get(f"/reports/{world.report_ids['district']}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert client.get(f"/reports/{world.report_ids['other']}.pdf").status_code == 404
    assert client.get(f"/reports/{world.report_ids['city']}.pdf").status_code == 404


def test_mediators_have_no_reports_page(world, sign_in):
    assert sign_in(world.mediator_id).get("/reports/").status_code == 403


def test_regenerate_is_admin_only(world, sign_in, session):
    client = sign_in(world.reader_id)
    response = client.post(f"/reports/{world.report_ids['district']}/regenerate",
                           data={"reason": "想重算"})
    assert response.status_code == 403
    assert session.scalar(select(func.count()).select_from(MonthlyReport)) == 4


def test_an_admin_regenerates_with_a_reason_after_confirming(world, sign_in, session):
    client = sign_in(world.admin_id)
    page = client.get("/reports/").get_data(as_text=True)
    form = f"/reports/{world.report_ids['district_v2']}/regenerate"
    assert form in page and "data-confirm=" in page
    refused = client.post(f"/reports/{world.report_ids['district']}/regenerate",
                          data={"reason": ""})
    assert refused.status_code == 302
    assert session.scalar(select(func.count()).select_from(MonthlyReport)) == 4
    session.rollback()
    response = client.post(f"/reports/{world.report_ids['district']}/regenerate",
                           data={"reason": "补录10月迟报案件"})
    assert response.status_code == 302
    newest = session.scalar(select(MonthlyReport).order_by(MonthlyReport.id.desc()))
    assert (newest.version, newest.reason, newest.generated_by_id) == (
        3, "补录10月迟报案件", world.admin_id)


def test_an_admin_cannot_regenerate_outside_the_jurisdiction(world, sign_in):
    client = sign_in(world.admin_id)
    response = client.post(f"/reports/{world.report_ids['other']}/regenerate",
                           data={"reason": "越权"})
    assert response.status_code == 404
