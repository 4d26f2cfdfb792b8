from datetime import datetime
from decimal import Decimal

from mediation_app.handlings.services import fire_transition
from mediation_app.subsidy.services import statement

from .factories import reason_for

CONFIG = {"SUBSIDY_RATES": {"success": {"simple": 100, "normal": 200, "complex": 400},
                            "failure": {"simple": 30, "normal": 50, "complex": 80}},
          "SUBSIDY_COMPLEX": {"parties": 5, "amount": 100000}, "SUBSIDY_SIMPLE_AMOUNT": 10000}


def _concluded(make, mediator, *, outcome, amount, parties=2, day=10):
    when = datetime(2026, 10, day, 4, 0)
    case = make.case(by=mediator, now=when, amount=amount, assigned_mediator=mediator,
                     parties=[make.party() for _ in range(parties)])
    fire_transition(make.session, case, "accept", actor=mediator, now=when)
    fire_transition(make.session, case, "start_mediation", actor=mediator, now=when)
    make.session_record(case, mediator)
    if outcome == "close_success":
        make.sign_everyone(make.agreement(case, mediator), case, mediator, now=when)
    fire_transition(make.session, case, outcome, actor=mediator, now=when,
                    reason=reason_for(case, outcome))


def test_the_statement_multiplies_cases_by_outcome_and_difficulty_rates(make, session):
    mediator = make.user()
    _concluded(make, mediator, outcome="close_success", amount=Decimal("500"))        # simple
    _concluded(make, mediator, outcome="close_success", amount=Decimal("50000"))      # normal
    _concluded(make, mediator, outcome="close_success", amount=None, parties=6)       # complex
    _concluded(make, mediator, outcome="close_failure", amount=Decimal("500"))        # simple
    [line] = statement(session, institution_ids=[mediator.institution_id], month="2026-10",
                       config=CONFIG)
    assert line.counts == {("success", "simple"): 1, ("success", "normal"): 1,
                           ("success", "complex"): 1, ("failure", "simple"): 1}
    assert (line.cases, line.amount) == (4, Decimal("730"))


def test_other_months_are_left_out(make, session):
    mediator = make.user()
    _concluded(make, mediator, outcome="close_success", amount=None, day=10)
    assert statement(session, institution_ids=[mediator.institution_id], month="2026-09",
                     config=CONFIG) == []


def test_the_statement_downloads_as_csv_xlsx_and_pdf(make, login):
    mediator = make.user()
    _concluded(make, mediator, outcome="close_success", amount=None)
    make.commit()
    client = login(mediator)
    csv = client.get("/subsidy/statement.csv?month=2026-10")
    assert csv.status_code == 200 and mediator.display_name in csv.get_data(as_text=True)
    assert client.get("/subsidy/statement.xlsx?month=2026-10").data[:2] == b"PK"
    assert client.get("/subsidy/statement.pdf?month=2026-10").data[:4] == b"%PDF"
