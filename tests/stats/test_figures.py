"""Hand-computed figures for October 2026 (DESIGN.md §5) on a small district.

At the committee (people's mediation):
  A  accepted 10-03, agreement 1,000.00, success 10-10 (2 parties)
  B  accepted 10-05, failure 10-12 (3 parties)
  W  accepted 10-07, withdrawn 10-08
  R  filed by the police 10-01 and accepted there 10-02, referred (公调对接) 10-03,
     accepted by the committee 10-04 and there 10-05, agreement 500.00, success 10-15
  N  a new neighbour dispute of A's applicant, accepted 10-21: A's success is not durable
  O  accepted 09-21 (30-day deadline 10-21), still in mediation: overdue at the month end
  S  success in September: not October's

October: received 6 (A B W Rpolice Rcommittee N), concluded 3, success 2 (A, R at the
committee: R counts once, for people's mediation), failure 1, withdrawn 1 (not concluded),
transferred 1 (R at the police), success rate 66.67, parties 2+3+2 = 7, agreement amount
1,500.00, overdue 1 (O), durable successes 1 (R)."""

import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from mediation_app.handlings.catalog import catalog
from mediation_app.handlings.services import fire_transition
from mediation_app.referrals.services import accept_referral, send_referral
from mediation_app.stats.definitions import Period
from mediation_app.stats.queries import Scope, referral_statistics, statistics

from ..factories import id_number, reason_for

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))
NOW = datetime(2026, 11, 15, 4, 0)


def at(month: int, day: int) -> datetime:
    """Noon in Beijing, as naive UTC."""
    return datetime(2026, month, day, 4, 0)


def _mediate(make, case, mediator, *, accepted, concluded, outcome, amount=None):
    fire_transition(make.session, case, "accept", actor=mediator, now=accepted)
    if outcome == "withdraw":
        fire_transition(make.session, case, "withdraw", actor=mediator, now=concluded,
                        reason="applicant_withdraws")
        return
    fire_transition(make.session, case, "start_mediation", actor=mediator, now=accepted)
    if outcome is None:
        return
    make.session_record(case, mediator)
    if outcome == "close_success":
        agreement = make.agreement(case, mediator, amount=amount)
        make.sign_everyone(agreement, case, mediator, now=concluded)
    fire_transition(make.session, case, outcome, actor=mediator, now=concluded,
                    reason=reason_for(case, outcome))


@pytest.fixture
def district(make):
    region = make.district()
    committee = make.institution(region=region)
    police = make.institution(kind="police", region=region)
    mediator = make.user(institution=committee)
    officer = make.user(role="liaison", institution=police)
    repeat_person = id_number(birth="19700101")

    a = make.case(by=mediator, now=at(10, 2), parties=[
        make.party(id_number=repeat_person), make.party("respondent")])
    _mediate(make, a, mediator, accepted=at(10, 3), concluded=at(10, 10),
             outcome="close_success", amount=Decimal("1000.00"))
    b = make.case(by=mediator, now=at(10, 4), parties=[
        make.party(), make.party("respondent"), make.party("third_party")])
    _mediate(make, b, mediator, accepted=at(10, 5), concluded=at(10, 12), outcome="close_failure")
    w = make.case(by=mediator, now=at(10, 6))
    _mediate(make, w, mediator, accepted=at(10, 7), concluded=at(10, 8), outcome="withdraw")

    r = make.case(by=officer, now=at(10, 1))
    make.examined_for_police_mediation(r, officer)
    fire_transition(make.session, r, "accept", actor=officer, now=at(10, 2))
    referral = send_referral(make.session, catalog(), r, kind="police_mediation",
                             to_institution=committee, reason="公调对接", actor=officer,
                             now=at(10, 3), accept_working_days=3)
    accept_referral(make.session, catalog(), referral, actor=mediator, now=at(10, 4))
    _mediate(make, r, mediator, accepted=at(10, 5), concluded=at(10, 15),
             outcome="close_success", amount=Decimal("500.00"))

    n = make.case(by=mediator, now=at(10, 20), parties=[
        make.party(id_number=repeat_person), make.party("respondent")])
    fire_transition(make.session, n, "accept", actor=mediator, now=at(10, 21))
    o = make.case(by=mediator, now=at(9, 20))
    _mediate(make, o, mediator, accepted=at(9, 21), concluded=None, outcome=None)
    s = make.case(by=mediator, now=at(9, 1))
    _mediate(make, s, mediator, accepted=at(9, 2), concluded=at(9, 25),
             outcome="close_success", amount=Decimal("9999.00"))
    make.commit()
    return region


