"""After closing, the holder's mediators correct what the mediation prevented (防止民转刑,
防止群体性上访, 防止群体性械斗: cases and people), with a reason; the correction is audited
with the figures before and after, the statistics follow, and an archived case refuses it.

The world: one committee, its mediator, a case concluded successfully on 2026-10-10 with
民转刑 1 case 3 people recorded."""

from datetime import date, datetime

import pytest
from flask import g
from sqlalchemy import select

from mediation_app.audit.models import CaseEvent
from mediation_app.handlings.models import PreventedEscalation
from mediation_app.handlings.prevention import Prevented
from mediation_app.stats import prevented
from mediation_app.stats.corrections import CorrectionRefused, correct_prevented
from mediation_app.stats.definitions import Period
from mediation_app.stats.queries import Scope

from ..factories import PASSWORD
from ..unchanged import snapshot
from .test_prevented import _conclude, at

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))
NOW = datetime(2026, 11, 15, 4, 0)
CORRECTED = Prevented(criminal_cases=2, criminal_people=7, fight_cases=1, fight_people=4)
FORM = {"criminal_cases": "2", "criminal_people": "7", "petition_cases": "",
        "petition_people": "", "fight_cases": "1", "fight_people": "4",
        "reason": "回访时核实：另有一起民转刑风险"}


@pytest.fixture
def closed(make):
    region = make.district()
    committee = make.institution(region=region)
    mediator = make.user(institution=committee)
    case = make.case(by=mediator, now=at(10, 1))
    _conclude(make, case, mediator, "close_success", at(10, 10),
              Prevented(criminal_cases=1, criminal_people=3))
    make.commit()
    return {"case": case, "mediator": mediator, "committee": committee, "region": region}


def _figures(session, closed) -> Prevented:
    return prevented.total(prevented.from_rollups(session, OCTOBER, Scope(region=closed["region"])))


def test_a_correction_replaces_the_figures_the_statistics_count(session, closed):
    correct_prevented(session, closed["case"], CORRECTED, reason="核实后更正",
                      actor=closed["mediator"], now=NOW)
    assert _figures(session, closed) == CORRECTED
    assert prevented.total(prevented.reference(session, OCTOBER,
                                               Scope(region=closed["region"]))) == CORRECTED


def _corrections(session) -> list[CaseEvent]:
    return list(session.scalars(select(CaseEvent).where(
        CaseEvent.action == "prevented.corrected")))


def _refused(session, case, figures, *, reason, actor, code):
    """The correction is refused with `code`, and nothing it would have written is: not
    the figures, not an audit event, no row of any table (what the session holds, flushed
    or not, before and after)."""
    before = snapshot(settle=False)
    with pytest.raises(CorrectionRefused, match=code):
        correct_prevented(session, case, figures, reason=reason, actor=actor, now=NOW)
    assert snapshot(settle=False) == before
    assert _corrections(session) == []


def test_a_correction_is_audited_with_the_figures_before_and_after_and_the_reason(
        session, closed):
    correct_prevented(session, closed["case"], CORRECTED, reason="核实后更正",
                      actor=closed["mediator"], now=NOW)
    event = session.scalars(select(CaseEvent).where(
        CaseEvent.case_id == closed["case"].id, CaseEvent.action == "prevented.corrected")).one()
    assert event.data["before"]["criminal_people"] == 3
    assert event.data["after"] == CORRECTED.as_dict()
    assert event.data["changes"]["fight_cases"] == [0, 1]
    assert event.data["note"] == "核实后更正" and event.actor_id == closed["mediator"].id


def test_correcting_everything_to_zero_removes_the_record(session, closed):
    correct_prevented(session, closed["case"], Prevented(), reason="误填",
                      actor=closed["mediator"], now=NOW)
    assert session.scalars(select(PreventedEscalation)).all() == []
    assert _figures(session, closed) == Prevented()


