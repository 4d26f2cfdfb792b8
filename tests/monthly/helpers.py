"""A district with a committee reader and a month (October 2026) of cases: successes,
a failure, an overdue case and two 群体性 cases, plus the same month a year earlier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from mediation_app.audit.services import record_event
from mediation_app.casefile.models import Case, Handling
from mediation_app.handlings.history import deadline_given
from mediation_app.handlings.services import fire_transition
from mediation_app.monthly.models import MonthlyReport

from ..factories import Factories

MONTH = "2026-10"
# 02:00 on 1 November 2026 in China, as naive UTC: when the scheduler makes October's report
RUN_AT = datetime(2026, 10, 31, 18, 0)


@dataclass
class World:
    city_id: int
    district_id: int
    district_code: str
    town_code: str
    other_district_code: str
    reader_id: int
    mediator_id: int
    admin_id: int
    city_admin_id: int
    case_ids: dict


def at(day: int, hour: int = 9, month: int = 10, year: int = 2026) -> datetime:
    """A time in the test month (naive UTC)."""
    return datetime(year, month, day, hour, 0)


def accepted_case(make: Factories, mediator, when: datetime, **overrides) -> Case:
    overrides.setdefault("received_on", when.date())
    case = make.case(by=mediator, now=when, **overrides)
    fire_transition(make.session, case, "accept", actor=mediator, now=when)
    return case


def conclude(session, case: Case, outcome: str, when: datetime,
             amount: Decimal | None = None) -> None:
    """Record an outcome directly (the statistics read only the handling's columns), with
    the audit event every change to a case appends."""
    handling = case.handlings[-1]
    handling.outcome, handling.state, handling.concluded_at = outcome, outcome, when
    handling.agreement_amount = amount if outcome == "success" else None
    case.state, case.closed_at = outcome, when
    session.flush()
    record_event(session, case, "handling.transition", actor=None, now=when,
                 changes={"state": [None, outcome]})
    session.flush()


def build_world(make: Factories, *, cases: bool = True) -> World:
    city = make.region(level="city", name="淮安市")
    district = make.region(level="district", parent=city, name="清江浦区")
    town = make.region(level="town", parent=district, name="浦楼街道")
    other = make.region(level="district", parent=city, name="淮阴区")
    politics = make.institution(kind="committee", region=district, name="清江浦区委政法委")
    city_politics = make.institution(kind="committee", region=city, name="淮安市委政法委")
    committee = make.institution(region=town, name="浦楼街道人民调解委员会")
    reader = make.user(role="committee", institution=politics)
    mediator = make.user(role="mediator", institution=committee)
    admin = make.user(role="admin", institution=politics)
    city_admin = make.user(role="admin", institution=city_politics)
    ids = {}
    if cases:
        ids = _october(make, mediator, town, other)
    world = World(city_id=city.id, district_id=district.id, district_code=district.code,
                  town_code=town.code, other_district_code=other.code, reader_id=reader.id,
                  mediator_id=mediator.id, admin_id=admin.id, city_admin_id=city_admin.id,
                  case_ids=ids)
    make.commit()  # and read nothing more: on SQLite a transaction would lock out the jobs
    return world


def _october(make: Factories, mediator, town, other) -> dict:
    session = make.session
    won = accepted_case(make, mediator, at(3), dispute_type="neighbour")
    conclude(session, won, "success", at(12), Decimal("1200.50"))
    won_too = accepted_case(make, mediator, at(4), dispute_type="loan")
    conclude(session, won_too, "success", at(20), Decimal("30000.00"))
    lost = accepted_case(make, mediator, at(5), dispute_type="loan")
    conclude(session, lost, "failure", at(25))
    late = accepted_case(make, mediator, at(6), dispute_type="property")
    late_handling = late.handlings[-1]         # given a shorter deadline on the day
    deadline_given(session, late_handling, at(16), now=at(6))
    late_handling.deadline_at = at(16)
    group = accepted_case(make, mediator, at(7), dispute_type="labour",
                          parties=[make.party("applicant") for _ in range(5)]
                          + [make.party("respondent")])
    major = accepted_case(make, mediator, at(8), dispute_type="demolition",
                          parties=[make.party("applicant") for _ in range(30)]
                          + [make.party("respondent")])
    pending = accepted_case(make, mediator, at(9), dispute_type="neighbour")
    year_ago = accepted_case(make, mediator, at(2, year=2025), dispute_type="neighbour",
                             received_on=date(2025, 10, 2))
    conclude(session, year_ago, "success", at(9, year=2025), Decimal("800.00"))
    session.flush()
    return {"won": won.id, "won_too": won_too.id, "lost": lost.id, "late": late.id,
            "group": group.id, "major": major.id, "pending": pending.id,
            "year_ago": year_ago.id}


def handling_of(session, case_id: int) -> Handling:
    return session.scalars(select(Handling).where(Handling.case_id == case_id)
                           .order_by(Handling.id.desc())).first()


def archive(session, storage, region_id: int, month: str, version: int = 1,
            **extra) -> MonthlyReport:
    """An archived report row with a stand-in PDF (for pages and jobs that only list)."""
    content = f"%PDF-1.7 stand-in {region_id} {month} {version}".encode()
    key, digest = storage.put("reports", content)
    report = MonthlyReport(region_id=region_id, month=month, version=version,
                           figures=extra.pop("figures", STAND_IN_FIGURES), changes=[],
                           reason=extra.pop("reason", None if version == 1 else "补录"),
                           storage_key=key, sha256=digest, size=len(content),
                           generated_at=RUN_AT, **extra)
    session.add(report)
    session.flush()
    return report


STAND_IN_FIGURES = {"totals": {"received": 4, "success": 2, "success_rate": "66.67"}}