def _october(session, region, group=None):
    return statistics(session, OCTOBER, Scope(region=region), group=group, now=NOW)


def test_received_counts_handlings_accepted_in_the_period(session, district):
    assert _october(session, district).totals.received == 6


def test_concluded_is_success_plus_failure_and_leaves_out_withdrawn(session, district):
    totals = _october(session, district).totals
    assert (totals.concluded, totals.success, totals.failure, totals.withdrawn) == (3, 2, 1, 1)


def test_a_referred_case_succeeds_once_for_the_receiving_channel(session, district):
    by_channel = dict(_october(session, district, "channel").groups)
    assert by_channel["peoples"].success == 2
    assert (by_channel["administrative"].success, by_channel["administrative"].transferred) \
        == (0, 1)


def test_success_rate_is_rounded_half_up_to_two_decimals(session, district):
    assert _october(session, district).totals.success_rate == Decimal("66.67")


def test_parties_count_the_people_of_concluded_cases(session, district):
    assert _october(session, district).totals.parties == 7


def test_agreement_amount_sums_successful_agreements(session, district):
    assert _october(session, district).totals.agreement_amount == Decimal("1500.00")


def test_overdue_counts_open_handlings_past_deadline_at_the_period_end(session, district):
    assert _october(session, district).totals.overdue == 1


def test_a_success_followed_by_a_new_case_between_the_same_people_is_not_durable(session,
                                                                                district):
    totals = _october(session, district).totals
    assert (totals.durable_success, totals.durable_success_rate) == (1, Decimal("33.33"))


def test_a_period_without_conclusions_has_no_success_rate(session, district):
    quiet = statistics(session, Period(date(2026, 8, 1), date(2026, 8, 31)),
                       Scope(region=district), now=NOW)
    assert quiet.totals.concluded == 0 and quiet.totals.success_rate is None


def test_grouping_by_month_puts_each_figure_in_its_own_month(session, district):
    report = statistics(session, Period(date(2026, 9, 1), date(2026, 10, 31)),
                        Scope(region=district), group="month", now=NOW)
    months = dict(report.groups)
    assert (months["2026-09"].received, months["2026-09"].success) == (2, 1)
    assert (months["2026-10"].received, months["2026-10"].success) == (6, 2)


def test_referral_figures_count_the_police_to_committee_pair(session, district):
    [figures] = referral_statistics(session, OCTOBER, Scope(region=district), now=NOW)
    assert (figures.kind, figures.from_kind, figures.to_kind) == \
        ("police_mediation", "police", "peoples_committee")
    assert (figures.sent, figures.accepted, figures.pending) == (1, 1, 0)
    assert figures.median_hours_to_accept == 24.0


def test_the_stats_command_prints_the_json_of_the_design(app, district):
    region_code = district.code
    result = app.test_cli_runner().invoke(args=[
        "stats", "--from", "2026-10-01", "--to", "2026-10-31", "--region", region_code,
        "--by", "channel", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["from"] == "2026-10-01" and document["to"] == "2026-10-31"
    assert document["totals"] == {
        "received": 6, "concluded": 3, "success": 2, "failure": 1, "withdrawn": 1,
        "transferred": 1, "success_rate": 66.67, "parties": 7, "agreement_amount": 1500.0,
        "overdue": 1}
    assert [group["key"] for group in document["groups"]] == ["administrative", "peoples"]
    assert '"agreement_amount": 1500.00' in result.output