def test_a_correction_without_a_reason_is_refused(session, closed):
    _refused(session, closed["case"], CORRECTED, reason="  ", actor=closed["mediator"],
             code="reason_required")
    assert _figures(session, closed) == Prevented(criminal_cases=1, criminal_people=3)


def test_figures_breaking_the_rule_are_refused(session, closed):
    _refused(session, closed["case"], Prevented(criminal_cases=2, criminal_people=1),
             reason="更正", actor=closed["mediator"], code="invalid")
    assert _figures(session, closed) == Prevented(criminal_cases=1, criminal_people=3)


def test_a_mediator_of_another_institution_cannot_correct(session, make, closed):
    other = make.user(institution=make.institution(region=closed["region"]))
    _refused(session, closed["case"], CORRECTED, reason="更正", actor=other, code="not_allowed")


def test_a_liaison_of_the_holder_cannot_correct(session, make, closed):
    liaison = make.user(role="liaison", institution=closed["committee"])
    _refused(session, closed["case"], CORRECTED, reason="更正", actor=liaison,
             code="not_allowed")


def test_an_open_case_cannot_be_corrected(session, make, closed):
    case = make.case(by=closed["mediator"], now=at(10, 2))
    _refused(session, case, CORRECTED, reason="更正", actor=closed["mediator"],
             code="not_allowed")
    assert len(session.scalars(select(PreventedEscalation)).all()) == 1   # the closed case's


def test_an_archived_case_refuses_a_correction(session, closed):
    closed["case"].archived_at = NOW
    _refused(session, closed["case"], CORRECTED, reason="更正", actor=closed["mediator"],
             code="archived")
    assert _figures(session, closed) == Prevented(criminal_cases=1, criminal_people=3)


# --- the pages ----------------------------------------------------------------------------

def test_the_mediator_corrects_from_the_page_and_the_case_page_shows_the_new_figures(
        login, session, closed):
    client = login(closed["mediator"])
    url = f"/cases/{closed['case'].id}/prevented"
    assert 'value="3"' in client.get(url).get_data(as_text=True)
    response = client.post(url, data=FORM)
    assert response.status_code == 302
    page = client.get(f"/cases/{closed['case'].id}").get_data(as_text=True)
    assert "更正调解防止矛盾激化情况" in page and "回访时核实：另有一起民转刑风险" in page
    assert _figures(session, closed) == CORRECTED


def test_the_page_refuses_a_correction_without_a_reason_in_chinese(login, session, closed):
    client = login(closed["mediator"])
    before = snapshot()
    page = client.post(f"/cases/{closed['case'].id}/prevented", data={**FORM, "reason": ""})
    assert page.status_code == 200
    assert snapshot() == before and _corrections(session) == []
    assert _figures(session, closed) == Prevented(criminal_cases=1, criminal_people=3)


def test_the_page_of_an_archived_case_says_it_is_archived(login, session, closed):
    closed["case"].archived_at = NOW
    session.commit()
    client = login(closed["mediator"])
    before = snapshot()
    response = client.post(f"/cases/{closed['case'].id}/prevented", data=FORM)
    assert response.status_code == 403 and "归档" in response.get_data(as_text=True)
    assert snapshot() == before and _corrections(session) == []
    assert _figures(session, closed) == Prevented(criminal_cases=1, criminal_people=3)


def test_a_committee_reader_reads_the_figures_but_is_offered_no_correction(
        app, make, login, session, closed):
    reader = make.user(role="committee",
                       institution=make.institution(kind="committee", region=closed["region"]))
    make.commit()
    client = app.test_client()
    g.pop("_login_user", None)
    client.post("/login", data={"username": reader.username, "password": PASSWORD})
    page = client.get(f"/cases/{closed['case'].id}").get_data(as_text=True)
    assert "调解防止矛盾激化情况" in page and "更正这些数字" not in page
    before = snapshot()
    assert client.post(f"/cases/{closed['case'].id}/prevented", data=FORM).status_code == 403
    assert snapshot() == before and _corrections(session) == []
    assert _figures(session, closed) == Prevented(criminal_cases=1, criminal_people=3)


