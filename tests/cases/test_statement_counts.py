"""The case list, the case page and filing run a fixed number of SQL statements however
many cases, parties, sessions and events there are: an N+1 fails here when it appears.
Counted with SQLite, where BEGIN is one more statement than on PostgreSQL; a failure lists
the statements run, one a line.

Run `pytest -q tests/cases/test_statement_counts.py` with TEST_DATABASE_URL set too."""

from datetime import datetime

from mediation_app.agreements.models import Agreement, MediationSession
from mediation_app.agreements.queries import mediation_record
from mediation_app.audit.models import CaseEvent
from mediation_app.casefile.models import Party
from mediation_app.db import utcnow
from mediation_app.extensions import db
from mediation_app.handlings.prevention import Prevented
from mediation_app.handlings.services import fire_transition
from mediation_app.panels import Rows, read_together
from mediation_app.stats.corrections import correct_prevented
from mediation_app.supervision.models import SupervisionOrder
from mediation_app.warnings.rules import WarningRules
from mediation_app.warnings.services import evaluate

from ..statements import counted, listing
from .test_views import _filing_form

LIST_CEILING = 5    # BEGIN; the user with institution, region and unread count; the page
                    # with its capped total and supervision badges (3 today)
PAGE_CEILING = 4    # BEGIN; the user; the case with its handlings and their workflows; in
                    # one statement the timeline, parties, attachments, the region's lineage
                    # and every panel's lists (sessions, agreements, documents, 回访,
                    # referrals, outcome reports, the court period, supervision orders and
                    # the badges' open orders, warnings, what the mediation prevented)
CONCLUDED_PAGE_CEILING = 7  # besides: the referrals, the courts to confirm before and the
                            # agreement's performance (7 today)
FILING_CEILING = {  # the user; the warning rules' one read, before the counter upsert;
    "postgresql": 8,   # the case; the handling; its deadline; the audit head; both events
    "sqlite": 10,      # in one statement (one each on SQLite, whose driver sends them
}                      # apart); and BEGIN on SQLite: one transaction. The stored workflow
                       # is kept by the process once read


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


def test_the_case_list_runs_at_most_5_statements_for_20_cases_as_for_3(app, make, login):
    mediator = make.user()
    for _ in range(3):
        make.case(by=mediator)
    make.commit()
    client = login(mediator)
    few = _statements(app, lambda: client.get("/cases/"))
    for _ in range(17):
        make.case(by=mediator)
    make.commit()
    many = _statements(app, lambda: client.get("/cases/"))
    assert len(many) == len(few) <= LIST_CEILING, listing(many)


def test_the_case_page_runs_at_most_4_statements_however_busy_the_case(app, make, login):
    """The busy case has eight parties (a group warning), five sessions and an agreement."""
    mediator = make.user()
    quiet = _in_mediation(make, mediator, parties=2, sessions=1)
    busy = _in_mediation(make, mediator, parties=8, sessions=5)
    make.agreement(busy, mediator)
    evaluate(make.session, busy, WarningRules.from_config(app.config), now=utcnow())
    make.commit()
    client = login(mediator)
    quiet_page, busy_page = f"/cases/{quiet.id}", f"/cases/{busy.id}"
    on_quiet = _statements(app, lambda: client.get(quiet_page))
    on_busy = _statements(app, lambda: client.get(busy_page))
    assert len(on_busy) == len(on_quiet) <= PAGE_CEILING, listing(on_busy)


def test_a_concluded_case_pages_badges_and_prevented_figures_add_no_statement(
        app, make, login):
    """Its 挂牌督办 badge, its supervision card (the order, the centre that issued it) and
    what its mediation prevented are read with the panels' lists: the page of a concluded
    case that has them runs as many statements as one without."""
    plain, mediator, _visit = make.visited_case(by=make.user())
    supervised, _, _ = make.visited_case(by=mediator)
    correct_prevented(make.session, supervised, Prevented(criminal_cases=1, criminal_people=3),
                      reason="回访时核实", actor=mediator, now=utcnow())
    centre = make.institution(kind="governance_centre")
    make.session.add(SupervisionOrder(
        case_id=supervised.id, centre_id=centre.id, institution_id=mediator.institution_id,
        source="manual", instruction="请报告进展", due_at=datetime(2099, 1, 1), is_listed=True))
    make.commit()
    centre_name = centre.name
    client = login(mediator)
    pages, plain_page, supervised_page = [], f"/cases/{plain.id}", f"/cases/{supervised.id}"
    on_plain = _statements(app, lambda: client.get(plain_page))
    on_supervised = _statements(app, lambda: pages.append(client.get(supervised_page)))
    assert len(on_supervised) == len(on_plain) <= CONCLUDED_PAGE_CEILING, listing(on_supervised)
    shown = pages[-1].get_data(as_text=True)
    assert "挂牌督办" in shown and centre_name in shown
    assert "<td>1</td><td>3</td>" in shown     # 民转刑: one case, three people


def test_filing_runs_at_most_8_statements_on_postgresql_for_4_parties_as_for_2(
        app, make, login):
    """Apart from the parties' own INSERTs, which SQLite's driver sends one by one (on
    PostgreSQL they are one statement). Five parties or more would add a group warning.
    The case, its handling, deadline and audit trail are written in one flush."""
    mediator = make.user()
    make.commit()
    client = login(mediator)
    region_id = mediator.institution.region_id

    def filing(parties: int) -> list[str]:
        form = _filing_form_with(region_id, parties)
        return [statement for statement in
                _statements(app, lambda: client.post("/cases/new", data=form))
                if not statement.startswith("INSERT INTO parties")]

    with_four = filing(4)
    ceiling = FILING_CEILING[db.engine.dialect.name]
    assert len(with_four) == len(filing(2)) <= ceiling, listing(with_four)


def test_lists_read_together_are_the_lists_read_apart(app, make):
    """The page's one statement gives each list the rows, in the order, of its own query."""
    mediator = make.user()
    busy = _in_mediation(make, mediator, parties=4, sessions=3)
    _in_mediation(make, mediator, parties=3, sessions=2)   # rows that belong to no list
    make.agreement(busy, mediator)
    make.session.flush()
    apart = mediation_record(make.session, busy.id)
    together = read_together(make.session, {
        "parties": Rows(Party, Party.case_id == busy.id, (Party.position.desc(),)),
        "events": Rows(CaseEvent, CaseEvent.case_id == busy.id, (CaseEvent.seq,)),
        "sessions": Rows(MediationSession, MediationSession.case_id == busy.id),
        "agreements": Rows(Agreement, Agreement.case_id == -1),
    })
    assert [p.position for p in together["parties"]] == [3, 2, 1, 0]
    assert [e.seq for e in together["events"]] == list(range(1, len(together["events"]) + 1))
    assert len(together["events"]) > 3
    assert {s.id for s in together["sessions"]} == {s.id for s in apart.sessions}
    assert together["agreements"] == []
