"""`flask report monthly --month YYYY-MM [--region CODE] [--out FILE]` (DESIGN.md §7)."""

import hashlib

from sqlalchemy import select

from mediation_app.monthly.models import MonthlyReport

from .helpers import MONTH, build_world


def _invoke(app, *args):
    return app.test_cli_runner().invoke(args=["report", "monthly", *args])


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_report_monthly_writes_the_pdf_and_exits_0(monthly_app, make, session, tmp_path):
    world = build_world(make)
    out = tmp_path / "october.pdf"
    result = _invoke(monthly_app, "--month", MONTH, "--region", world.district_code,
                     "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    report = session.scalar(select(MonthlyReport))
    assert report.sha256 == _sha(out) and report.generated_by_id is None


def test_an_archived_month_is_written_as_it_is(monthly_app, make, session, tmp_path):
    world = build_world(make, cases=False)
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    _invoke(monthly_app, "--month", MONTH, "--region", world.district_code, "--out", str(first))
    result = _invoke(monthly_app, "--month", MONTH, "--region", world.district_code,
                     "--out", str(second))
    assert result.exit_code == 0 and "already archived" in result.output
    assert _sha(first) == _sha(second)
    assert len(session.scalars(select(MonthlyReport)).all()) == 1


def test_regenerate_makes_a_new_version_with_its_reason(monthly_app, make, session, tmp_path):
    world = build_world(make, cases=False)
    _invoke(monthly_app, "--month", MONTH, "--region", world.district_code)
    refused = _invoke(monthly_app, "--month", MONTH, "--region", world.district_code,
                      "--regenerate")
    assert refused.exit_code != 0 and "--reason" in refused.output
    result = _invoke(monthly_app, "--month", MONTH, "--region", world.district_code,
                     "--regenerate", "--reason", "区划调整后重算", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    newest = session.scalar(select(MonthlyReport).order_by(MonthlyReport.version.desc()))
    assert (newest.version, newest.reason) == (2, "区划调整后重算")
    assert (tmp_path / newest.filename).read_bytes().startswith(b"%PDF")


def test_without_region_every_region_with_readers_gets_its_report(monthly_app, make, session,
                                                                 tmp_path):
    world = build_world(make, cases=False)
    out = tmp_path / "only.pdf"
    result = _invoke(monthly_app, "--month", MONTH, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"{world.district_code} {MONTH}: generated" in result.output
    assert out.read_bytes().startswith(b"%PDF")


def test_a_badly_written_month_exits_non_zero_saying_how_to_write_it(monthly_app):
    result = _invoke(monthly_app, "--month", "2026/10")
    assert result.exit_code != 0
    assert "YYYY-MM" in result.output and "--month" in result.output


def test_a_month_not_yet_over_is_refused(monthly_app):
    result = _invoke(monthly_app, "--month", "2099-01")
    assert result.exit_code != 0 and "has not ended yet" in result.output


def test_an_unknown_region_is_refused(monthly_app):
    result = _invoke(monthly_app, "--month", MONTH, "--region", "NOWHERE")
    assert result.exit_code != 0 and "NOWHERE" in result.output
