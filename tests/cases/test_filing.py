from datetime import datetime

import pytest
from sqlalchemy import select

from mediation_app.audit.models import CaseEvent
from mediation_app.casefile.models import Case
from mediation_app.cases import services
from mediation_app.domain.idcard import InvalidIdNumber
from mediation_app.handlings.services import HandlingError, fire_transition, start_handling

from ..factories import filing_workflow


def test_filed_case_gets_the_institutions_number_format(make):
    case = make.case(now=datetime(2026, 3, 1))
    assert case.case_no == "（2026）清江浦调字第0001号"


def test_numbers_count_up_per_institution_and_restart_each_year(make):
    mediator = make.user()
    other = make.user()
    first = make.case(by=mediator, now=datetime(2026, 3, 1))
    second = make.case(by=mediator, now=datetime(2026, 3, 2))
    elsewhere = make.case(by=other, now=datetime(2026, 3, 2))
    next_year = make.case(by=mediator, now=datetime(2027, 1, 2))
    assert (first.seq, second.seq, elsewhere.seq, next_year.seq) == (1, 2, 1, 1)
    assert next_year.case_no.startswith("（2027）")


def test_a_rolled_back_filing_gives_its_number_back(make, session):
    mediator = make.user()
    make.commit()
    make.case(by=mediator, now=datetime(2026, 5, 1))
    session.rollback()
    mediator = session.get(type(mediator), mediator.id)
    assert make.case(by=mediator, now=datetime(2026, 5, 1)).seq == 1


def test_filing_opens_a_handling_in_the_institutions_channel(make):
    case = make.case()
    handling = case.current_handling
    assert handling.institution_id == case.holder_institution_id
    assert (handling.channel, handling.state, case.state) == ("peoples", "registered", "registered")
    assert handling.workflow_version.name == "peoples_committee"


def test_filing_counts_the_parties(make):
    case = make.case(parties=[make.party("applicant"), make.party("respondent"),
                              make.party("third_party")])
    assert case.party_count == 3


def test_a_dispute_needs_two_parties(make):
    with pytest.raises(services.CaseError):
        make.case(parties=[make.party()])


def test_an_invalid_id_number_is_refused(make):
    with pytest.raises(InvalidIdNumber):
        make.case(parties=[make.party(id_number="320812198001010000"), make.party()])


def test_filing_is_recorded_in_the_audit_trail_with_masked_ids(make, session):
    case = make.case()
    event = session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id)
                           .order_by(CaseEvent.seq))
    assert event.action == "case.filed"
    assert event.seq == 1
    assert all("*" in party["id_number"] for party in event.data["parties"])


def test_an_edit_records_before_and_after(make, session):
    mediator = make.user()
    case = make.case(by=mediator, summary="旧摘要")
    diff = services.update_case(session, case, {"summary": "新摘要"}, actor=mediator,
                                now=datetime(2026, 6, 1))
    assert diff == {"summary": ["旧摘要", "新摘要"]}
    last = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                           .order_by(CaseEvent.seq.desc())).first()
    assert (last.action, last.data["changes"]) == ("case.updated", {"summary": ["旧摘要", "新摘要"]})


def test_an_institution_that_does_not_hold_the_case_cannot_edit_it(make, session):
    case = make.case()
    outsider = make.user()
    with pytest.raises(services.CaseError):
        services.update_case(session, case, {"summary": "x"}, actor=outsider, now=datetime.now())


def test_a_closed_case_cannot_be_edited(make, session):
    mediator = make.user()
    case = make.case(by=mediator)
    fire_transition(session, case, "accept", actor=mediator, now=datetime.now())
    fire_transition(session, case, "withdraw", actor=mediator, now=datetime.now(),
                    reason="applicant_withdraws")
    assert case.is_closed
    with pytest.raises(services.CaseError):
        services.add_party(session, case, make.party(), actor=mediator, now=datetime.now())


def test_only_one_open_handling_per_case_is_allowed(make, session):
    case = make.case()
    institution = make.institution()
    with pytest.raises(HandlingError):
        start_handling(session, case, institution, filing_workflow(case.filed_by),
                       actor=None, now=datetime.now())


def test_the_database_refuses_a_second_open_handling(make, session):
    from sqlalchemy.exc import IntegrityError

    from mediation_app.casefile.models import Handling

    case = make.case()
    session.add(Handling(case_id=case.id, institution_id=case.holder_institution_id,
                         workflow_version_id=case.current_handling.workflow_version_id,
                         state="registered"))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_a_case_is_found_by_its_number(make, session):
    case = make.case()
    assert session.scalar(select(Case).where(Case.case_no == case.case_no)) is case
