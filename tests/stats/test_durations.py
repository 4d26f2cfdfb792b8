"""Days from 受理 to 办结: the median and 90th percentile computed in SQL from the rollups
equal a Python reference computed from the handlings themselves (statistics.median and
statistics.quantiles(method="inclusive"), i.e. linear interpolation between closest
ranks), on random worlds, per channel, institution and dispute type, for several periods
and scopes."""

import statistics
from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy import select

from mediation_app.casefile.models import Case, Handling
from mediation_app.directory.models import Institution, Region
from mediation_app.stats import maintenance, rollups
from mediation_app.stats.definitions import Period
from mediation_app.stats.maintenance import local_day
from mediation_app.stats.queries import Scope

from .test_figures import _mediate, at
from .test_rollups import PERIODS, build_world


def _p90(days: list[int]) -> float:
    if len(days) == 1:
        return float(days[0])
    return statistics.quantiles(days, n=10, method="inclusive")[8]


def reference(session, period: Period, scope: Scope) -> dict:
    """{grouping: {key: (count, median, p90)}} from the raw handlings, in Python."""
    regions = dict(session.execute(select(Region.id, Region.path)).all())
    codes = dict(session.execute(select(Institution.id, Institution.code)).all())
    rows = session.execute(
        select(Handling.channel, Handling.institution_id, Handling.accepted_at,
               Handling.concluded_at, Case.dispute_type, Case.region_id)
        .join(Case, Case.id == Handling.case_id)
        .where(Handling.is_mediation.is_(True), Handling.outcome.in_(("success", "failure")),
               Handling.accepted_at.is_not(None)))
    days = defaultdict(lambda: defaultdict(list))
    for channel, institution_id, accepted, concluded, dispute_type, region_id in rows:
        concluded_day = local_day(concluded)
        if not period.start <= concluded_day <= period.end:
            continue
        if scope.region and not regions[region_id].startswith(scope.region.path):
            continue
        if scope.institution_id and institution_id != scope.institution_id:
            continue
        if scope.channel and channel != scope.channel:
            continue
        if scope.dispute_type and dispute_type != scope.dispute_type:
            continue
        taken = (concluded_day - local_day(accepted)).days
        days[None][None].append(taken)
        days["channel"][channel].append(taken)
        days["institution"][codes[institution_id]].append(taken)
        days["dispute_type"][dispute_type].append(taken)
    return {grouping: {key: (len(found), float(statistics.median(found)), _p90(found))
                       for key, found in keyed.items()}
            for grouping, keyed in days.items()}


def _served(session, period, scope) -> dict:
    found = rollups.durations(session, period, scope)
    return {grouping: {key: (d.count, d.median, d.p90) for key, d in keyed.items()
                       if d.count}
            for grouping, keyed in found.items() if any(d.count for d in keyed.values())}


@pytest.mark.parametrize("seed", [4, 5])
def test_durations_equal_the_python_reference_on_random_worlds(make, session, seed):
    _rng, district, towns, institutions = build_world(make, seed, n_cases=160)
    maintenance.rebuild(session)
    scopes = [Scope(region=district), Scope(region=towns[0]),
              Scope(region=district, institution_id=institutions[0][0]),
              Scope(region=district, channel="peoples"),
              Scope(region=district, dispute_type="labour")]
    compared = 0
    for period in (*PERIODS, Period(date(2026, 8, 1), date(2027, 1, 31))):
        for scope in scopes:
            expected = reference(session, period, scope)
            assert _served(session, period, scope) == expected, (period, scope)
            compared += sum(len(keyed) for keyed in expected.values())
    assert compared > 50        # the worlds are not empty


def test_the_percentiles_interpolate_between_closest_ranks(make, session):
    """Four handlings of 1, 2, 3 and 10 days: median (2 + 3) / 2 = 2.5; 90th percentile at
    position (4 - 1) * 0.9 = 2.7, i.e. 3 + 0.7 * (10 - 3) = 7.9."""
    district = make.district()
    mediator = make.user(institution=make.institution(region=district))
    for taken in (1, 2, 3, 10):
        case = make.case(by=mediator, now=at(10, 1))
        _mediate(make, case, mediator, accepted=at(10, 1), concluded=at(10, 1 + taken),
                 outcome="close_failure")
    found = rollups.durations(session, Period(date(2026, 10, 1), date(2026, 10, 31)),
                              Scope(region=district))
    assert found[None][None] == rollups.Durations(4, 2.5, 7.9)


def test_the_page_shows_the_durations_of_the_readers_jurisdiction_by_channel(
        make, session, login):
    """A mediator reads the figures of their own institution only: the other committee's
    slow case is not in their median."""
    district = make.district()
    own, other = make.institution(region=district), make.institution(region=district)
    mediator, stranger = make.user(institution=own), make.user(institution=other)
    for who, taken in ((mediator, 2), (mediator, 4), (stranger, 20)):
        case = make.case(by=who, now=at(10, 1))
        _mediate(make, case, who, accepted=at(10, 1), concluded=at(10, 1 + taken),
                 outcome="close_failure")
    make.commit()
    html = login(mediator).get("/stats/?start=2026-10-01&end=2026-10-31") \
        .get_data(as_text=True)
    card = html[html.index("受理至办结用时中位数"):][:300]
    assert "3.0 天" in card and "3.8 天" in card          # 2 and 4 days: p90 2 + 0.9 * 2
    table = html[html.index('<section class="card durations">'):]
    assert "<th>人民调解</th><td>2</td><td>3.0 天</td><td>3.8 天</td>" in table
    assert "20" not in table.split("</table>")[0]
