from datetime import datetime

from sqlalchemy import select, update

from mediation_app.audit.models import CaseEvent
from mediation_app.audit.services import verify_chains
from mediation_app.cases import services


def _edited_case(make, session):
    mediator = make.user()
    case = make.case(by=mediator)
    services.update_case(session, case, {"summary": "改一"}, actor=mediator, now=datetime.now())
    services.update_case(session, case, {"summary": "改二"}, actor=mediator, now=datetime.now())
    make.commit()
    return case


def _events(session, case):
    return session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                           .order_by(CaseEvent.seq)).all()


def test_each_event_carries_the_previous_events_hash(make, session):
    events = _events(session, _edited_case(make, session))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:]))


def test_an_intact_chain_verifies(make, session):
    case = _edited_case(make, session)
    assert verify_chains(session) == (len(_events(session, case)), None)


def test_an_altered_event_is_named_as_the_first_broken_entry(make, session):
    case = _edited_case(make, session)
    second = _events(session, case)[1]
    session.execute(update(CaseEvent).where(CaseEvent.id == second.id)
                    .values(data={"changes": {"summary": ["改一", "篡改"]}}))
    session.commit()
    checked, broken = verify_chains(session)
    assert (checked, broken.event_id, broken.seq) == (1, second.id, 2)
    assert "altered" in broken.reason


def test_a_deleted_event_breaks_the_chain(make, session):
    case = _edited_case(make, session)
    session.execute(CaseEvent.__table__.delete().where(CaseEvent.id == _events(session, case)[1].id))
    session.commit()
    assert "missing" in verify_chains(session)[1].reason


def test_audit_verify_command_exits_1_naming_the_broken_event(make, session, app):
    case = _edited_case(make, session)
    first = _events(session, case)[0]
    session.execute(update(CaseEvent).where(CaseEvent.id == first.id).values(action="case.forged"))
    session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"event {first.id}" in result.output


def test_audit_verify_command_reports_an_intact_chain(make, session, app):
    count = len(_events(session, _edited_case(make, session)))
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and f"{count} events" in result.output
