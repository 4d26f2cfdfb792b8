from sqlalchemy import func, select

from mediation_app.agreements.models import Agreement
from mediation_app.auth.models import User
from mediation_app.casefile.models import Case, Handling, Referral
from mediation_app.db import utcnow
from mediation_app.directory.models import Institution, Region
from mediation_app.documents.models import Document
from mediation_app.monthly.jobs import last_complete_month
from mediation_app.monthly.models import MonthlyReport


def _invoke(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


REGIONS = """code,name,level,parent_code
3208,淮安市,city,
320812,清江浦区,district,3208
320812001,浦楼街道,town,320812
"""


def test_regions_import_builds_the_tree(app, session, tmp_path):
    result = _invoke(app, "regions", "import", _write(tmp_path, "r.csv", REGIONS))
    assert result.exit_code == 0, result.output
    town = session.scalar(select(Region).where(Region.code == "320812001"))
    assert town.full_name() == "淮安市 / 清江浦区 / 浦楼街道"


def test_regions_import_is_all_or_nothing_and_names_each_bad_row(app, session, tmp_path):
    bad = REGIONS + "x1,坏村,village,nowhere\n,无名,town,320812\n"
    result = _invoke(app, "regions", "import", _write(tmp_path, "r.csv", bad))
    assert result.exit_code == 1
    assert "row 5, column parent_code" in result.output and "row 6, column code" in result.output
    assert session.scalar(select(func.count()).select_from(Region)) == 0


def test_institutions_import_needs_known_regions_and_kinds(app, session, tmp_path):
    _invoke(app, "regions", "import", _write(tmp_path, "r.csv", REGIONS))
    csv = "code,name,kind,region_code\nPL,浦楼调委会,peoples_committee,320812001\nX,某所,bank,320812\n"
    result = _invoke(app, "institutions", "import", _write(tmp_path, "i.csv", csv))
    assert result.exit_code == 1 and "row 3, column kind" in result.output
    assert session.scalar(select(func.count()).select_from(Institution)) == 0


def test_institutions_import_creates_institutions(app, session, tmp_path):
    _invoke(app, "regions", "import", _write(tmp_path, "r.csv", REGIONS))
    csv = "code,name,kind,region_code\nPL,浦楼调委会,peoples_committee,320812001\n"
    assert _invoke(app, "institutions", "import", _write(tmp_path, "i.csv", csv)).exit_code == 0
    assert session.scalar(select(Institution)).region.code == "320812001"


def test_users_create_adds_a_user_who_can_sign_in(app, make, session, client):
    institution = make.institution()
    make.commit()
    result = _invoke(app, "users", "create", "--username", "zhang", "--role", "mediator",
                     "--institution", institution.code, "--password", "long-enough-1")
    assert result.exit_code == 0, result.output
    response = client.post("/login", data={"username": "zhang", "password": "long-enough-1"})
    assert response.status_code == 302


def test_users_create_refuses_an_unknown_institution(app):
    result = _invoke(app, "users", "create", "--username", "zhang", "--role", "mediator",
                     "--institution", "NOPE", "--password", "long-enough-1")
    assert result.exit_code != 0 and "NOPE" in result.output


def test_seed_demo_loads_a_whole_city_once_with_every_state_document_and_referral(app, session,
                                                                                  monkeypatch):
    monkeypatch.setitem(app.config, "MONTHLY_CATCH_UP_MONTHS", 1)
    first = _invoke(app, "seed-demo")
    assert first.exit_code == 0, first.output
    assert _invoke(app, "seed-demo").exit_code == 0
    assert "mediator" in first.output
    assert len(set(session.scalars(select(Institution.kind)))) == 11
    assert len(set(session.scalars(select(User.role)))) == 5
    assert session.scalar(select(func.count()).select_from(Region)) == 15
    states = set(session.scalars(select(Case.state)))
    assert {"registered", "accepted", "mediating", "succeeded", "failed", "withdrawn"} <= states
    outcomes = set(session.scalars(select(Handling.outcome)))
    assert {"success", "failure", "withdrawn", "transferred"} <= outcomes
    kinds = set(session.scalars(select(Document.kind)))
    assert kinds == {"agreement", "failure_notice", "confirmation_application", "ruling"}
    assert session.scalar(select(Agreement).where(Agreement.status == "voided")) is not None
    assert {"accepted", "returned", "pending"} <= set(session.scalars(select(Referral.status)))
    assert session.scalar(select(Case).where(Case.is_flagged.is_(True))) is not None


def test_seed_demo_makes_last_months_report_for_every_committee_region(app, session,
                                                                      monkeypatch):
    """The scheduler's catch-up runs once at seeding: a committee reader finds last month's
    report on the first visit, with no command typed."""
    monkeypatch.setitem(app.config, "MONTHLY_CATCH_UP_MONTHS", 1)
    result = _invoke(app, "seed-demo")
    assert "monthly reports of past months: 2 made, 0 failed" in result.output, result.output
    last_month = last_complete_month(utcnow())
    reported = set(session.execute(select(Region.code, MonthlyReport.month)
                                   .join(MonthlyReport, MonthlyReport.region_id == Region.id)))
    assert reported == {("320800", last_month), ("320812", last_month)}
