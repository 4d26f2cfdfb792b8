"""The case list, the case page and filing run a fixed number of SQL statements however
many cases, parties, sessions and events there are: an N+1 fails here when it appears.
Issue 13 aims at list ≤ 5, page ≤ 8, filing ≤ 8; counted with SQLite, where BEGIN is one
more statement than on PostgreSQL."""

from mediation_app.db import utcnow
from mediation_app.extensions import db
from mediation_app.handlings.services import fire_transition

from ..statements import counted
from .test_views import _filing_form

LIST_CEILING = 4    # BEGIN; the user with institution, region and unread count; the page
                    # with its capped total; supervision badges
PAGE_CEILING = 17   # BEGIN, the user, the case with its handlings and their workflows, events,
                    # parties, attachments, the region's lineage; once each: sessions,
                    # agreements, documents, 回访 (also the guards' facts), referrals, outcome
                    # reports, the court period, supervision orders, warnings and badges
FILING_CEILING = 15  # BEGIN, the user; the counter upsert; the case, its filing event and
                     # audit head; the stored workflow, the handling, its deadline, the case's
                     # and the head's update, the opening event; the warning rules' reads


def _statements(app, request) -> list[str]:
    """Each request in its own application context, hence its own database session, as
    in production (the test's session would otherwise lend it objects already loaded).
    The test's own transaction is ended first: on SQLite it would hold the write lock."""
    db.session.rollback()
    with app.app_context():
        request()   # warm: the first request of a process loads what later ones keep
    with app.app_context(), counted(app) as statements:
        request()
    return statements


def _in_mediation(make, mediator, *, parties: int, sessions: int):
    case = make.case(by=mediator, parties=[make.party() for _ in range(parties)])
    fire_transition(make.session, case, "accept", actor=mediator, now=utcnow())
    fire_transition(make.session, case, "start_mediation", actor=mediator, now=utcnow())
    for _ in range(sessions):
        make.session_record(case, mediator)
    return case


def _filing_form_with(region_id, parties: int) -> dict:
    form = _filing_form(region_id)
    for n in range(2, parties):
        form.update({f"parties-{n}-role": "respondent", f"parties-{n}-kind": "person",
                     f"parties-{n}-name": f"当事人{n}", f"parties-{n}-sex": "male"})
    return form


def test_the_case_list_runs_as_many_statements_for_20_cases_as_for_3(app, make, login):
    mediator = make.user()
    for _ in range(3):
        make.case(by=mediator)
    make.commit()
    client = login(mediator)
    few = len(_statements(app, lambda: client.get("/cases/")))
    for _ in range(17):
        make.case(by=mediator)
    make.commit()
    many = len(_statements(app, lambda: client.get("/cases/")))
    assert many == few <= LIST_CEILING


def test_the_case_page_runs_as_many_statements_however_busy_the_case(app, make, login):
    mediator = make.user()
    quiet = _in_mediation(make, mediator, parties=2, sessions=1)
    busy = _in_mediation(make, mediator, parties=8, sessions=5)
    make.commit()
    client = login(mediator)
    quiet_page, busy_page = f"/cases/{quiet.id}", f"/cases/{busy.id}"
    on_quiet = len(_statements(app, lambda: client.get(quiet_page)))
    on_busy = len(_statements(app, lambda: client.get(busy_page)))
    assert on_busy == on_quiet <= PAGE_CEILING


def test_filing_runs_as_many_statements_for_4_parties_as_for_2(app, make, login):
    """Apart from the parties' own INSERTs, which SQLite's driver sends one by one (on
    PostgreSQL they are one statement). Five parties or more would add a group warning."""
    mediator = make.user()
    make.commit()
    client = login(mediator)
    region_id = mediator.institution.region_id

    def filing(parties: int) -> list[str]:
        form = _filing_form_with(region_id, parties)
        return [statement for statement in
                _statements(app, lambda: client.post("/cases/new", data=form))
                if not statement.startswith("INSERT INTO parties")]

    assert len(filing(4)) == len(filing(2)) <= FILING_CEILING
