"""The statistics page runs a fixed number of SQL statements, however many cases,
institutions, regions and referral pairs there are: one figure set per grouping, the
trend in one statement, the charts drawn from the page's own figures."""

from datetime import datetime

import pytest

from mediation_app.handlings.catalog import catalog
from mediation_app.handlings.services import fire_transition
from mediation_app.referrals.services import send_referral

from ..statements import counted

PAGE = "/stats/?start=2026-10-01&end=2026-10-31&by=institution"
LIMIT = 22      # today 19: sign-in, filters, sync, the figure sets of the page in 3,
#                 referrals, durations, what was prevented, names (read once)


def _busy_month(make, region, n: int):
    """n accepted cases at each of two committees, and a pending referral from the police
    to each."""
    police = make.institution(kind="police", region=region)
    officer = make.user(role="liaison", institution=police)
    for kind in ("peoples_committee", "professional_committee"):   # two referral pairs
        committee = make.institution(kind=kind,
                                     region=make.region(level="town", parent=region))
        mediator = make.user(institution=committee)
        for day in range(1, n + 1):
            case = make.case(by=mediator, now=datetime(2026, 10, day, 4, 0))
            fire_transition(make.session, case, "accept", actor=mediator,
                            now=datetime(2026, 10, day, 5, 0))
        sent = make.case(by=officer, now=datetime(2026, 10, 2, 4, 0))
        make.examined_for_police_mediation(sent, officer)
        fire_transition(make.session, sent, "accept", actor=officer,
                        now=datetime(2026, 10, 2, 5, 0))
        send_referral(make.session, catalog(), sent, kind="police_mediation",
                      to_institution=committee, reason="公调对接", actor=officer,
                      now=datetime(2026, 10, 3, 4, 0), accept_working_days=3)


@pytest.fixture
def reader(make):
    region = make.district()
    user = make.user(role="committee", institution=make.institution(kind="committee",
                                                                   region=region))
    make.commit()
    return user


def _statements_for_page(app, client) -> int:
    client.get(PAGE)                    # the rollups catch up with the new cases first
    with counted(app) as statements:
        response = client.get(PAGE)
    assert response.status_code == 200
    return len(statements)


def test_the_statistics_page_runs_as_many_statements_for_a_busy_month_as_for_a_quiet_one(
        app, make, login, reader):
    client = login(reader)
    quiet = _statements_for_page(app, client)
    _busy_month(make, reader.institution.region, 3)
    make.commit()
    assert _statements_for_page(app, client) == quiet <= LIMIT