# --- the API and the exports follow --------------------------------------------------------

def _auth(secret):
    return {"Authorization": f"Bearer {secret}"}


def test_the_case_api_gives_what_the_concluding_handling_prevented_after_a_correction(
        make, client, session, closed):
    secret = make.token(closed["mediator"])
    correct_prevented(session, closed["case"], CORRECTED, reason="核实后更正",
                      actor=closed["mediator"], now=NOW)
    session.commit()
    body = client.get(f"/api/v1/cases/{closed['case'].id}", headers=_auth(secret)).get_json()
    (handling,) = body["handlings"]
    assert handling["prevented"] == CORRECTED.as_dict()


def test_an_open_handling_has_no_prevented_figures_in_the_api(make, client, closed):
    case = make.case(by=closed["mediator"], now=at(10, 2))
    secret = make.token(closed["mediator"])
    body = client.get(f"/api/v1/cases/{case.id}", headers=_auth(secret)).get_json()
    assert [h["prevented"] for h in body["handlings"]] == [None]


def test_the_statistics_api_totals_and_groups_what_was_prevented(make, client, closed):
    reader = make.user(role="committee",
                       institution=make.institution(kind="committee", region=closed["region"]))
    secret = make.token(reader)
    body = client.get("/api/v1/statistics?from=2026-10-01&to=2026-10-31&by=channel",
                      headers=_auth(secret)).get_json()
    assert body["totals"]["success"] == 1
    assert body["totals"]["prevented"]["criminal_people"] == 3
    assert [(g["key"], g["prevented"]["criminal_cases"]) for g in body["groups"]] == [
        ("peoples", 1)]


def test_the_statistics_api_keeps_a_mediator_elsewhere_to_their_own_figures(make, client,
                                                                           closed):
    stranger = make.user(institution=make.institution(region=closed["region"]))
    secret = make.token(stranger)
    body = client.get("/api/v1/statistics?from=2026-10-01&to=2026-10-31",
                      headers=_auth(secret)).get_json()
    assert body["totals"]["success"] == 0
    assert body["totals"]["prevented"] == Prevented().as_dict()


def test_the_statistics_api_refuses_a_period_ending_before_it_starts(make, client, closed):
    secret = make.token(closed["mediator"])
    response = client.get("/api/v1/statistics?from=2026-10-31&to=2026-10-01",
                          headers=_auth(secret))
    assert response.status_code == 422 and "to" in response.get_json()["fields"]


def test_the_csv_export_has_what_was_prevented_per_group(login, session, closed):
    correct_prevented(session, closed["case"], CORRECTED, reason="核实后更正",
                      actor=closed["mediator"], now=NOW)
    session.commit()
    csv = login(closed["mediator"]).get(
        "/stats/export.csv?start=2026-10-01&end=2026-10-31&by=channel").get_data(as_text=True)
    header, total, peoples = (line.split(",") for line in csv.strip().splitlines()[:3])
    at_column = header.index("prevented_criminal_people")
    assert (total[at_column], peoples[at_column]) == ("7", "7")
    assert peoples[header.index("prevented_fight_cases")] == "1"


def test_the_xlsx_figures_sheet_has_what_was_prevented_in_chinese(login, closed):
    import io

    from openpyxl import load_workbook

    response = login(closed["mediator"]).get(
        "/stats/export.xlsx?start=2026-10-01&end=2026-10-31")
    sheet = load_workbook(io.BytesIO(response.data))["调解统计"]
    header = [cell.value for cell in sheet[4]]
    total = [cell.value for cell in sheet[5]]
    assert total[header.index("防止民转刑案件（件）")] == 1
    assert total[header.index("防止民转刑案件（人）")] == 3


def test_the_statistics_api_refuses_an_end_before_this_months_start_given_alone(
        make, client, closed):
    secret = make.token(closed["mediator"])
    response = client.get("/api/v1/statistics?to=2000-01-01", headers=_auth(secret))
    assert response.status_code == 422 and "to" in response.get_json()["fields"]
