"""A mediator signs in and files a case in a real headless Chromium."""

import re
import uuid
from datetime import date, timedelta

import pytest

from ..factories import id_number
from .signing_in import sign_in

CASE_NUMBER = re.compile(r"^（\d{4}）清江浦调字第\d{4}号$")


@pytest.mark.browser
def test_a_mediator_files_a_case_in_the_browser(live_server, page, make):
    from playwright.sync_api import expect

    mediator = make.user()
    # Read everything needed before committing: touching the session afterwards would
    # start a write-locking SQLite transaction that the server's requests would wait on.
    username = mediator.username
    region_id = mediator.institution.region_id
    make.commit()

    marker = uuid.uuid4().hex[:8]
    summary = f"张家与王家宅基地边界纠纷（浏览器测试{marker}）"
    applicant, respondent = "张建国", "王秀英"
    applicant_id = id_number(birth="19750314")
    received_on = date.today() - timedelta(days=2)

    sign_in(page, live_server, username)

    page.goto(f"{live_server}/cases/new")
    form = page.locator("form:has(input[name='summary'])")
    expect(form.locator("input[name='submit']")).to_have_value("登记案件")  # Chinese UI
    form.locator("select[name='dispute_type']").select_option("housing_land")
    form.locator("select[name='source']").select_option("walk_in")
    form.locator("select[name='region_id']").select_option(str(region_id))
    form.locator("input[name='received_on']").fill(received_on.isoformat())
    form.locator("input[name='summary']").fill(summary)
    form.locator("textarea[name='description']").fill("两家因宅基地界桩位置发生争执。")

    form.locator("select[name='parties-0-role']").select_option("applicant")
    form.locator("select[name='parties-0-kind']").select_option("person")
    form.locator("input[name='parties-0-name']").fill(applicant)
    form.locator("select[name='parties-0-sex']").select_option("male")
    form.locator("input[name='parties-0-id_number']").fill(applicant_id)
    form.locator("input[name='parties-0-phone']").fill("13800138000")

    form.locator("select[name='parties-1-role']").select_option("respondent")
    form.locator("select[name='parties-1-kind']").select_option("person")
    form.locator("input[name='parties-1-name']").fill(respondent)
    form.locator("select[name='parties-1-sex']").select_option("female")

    form.locator("input[name='submit']").click()
    page.wait_for_url(re.compile(r"/cases/\d+$"))

    expect(page.locator("h1")).to_have_text(CASE_NUMBER)
    expect(page.get_by_role("heading", name=summary)).to_be_visible()
    parties = page.locator("section.card", has=page.get_by_role("heading", name="当事人", exact=True))
    expect(parties.locator("tbody tr")).to_have_count(2)
    expect(parties.locator("td", has_text=applicant)).to_be_visible()
    expect(parties.locator("td", has_text=respondent)).to_be_visible()
    expect(parties.locator("td", has_text=applicant_id)).to_be_visible()  # full ID for the holder
    case_no = page.locator("h1").inner_text()

    page.goto(f"{live_server}/cases/")
    row = page.locator("table.list tbody tr", has_text=summary)
    expect(row).to_have_count(1)
    expect(row.locator("td").first).to_have_text(case_no)
