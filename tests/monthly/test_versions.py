"""Figures are frozen: a late edit changes nothing until an admin makes a new version,
which says what changed and why."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from mediation_app.auth.models import User
from mediation_app.casefile.models import Case
from mediation_app.monthly.models import MonthlyReport
from mediation_app.monthly.services import ReportError, parse_month

from .helpers import MONTH, RUN_AT, at, build_world, conclude
from .test_report_pdf import generate, read_pdf


def _late_success(session, world):
    """The pending case turns out to have succeeded on 28 October, entered in November."""
    conclude(session, session.get(Case, world.case_ids["pending"]), "success", at(28),
             Decimal("500.00"))
    session.commit()


def test_a_late_edit_leaves_the_archived_figures_and_pdf_as_they_were(app, session, make):
    world = build_world(make)
    first = generate(app, session, world)
    frozen, pdf = dict(first.figures), read_pdf(app, first)
    _late_success(session, world)
    session.expire_all()
    again = session.get(MonthlyReport, first.id)
    assert again.figures == frozen and read_pdf(app, again) == pdf


def test_regenerating_after_a_late_edit_makes_version_two_listing_the_changes(
        app, session, make, pdf_text):
    world = build_world(make)
    first = generate(app, session, world)
    first_id, first_sha = first.id, first.sha256
    _late_success(session, world)
    second = generate(app, session, world, reason="浦楼调委会补录10月28日调解成功案件",
                      actor=session.get(User, world.admin_id))
    assert second.version == 2 and second.generated_by_id == world.admin_id
    assert second.reason == "浦楼调委会补录10月28日调解成功案件"
    changed = {item["field"]: (item["old"], item["new"]) for item in second.changes}
    assert changed["totals.success"] == (2, 3)
    assert changed["totals.agreement_amount"] == ("31200.50", "31700.50")
    assert changed["channel:peoples.success"] == (2, 3)
    assert changed["dispute_type:neighbour.success"] == (1, 2)
    assert "totals.received" not in changed
    labels = {item["field"]: item["label"] for item in second.changes}
    assert labels["channel:peoples.success"] == "人民调解 · 调解成功"
    text = pdf_text(read_pdf(app, second))
    assert "第2版" in text and "浦楼调委会补录10月28日调解成功案件" in text
    assert "全部 · 调解成功：2 → 3" in text
    assert session.get(MonthlyReport, first_id).sha256 == first_sha


def test_a_new_version_needs_a_reason(app, session, make):
    world = build_world(make, cases=False)
    generate(app, session, world)
    with pytest.raises(ReportError, match="reason"):
        generate(app, session, world, reason="  ")
    session.rollback()
    assert len(session.scalars(select(MonthlyReport)).all()) == 1


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "October", "", "2026-10-01"])
def test_a_badly_written_month_is_refused(month):
    with pytest.raises(ReportError, match="YYYY-MM"):
        parse_month(month, now=RUN_AT)


def test_a_month_not_yet_over_is_refused(app, session, make):
    world = build_world(make, cases=False)
    with pytest.raises(ReportError, match="not ended"):
        generate(app, session, world, now=at(31, hour=15))
    assert parse_month(MONTH, now=at(31, hour=16)) == MONTH  # midnight in China
