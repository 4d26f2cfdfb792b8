"""Every access rule gives the same answer as a Python predicate on loaded objects and as
an SQL clause, for every user of the demo city and every case in it."""

from sqlalchemy import select

from mediation_app.access import policy
from mediation_app.auth.models import User
from mediation_app.casefile.models import Case
from mediation_app.demo import seed_demo
from mediation_app.handlings.catalog import catalog


def test_every_rule_selects_in_sql_exactly_the_cases_its_predicate_admits(session, issuer):
    """Seeding the demo city takes a while, so one test walks all rules; each rule must also
    admit some cases and refuse others somewhere, so the comparison is not of empty sets."""
    seed_demo(session, catalog=catalog(), issuer=issuer)
    session.flush()
    dialect = session.get_bind().dialect.name
    cases = list(session.scalars(select(Case)))
    users = list(session.scalars(select(User)))
    for rule, condition in policy.CASE_RULES.items():
        sizes = []
        for user in users:
            by_predicate = {case.id for case in cases if condition.test(user, case)}
            by_sql = set(session.scalars(select(Case.id).where(condition.clause(user, dialect))))
            assert by_sql == by_predicate, (rule, user.username)
            sizes.append(len(by_sql))
        assert max(sizes) > 0 and min(sizes) < len(cases), rule
