"""The rules of DESIGN.md §8 as the policy answers them."""

from sqlalchemy import select

from mediation_app.access import policy
from mediation_app.casefile.models import Case


def test_the_admin_reads_no_case_data(make, session):
    case = make.case()
    admin = make.user(role="admin", institution=case.holder_institution)
    assert not policy.can_view_case(admin, case)
    assert session.scalars(select(Case).where(policy.visible_cases_clause(admin, session))).all() == []
