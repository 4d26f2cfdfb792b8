"""The reports page: the archive of the user's region subtree; readers ask for a finished
month's report (again) and the scheduler's job makes it."""

import pytest
from sqlalchemy import select

from mediation_app.auth.models import User
from mediation_app.db import utcnow
from mediation_app.directory.models import Region
from mediation_app.monthly import jobs
from mediation_app.monthly.models import MonthlyReport, MonthlyReportRequest
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


def _ask(client, region_id, month, reason=""):
    return client.post("/reports/requests",
                       data={"month": month, "region": region_id, "reason": reason})


def _requests(session):
    rows = session.scalars(select(MonthlyReportRequest).order_by(MonthlyReportRequest.id)).all()
    session.rollback()
    return rows


def test_a_committee_reader_asks_for_a_finished_month_and_the_scheduler_makes_it(
        world, sign_in, session, monthly_app):
    client = sign_in(world.reader_id)
    page = client.get("/reports/").get_data(as_text=True)
    assert 'action="/reports/requests"' in page and 'value="2026-09"' in page
    assert _ask(client, world.district_id, "2026-09").status_code == 302
    [queued] = _requests(session)
    assert (queued.status, queued.month, queued.requested_by_id) == (
        "queued", "2026-09", world.reader_id)
    waiting = client.get("/reports/").get_data(as_text=True)
    assert "data-refresh-seconds" in waiting
    [outcome] = jobs.run_requests(monthly_app, utcnow())
    assert outcome.status == "generated"
    report = session.get(MonthlyReport, outcome.report_id)
    assert (report.region_id, report.month, report.version) == (world.district_id, "2026-09", 1)
    [done] = _requests(session)
    assert (done.status, done.report_id) == ("done", outcome.report_id)
    finished = client.get("/reports/").get_data(as_text=True)
    assert f"/reports/{outcome.report_id}.pdf" in finished
    assert "data-refresh-seconds" not in finished


def test_making_an_archived_month_again_needs_a_reason_and_lists_its_changes(
        world, sign_in, session, monthly_app):
    client = sign_in(world.reader_id)
    _ask(client, world.district_id, "2026-09")
    jobs.run_requests(monthly_app, utcnow())
    refused = _ask(client, world.district_id, "2026-09")
    assert refused.status_code == 200
    assert "请说明重新生成的原因" in refused.get_data(as_text=True)
    assert len(_requests(session)) == 1
    assert _ask(client, world.district_id, "2026-09", "补录迟报案件").status_code == 302
    [outcome] = jobs.run_requests(monthly_app, utcnow())
    again = session.get(MonthlyReport, outcome.report_id)
    assert (again.version, again.reason, again.generated_by_id) == (
        2, "补录迟报案件", world.reader_id)
    session.rollback()
    page = client.get("/reports/").get_data(as_text=True)
    assert "补录迟报案件" in page and "与上一版本相比，数据无变化。" in page


def test_asking_twice_for_the_same_month_queues_it_once(world, sign_in, session):
    client = sign_in(world.reader_id)
    _ask(client, world.district_id, "2026-08")
    _ask(client, world.district_id, "2026-08")
    assert [request.month for request in _requests(session)] == ["2026-08"]


def test_a_reader_cannot_ask_for_a_region_outside_the_subtree(world, sign_in, session):
    response = _ask(sign_in(world.reader_id), world.city_id, "2026-09")
    assert response.status_code == 200  # not a choice offered: the form is shown again
    assert _requests(session) == []


def test_a_month_not_over_cannot_be_asked_for(world, sign_in, session):
    this_month = utcnow().strftime("%Y-%m")
    response = _ask(sign_in(world.reader_id), world.district_id, this_month)
    assert response.status_code == 200
    assert _requests(session) == []


def test_mediators_cannot_ask_for_a_report(world, sign_in, session):
    assert _ask(sign_in(world.mediator_id), world.district_id, "2026-09").status_code == 403
    assert _requests(session) == []


def test_an_empty_archive_shows_no_page_count(make, sign_in, session, monthly_app):
    world = build_world(make, cases=False)
    page = sign_in(world.reader_id).get("/reports/").get_data(as_text=True)
    assert "暂无月度报告。" in page
    assert "共 0 页" not in page
