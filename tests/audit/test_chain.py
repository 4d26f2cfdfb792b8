"""The audit trail: a chain of events per case, keyed with a key kept outside the database
(HMAC), anchored by a sealed head per case and by signed checkpoints outside the database.
Verification names every break, not only the first."""

import hashlib
import json
from datetime import datetime

import pytest
from sqlalchemy import delete, select, update

from mediation_app.audit.checkpoints import write_checkpoint
from mediation_app.audit.models import AuditHead, CaseEvent
from mediation_app.audit.services import verify_chains
from mediation_app.casefile.models import Case
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


def _reasons(report) -> list[str]:
    return [str(broken) for broken in report.breaks]


def test_each_event_carries_the_previous_events_hash(make, session):
    events = _events(session, _edited_case(make, session))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:]))


def test_an_intact_chain_verifies(make, session):
    case = _edited_case(make, session)
    report = verify_chains(session)
    assert report.intact and (report.checked, report.cases) == (len(_events(session, case)), 1)


def test_the_hash_is_keyed_so_a_plain_sha256_of_the_event_does_not_match(make, session):
    event = _events(session, _edited_case(make, session))[0]
    assert event.hash != hashlib.sha256(event.payload().encode()).hexdigest()
    assert event.hash != event.compute_hash(key=b"another key")


def test_an_altered_event_is_named(make, session):
    case = _edited_case(make, session)
    second = _events(session, case)[1]
    session.execute(update(CaseEvent).where(CaseEvent.id == second.id)
                    .values(data={"changes": {"summary": ["改一", "篡改"]}}))
    session.commit()
    assert _reasons(verify_chains(session)) == [
        f"event {second.id} (case {case.id}, seq 2): content does not match its keyed hash "
        "(altered, or not keyed: run audit rekey)"]


def _forge_without_the_key(session, case, event, **values):
    """What an attacker with database access can do: change an event and recompute every
    hash the old way (plain SHA-256) down the chain."""
    session.execute(update(CaseEvent).where(CaseEvent.id == event.id).values(**values))
    session.commit()
    previous = None
    for each in _events(session, case):
        if previous is not None:
            each.prev_hash = previous
        each.hash = hashlib.sha256(each.payload().encode()).hexdigest()
        previous = each.hash
    session.commit()


def test_an_edit_with_every_hash_recomputed_without_the_key_is_caught(make, session):
    case = _edited_case(make, session)
    _forge_without_the_key(session, case, _events(session, case)[1],
                           data={"changes": {"summary": ["改一", "篡改"]}})
    report = verify_chains(session)
    assert {broken.seq for broken in report.breaks if broken.event_id} == {1, 2, 3, 4}


def test_deleting_a_cases_last_events_is_caught_by_its_head(make, session):
    case = _edited_case(make, session)
    events = _events(session, case)
    session.execute(delete(CaseEvent).where(CaseEvent.id.in_([e.id for e in events[-2:]])))
    session.commit()
    assert _reasons(verify_chains(session)) == [
        f"case {case.id}: events {len(events) - 1} to {len(events)} were deleted "
        "(the chain ends early)"]


def test_deleting_a_whole_chain_and_its_head_is_caught_by_the_case_row(make, session):
    case = _edited_case(make, session)
    session.execute(delete(CaseEvent).where(CaseEvent.case_id == case.id))
    session.execute(delete(AuditHead).where(AuditHead.case_id == case.id))
    session.commit()
    assert _reasons(verify_chains(session)) == [
        f"case {case.id}: has no audit events (its chain was deleted)"]


def test_a_checkpoint_outside_the_database_remembers_deleted_chains(make, session, tmp_path):
    case = _edited_case(make, session)
    write_checkpoint(session, tmp_path, now=datetime(2026, 12, 1, 9))
    checkpoint = json.loads(next(tmp_path.glob("*.json")).read_text())
    session.execute(delete(CaseEvent).where(CaseEvent.case_id == case.id))
    session.execute(delete(AuditHead).where(AuditHead.case_id == case.id))
    session.commit()
    reasons = _reasons(verify_chains(session, checkpoint=checkpoint))
    assert f"case {case.id}: its chain (4 events at the checkpoint of 2026-12-01T09:00:00) " \
           "was deleted" in reasons


def test_a_case_row_changed_without_an_event_is_caught(make, session):
    case = _edited_case(make, session)
    session.execute(update(Case).where(Case.id == case.id).values(state="closed_success"))
    session.commit()
    (broken,) = verify_chains(session).breaks
    assert broken.case_id == case.id and "differs from its last event" in broken.reason


def test_every_break_is_reported_not_only_the_first(make, session):
    first, second = _edited_case(make, session), _edited_case(make, session)
    for case in (first, second):
        session.execute(update(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.seq == 1)
                        .values(action="case.forged"))
    session.commit()
    assert {broken.case_id for broken in verify_chains(session).breaks} == {first.id, second.id}


@pytest.fixture
def checkpoints(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_DIR", str(tmp_path / "checkpoints"))
    return tmp_path / "checkpoints"


def test_audit_verify_command_exits_1_naming_every_broken_event(make, session, app, checkpoints):
    first, second = _edited_case(make, session), _edited_case(make, session)
    forged = [_events(session, case)[0] for case in (first, second)]
    for event in forged:
        session.execute(update(CaseEvent).where(CaseEvent.id == event.id).values(action="x"))
    session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert all(f"event {event.id} " in result.output for event in forged)


def test_audit_verify_command_reports_an_intact_chain(make, session, app, checkpoints):
    count = len(_events(session, _edited_case(make, session)))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and f"{count} events" in result.output
    assert "checkpoint of" in result.output


def test_a_forged_checkpoint_fails_verification(make, session, app, checkpoints):
    _edited_case(make, session)
    runner = app.test_cli_runner()
    runner.invoke(args=["audit", "checkpoint"])
    path = next(checkpoints.glob("*.json"))
    document = json.loads(path.read_text())
    document["chains"] = {}
    path.write_text(json.dumps(document))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "valid signature" in result.output


def _unkeyed(session, case):
    """The chain as it was stored before it was keyed: plain SHA-256 and no head."""
    previous = "0" * 64
    for event in _events(session, case):
        event.prev_hash = previous
        event.hash = hashlib.sha256(event.payload().encode()).hexdigest()
        previous = event.hash
    session.execute(delete(AuditHead).where(AuditHead.case_id == case.id))
    session.commit()


def test_rekey_puts_an_intact_unkeyed_chain_under_the_key(make, session, app, checkpoints):
    case = _edited_case(make, session)
    _unkeyed(session, case)
    assert not verify_chains(session).intact
    result = app.test_cli_runner().invoke(args=["audit", "rekey"])
    assert result.exit_code == 0 and "rekeyed 4 events; 1 chains sealed" in result.output
    session.expire_all()
    assert verify_chains(session).intact


def test_rekey_leaves_a_chain_tampered_before_keying_broken(make, session, app, checkpoints):
    tampered, intact = _edited_case(make, session), _edited_case(make, session)
    _unkeyed(session, tampered)
    _unkeyed(session, intact)
    session.execute(update(CaseEvent).where(CaseEvent.case_id == tampered.id, CaseEvent.seq == 2)
                    .values(action="case.forged"))
    session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "rekey"])
    assert result.exit_code == 1 and f"cases {tampered.id}" in result.output
    session.expire_all()
    assert {broken.case_id for broken in verify_chains(session).breaks} == {tampered.id}
