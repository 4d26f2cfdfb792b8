"""The rules of referrals at the service level: what may be sent, to whom, when, how long
the receiver has to answer, and who sees the case meanwhile."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from mediation_app.audit.models import CaseEvent
from mediation_app.auth.models import User
from mediation_app.casefile.models import Referral
from mediation_app.db import utcnow
from mediation_app.directory.models import Institution
from mediation_app.handlings.catalog import catalog
from mediation_app.referrals import services
from mediation_app.referrals.services import ReferralError

from .helpers import (
    accept,
    build_world,
    client_for,
    database,
    file_case,
    fire,
    new_world,
    record_session,
    send,
    sign_agreement,
)

# A Friday in March 2025, nowhere near a Chinese public holiday (UTC, as stored).
FRIDAY = datetime(2025, 3, 14, 10, 0)


@pytest.fixture
def world(make):
    return build_world(make)


def _refusal(call) -> ReferralError:
    with pytest.raises(ReferralError) as refused:
        call()
    return refused.value


def _failed_committee_case(session, world, now, *, arrived_by: str | None):
    """A case that failed at the committee, filed there or delegated by the court."""
    if arrived_by is None:
        case = file_case(session, world.mediator, now=now)
    else:
        court_workflow = "court_prefiling" if arrived_by == "delegate" else "court_in_suit"
        case = file_case(session, world.court_liaison, now=now, workflow=court_workflow)
        accept(session, send(session, case, arrived_by, world.committee, world.court_liaison,
                             now), world.mediator, now)
    fire(session, case, world.mediator, now, "accept", "start_mediation")
    record_session(session, case, world.mediator, now)
    fire(session, case, world.mediator, now, "close_failure")
    return case


def _succeeded_committee_case(session, world, now):
    case = file_case(session, world.mediator, now=now)
    fire(session, case, world.mediator, now, "accept", "start_mediation")
    record_session(session, case, world.mediator, now)
    sign_agreement(session, case, world.mediator, now)
    fire(session, case, world.mediator, now, "close_success")
    return case


# ---------------------------------------------------------------------------------------
# what may be sent, and to whom


def test_a_kind_the_workflow_does_not_send_from_this_state_is_refused(session, world):
    case = file_case(session, world.mediator, now=FRIDAY)
    # the committee's workflow sends judicial_confirmation only from `succeeded`
    assert _refusal(lambda: send(session, case, "judicial_confirmation", world.court,
                                 world.mediator, FRIDAY)).code == "not_sendable"
    # and never sends a delegation (a court's kind)
    assert _refusal(lambda: send(session, case, "delegate", world.committee_b, world.mediator,
                                 FRIDAY)).code == "not_sendable"
    police_case = file_case(session, world.police_liaison, now=FRIDAY)
    fire(session, police_case, world.police_liaison, FRIDAY, "accept", "start_mediation")
    # 公调对接 only from registered/accepted, not once the police are mediating themselves
    assert _refusal(lambda: send(session, police_case, "police_mediation", world.committee,
                                 world.police_liaison, FRIDAY)).code == "not_sendable"
    assert session.scalar(select(func.count()).select_from(Referral)) == 0


def test_only_the_institution_holding_the_case_can_send(session, world):
    case = file_case(session, world.police_liaison, now=FRIDAY)
    assert _refusal(lambda: send(session, case, "police_mediation", world.committee,
                                 world.mediator, FRIDAY)).code == "not_sendable"


def test_an_institution_that_cannot_receive_the_kind_is_refused(session, world):
    case = file_case(session, world.police_liaison, now=FRIDAY)
    for wrong in (world.court, world.labour, world.police):
        assert _refusal(lambda to=wrong: send(session, case, "police_mediation", to,
                                              world.police_liaison, FRIDAY)).code == "bad_receiver"
    world.committee.is_active = False
    session.flush()
    assert _refusal(lambda: send(session, case, "police_mediation", world.committee,
                                 world.police_liaison, FRIDAY)).code == "bad_receiver"
    assert send(session, case, "police_mediation", world.committee_b, world.police_liaison,
                FRIDAY).status == "pending"


def test_a_second_pending_referral_for_the_case_is_refused(session, world):
    case = file_case(session, world.police_liaison, now=FRIDAY)
    first = send(session, case, "police_mediation", world.committee, world.police_liaison,
                 FRIDAY)
    assert _refusal(lambda: send(session, case, "escalate", world.centre, world.police_liaison,
                                 FRIDAY)).code == "already_pending"
    assert _refusal(lambda: send(session, case, "police_mediation", world.committee_b,
                                 world.police_liaison, FRIDAY)).code == "already_pending"
    assert [r.id for r in session.scalars(select(Referral))] == [first.id]


def test_the_database_refuses_a_second_pending_row_for_the_same_case(session, world):
    case = file_case(session, world.police_liaison, now=FRIDAY)
    first = send(session, case, "police_mediation", world.committee, world.police_liaison,
                 FRIDAY)
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(Referral(
            case_id=case.id, kind="escalate", from_institution_id=world.police.id,
            to_institution_id=world.centre.id, from_handling_id=first.from_handling_id,
            reason="绕过服务直接写入", status="pending", created_by_id=world.police_liaison.id,
            created_at=FRIDAY, accept_by=FRIDAY + timedelta(days=5)))
    # a second row that is not pending is fine
    first.status = "returned"
    session.flush()
    session.add(Referral(
        case_id=case.id, kind="escalate", from_institution_id=world.police.id,
        to_institution_id=world.centre.id, from_handling_id=first.from_handling_id,
        reason="再次移送", status="pending", created_by_id=world.police_liaison.id,
        created_at=FRIDAY, accept_by=FRIDAY + timedelta(days=5)))
    session.flush()


# ---------------------------------------------------------------------------------------
# 诉调对接: back to the court that delegated or entrusted


def test_return_to_court_needs_a_case_the_court_delegated(session, world):
    case = _failed_committee_case(session, world, FRIDAY, arrived_by=None)
    refusal = _refusal(lambda: send(session, case, "return_to_court", world.court,
                                    world.mediator, FRIDAY))
    assert (refusal.code, refusal.guards) == ("unmet", ("arrived_by_court_delegation",))
    assert services.receivers(session, catalog(), case, "return_to_court",
                              world.committee) == []


def test_a_dispatched_case_cannot_be_returned_to_a_court_either(session, world):
    case = file_case(session, world.dispatcher, now=FRIDAY)
    accept(session, send(session, case, "dispatch", world.committee, world.dispatcher, FRIDAY),
           world.mediator, FRIDAY)
    fire(session, case, world.mediator, FRIDAY, "accept", "start_mediation")
    record_session(session, case, world.mediator, FRIDAY)
    fire(session, case, world.mediator, FRIDAY, "close_failure")
    refusal = _refusal(lambda: send(session, case, "return_to_court", world.court,
                                    world.mediator, FRIDAY))
    assert refusal.guards == ("arrived_by_court_delegation",)


@pytest.mark.parametrize("arrived_by, court_workflow", [("delegate", "court_prefiling"),
                                                        ("entrust", "court_in_suit")])
def test_a_delegated_case_goes_back_only_to_the_delegating_court(session, world, arrived_by,
                                                                 court_workflow):
    case = _failed_committee_case(session, world, FRIDAY, arrived_by=arrived_by)
    assert services.receivers(session, catalog(), case, "return_to_court",
                              world.committee) == [world.court]
    assert _refusal(lambda: send(session, case, "return_to_court", world.court_b,
                                 world.mediator, FRIDAY)).code == "bad_receiver"
    referral = send(session, case, "return_to_court", world.court, world.mediator, FRIDAY)
    handling = accept(session, referral, world.court_liaison, FRIDAY + timedelta(days=1))
    assert (handling.institution_id, handling.arrived_by, handling.outcome) == (
        world.court.id, "return_to_court", None)
    # back under the court procedure it left from (诉前 → 诉前, 诉中 → 诉中)
    assert handling.workflow_version.name == court_workflow
    assert [h.outcome for h in case.handlings] == ["transferred", "failure", None]


def test_return_to_court_is_only_sent_once_mediation_failed(session, world):
    court_case = file_case(session, world.court_liaison, now=FRIDAY)
    accept(session, send(session, court_case, "delegate", world.committee, world.court_liaison,
                         FRIDAY), world.mediator, FRIDAY)
    fire(session, court_case, world.mediator, FRIDAY, "accept")
    assert _refusal(lambda: send(session, court_case, "return_to_court", world.court,
                                 world.mediator, FRIDAY)).code == "not_sendable"


# ---------------------------------------------------------------------------------------
# 司法确认 within 30 days of the agreement


@pytest.mark.parametrize("days_later, allowed", [(0, True), (30, True), (31, False)])
def test_judicial_confirmation_within_thirty_days_of_the_signed_agreement(
        session, world, days_later, allowed):
    case = _succeeded_committee_case(session, world, FRIDAY)
    later = FRIDAY + timedelta(days=days_later, hours=5)
    if allowed:
        referral = send(session, case, "judicial_confirmation", world.court, world.mediator,
                        later)
        assert referral.status == "pending"
    else:
        refusal = _refusal(lambda: send(session, case, "judicial_confirmation", world.court,
                                        world.mediator, later))
        assert (refusal.code, refusal.guards) == ("unmet", ("within_confirmation_window",))


def test_judicial_confirmation_goes_to_a_court_only(session, world):
    case = _succeeded_committee_case(session, world, FRIDAY)
    assert set(services.receivers(session, catalog(), case, "judicial_confirmation",
                                  world.committee)) == {world.court, world.court_b}
    assert _refusal(lambda: send(session, case, "judicial_confirmation", world.committee_b,
                                 world.mediator, FRIDAY)).code == "bad_receiver"


# ---------------------------------------------------------------------------------------
# three working days to answer, then the referral expires


@pytest.mark.parametrize("sent, due", [
    (FRIDAY, datetime(2025, 3, 19, 10, 0)),                           # Fri → next Wed
    (datetime(2025, 3, 17, 9, 30), datetime(2025, 3, 20, 9, 30)),      # Mon → Thu
    (datetime(2025, 3, 15, 8, 0), datetime(2025, 3, 19, 8, 0)),        # Sat → Wed
])
def test_the_receiver_has_three_working_days_to_answer(session, world, sent, due):
    case = file_case(session, world.police_liaison, now=sent)
    referral = send(session, case, "police_mediation", world.committee, world.police_liaison,
                    sent)
    assert (referral.created_at, referral.accept_by) == (sent, due)


def test_working_days_are_counted_in_beijing_dates(session, world):
    sent = datetime(2025, 3, 14, 23, 0)  # UTC = Saturday 2025-03-15 07:00 in Beijing
    case = file_case(session, world.police_liaison, now=sent)
    referral = send(session, case, "police_mediation", world.committee, world.police_liaison,
                    sent)
    assert referral.accept_by == datetime(2025, 3, 18, 23, 0)  # Wednesday 07:00 in Beijing


def test_an_unanswered_referral_expires_once_after_its_deadline(session, world):
    case = file_case(session, world.police_liaison, now=FRIDAY)
    referral = send(session, case, "police_mediation", world.committee, world.police_liaison,
                    FRIDAY)
    other = file_case(session, world.police_liaison, now=FRIDAY)
    fresh = send(session, other, "police_mediation", world.committee, world.police_liaison,
                 FRIDAY + timedelta(days=3))

    assert services.expire_overdue(session, now=referral.accept_by - timedelta(minutes=1)) == []
    assert referral.status == "pending"
    after = referral.accept_by + timedelta(minutes=1)
    assert services.expire_overdue(session, now=after) == [referral]
    assert (referral.status, referral.decided_at, referral.decided_by_id) == (
        "expired", after, None)
    assert fresh.status == "pending"
    assert services.expire_overdue(session, now=after + timedelta(hours=1)) == []

    events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                     CaseEvent.action == "referral.expired"))
    assert [(e.data["referral"], e.actor_id) for e in events] == [(referral.id, None)]
    (handling,) = case.handlings
    assert (handling.institution_id, handling.outcome) == (world.police.id, None)
    assert _refusal(lambda: accept(session, referral, world.mediator, after)).code == (
        "already_decided")
    assert send(session, case, "police_mediation", world.committee_b, world.police_liaison,
                after).status == "pending"


def test_a_referral_no_longer_pending_is_refused_as_already_decided(session, world):
    case = file_case(session, world.police_liaison, now=FRIDAY)
    referral = send(session, case, "police_mediation", world.committee, world.police_liaison,
                    FRIDAY)
    accept(session, referral, world.mediator, FRIDAY)
    codes = [
        _refusal(lambda: accept(session, referral, world.mediator, FRIDAY)).code,
        _refusal(lambda: services.return_referral(
            session, referral, reason="other", note="", actor=world.mediator,
            now=FRIDAY)).code,
        _refusal(lambda: services.withdraw_referral(
            session, referral, actor=world.police_liaison, now=FRIDAY)).code,
    ]
    assert codes == ["already_decided"] * 3


# ---------------------------------------------------------------------------------------
# who sees the case while a referral waits (pages; no app context kept pushed)


def test_a_pending_referral_shows_the_case_read_only_to_the_receiver_until_returned(app):
    world = new_world(app)
    with database(app) as session:
        sender = session.get(User, world.petition_liaison.id)
        now = utcnow()
        case = file_case(session, sender, now=now, dispute_type="labour",
                         summary="欠薪纠纷待签收")
        referral = send(session, case, "petition_mediation",
                        session.get(Institution, world.labour.id), sender, now)
        case_id, referral_id = case.id, referral.id
        session.commit()

    receiver = client_for(app, world.labour_liaison)
    stranger = client_for(app, world.labour_far_liaison)
    assert "欠薪纠纷待签收" in receiver.get("/cases/").get_data(as_text=True)
    assert "欠薪纠纷待签收" not in stranger.get("/cases/").get_data(as_text=True)
    detail = receiver.get(f"/cases/{case_id}")
    assert detail.status_code == 200
    page = detail.get_data(as_text=True)
    assert f"/referrals/{referral_id}/accept" in page
    assert f"/cases/{case_id}/edit" not in page and "/transitions/" not in page
    assert receiver.get(f"/cases/{case_id}/edit").status_code == 403
    assert receiver.post(f"/cases/{case_id}/transitions/screen").status_code == 403
    assert stranger.get(f"/cases/{case_id}").status_code == 404

    response = receiver.post(f"/referrals/{referral_id}/return",
                             data={"reason": "outside_region", "note": "请转有管辖权的机构。",
                                   "confirmed": "yes"})
    assert response.status_code == 302
    assert "欠薪纠纷待签收" not in receiver.get("/cases/").get_data(as_text=True)
    assert receiver.get(f"/cases/{case_id}").status_code == 404
    with database(app) as session:
        assert session.get(Referral, referral_id).status == "returned"
