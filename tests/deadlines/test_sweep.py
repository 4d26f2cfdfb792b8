from datetime import datetime, timedelta

from sqlalchemy import func, select

from mediation_app.audit.models import CaseEvent
from mediation_app.casefile.models import Referral
from mediation_app.deadlines.models import Escalation
from mediation_app.deadlines.services import sweep
from mediation_app.handlings.catalog import catalog
from mediation_app.handlings.services import fire_transition
from mediation_app.notifications.models import Notification
from mediation_app.referrals.services import return_referral, send_referral
from mediation_app.supervision.models import SupervisionOrder

CONFIG = {"REMINDER_HOURS": 24}
FILED = datetime(2026, 10, 9, 2, 0)


def _count(session, model, *where):
    return session.scalar(select(func.count()).select_from(model).where(*where))


def _district_with_centre(make):
    district = make.district()
    centre = make.institution(kind="governance_centre", region=district)
    dispatcher = make.user(role="dispatcher", institution=centre)
    mediator = make.user(institution=make.institution(region=district))
    return district, dispatcher, mediator


def test_an_overdue_handling_is_escalated_to_the_centre_above_once(make, session):
    _district, dispatcher, mediator = _district_with_centre(make)
    case = make.case(by=mediator, now=FILED)
    fire_transition(session, case, "accept", actor=mediator, now=FILED)
    late = case.current_handling.deadline_at + timedelta(hours=1)
    first = sweep(session, now=late, config=CONFIG)
    second = sweep(session, now=late + timedelta(hours=1), config=CONFIG)
    assert (first.escalated, second.escalated) == (1, 0)
    assert _count(session, Escalation) == 1
    assert _count(session, Notification, Notification.user_id == dispatcher.id,
                  Notification.kind == "deadline.overdue") == 1
    assert _count(session, CaseEvent, CaseEvent.action == "handling.escalated") == 1


def test_work_within_its_deadline_is_not_escalated(make, session):
    _district, _dispatcher, mediator = _district_with_centre(make)
    case = make.case(by=mediator, now=FILED)
    fire_transition(session, case, "accept", actor=mediator, now=FILED)
    assert sweep(session, now=FILED + timedelta(days=2), config=CONFIG).escalated == 0


def test_a_new_deadline_after_escalation_can_be_escalated_again(make, session):
    _district, _dispatcher, mediator = _district_with_centre(make)
    case = make.case(by=mediator, now=FILED)
    registered_deadline = case.current_handling.deadline_at
    sweep(session, now=registered_deadline + timedelta(hours=1), config=CONFIG)
    fire_transition(session, case, "accept", actor=mediator, now=registered_deadline)
    later = case.current_handling.deadline_at + timedelta(hours=1)
    assert sweep(session, now=later, config=CONFIG).escalated == 1
    assert _count(session, Escalation) == 2


def test_a_deadline_within_a_day_sends_one_reminder(make, session):
    _district, _dispatcher, mediator = _district_with_centre(make)
    case = make.case(by=mediator, now=FILED, assigned_mediator=mediator)
    soon = case.current_handling.deadline_at - timedelta(hours=3)
    assert sweep(session, now=soon, config=CONFIG).reminders == 1
    assert sweep(session, now=soon + timedelta(hours=1), config=CONFIG).reminders == 0
    assert _count(session, Notification, Notification.user_id == mediator.id,
                  Notification.kind == "deadline.reminder") == 1


def _unanswered_referral(make, session):
    """The mediator reports a case upwards (上报) to a second centre of the district, whose
    liaison never answers. The first centre's dispatcher supervises it."""
    district, dispatcher, mediator = _district_with_centre(make)
    other = make.institution(region=district, kind="governance_centre")
    receiver = make.user(role="liaison", institution=other)
    case = make.case(by=mediator, now=FILED)
    referral = send_referral(session, catalog(), case, kind="escalate", to_institution=other,
                             reason="上报", actor=mediator, now=FILED, accept_working_days=3,
                             off_list_reason="本区另一矛调中心")
    return referral, dispatcher, mediator, receiver


def test_an_unanswered_referral_is_escalated_to_the_dispatcher_with_one_supervision_order(
        make, session):
    referral, dispatcher, mediator, receiver = _unanswered_referral(make, session)
    late = referral.accept_by + timedelta(hours=1)
    assert sweep(session, now=late, config=CONFIG).escalated_referrals == 1
    assert sweep(session, now=late + timedelta(hours=1), config=CONFIG).escalated_referrals == 0
    order = session.scalars(select(SupervisionOrder)).one()
    assert (order.source, order.referral_id, order.institution_id, order.centre_id) == (
        "referral", referral.id, receiver.institution_id, dispatcher.institution_id)
    assert order.due_at == referral.accept_by + timedelta(hours=48)
    assert session.get(Referral, referral.id).status == "pending"
    told = {user.id for user in (dispatcher, mediator, receiver)}
    assert set(session.scalars(select(Notification.user_id).where(
        Notification.kind == "referral.escalated"))) == told
    assert _count(session, CaseEvent, CaseEvent.action == "supervision.issued") == 1


def test_an_unanswered_referral_expires_once_after_the_grace_of_its_escalation(make, session):
    referral, _dispatcher, mediator, _receiver = _unanswered_referral(make, session)
    assert sweep(session, now=referral.accept_by + timedelta(hours=1),
                 config=CONFIG).expired_referrals == 0
    after_grace = referral.accept_by + timedelta(hours=49)
    assert sweep(session, now=after_grace, config=CONFIG).expired_referrals == 1
    assert sweep(session, now=after_grace, config=CONFIG).expired_referrals == 0
    assert session.get(Referral, referral.id).status == "expired"
    assert session.scalars(select(SupervisionOrder.status).where(
        SupervisionOrder.referral_id == referral.id)).one() == "overdue"
    assert _count(session, Notification, Notification.user_id == mediator.id,
                  Notification.kind == "referral.expired") == 1


def test_a_referral_answered_after_escalation_closes_its_supervision_order(make, session):
    referral, _dispatcher, _mediator, receiver = _unanswered_referral(make, session)
    late = referral.accept_by + timedelta(hours=1)
    sweep(session, now=late, config=CONFIG)
    return_referral(session, referral, reason="not_our_remit", note="", actor=receiver, now=late)
    sweep(session, now=late + timedelta(minutes=5), config=CONFIG)
    order = session.scalars(select(SupervisionOrder)).one()
    assert (order.status, order.close_note) == ("closed", "转办已退回")


def test_the_overdue_sweep_issues_one_supervision_order_to_the_late_institution(make, session):
    _district, dispatcher, mediator = _district_with_centre(make)
    case = make.case(by=mediator, now=FILED)
    fire_transition(session, case, "accept", actor=mediator, now=FILED)
    late = case.current_handling.deadline_at + timedelta(hours=1)
    sweep(session, now=late, config=CONFIG)
    sweep(session, now=late + timedelta(hours=1), config=CONFIG)
    order = session.scalars(select(SupervisionOrder)).one()
    assert (order.source, order.case_id, order.institution_id, order.centre_id, order.status) == (
        "overdue", case.id, mediator.institution_id, dispatcher.institution_id, "open")
    assert order.escalation_id == session.scalars(select(Escalation.id)).one()
    assert "超期原因" in order.instruction
    assert _count(session, CaseEvent, CaseEvent.action == "supervision.issued") == 1


def test_the_unread_count_shows_on_every_page(make, session, login):
    _district, dispatcher, mediator = _district_with_centre(make)
    case = make.case(by=mediator, now=FILED)
    sweep(session, now=case.current_handling.deadline_at + timedelta(hours=1), config=CONFIG)
    make.commit()
    client = login(dispatcher)
    assert '<span class="badge">1</span>' in client.get("/cases/").get_data(as_text=True)
    client.post("/notifications/read")
    assert 'class="badge"' not in client.get("/cases/").get_data(as_text=True)


def test_without_a_centre_above_both_sides_of_a_late_referral_are_still_told_once(
        make, session):
    district = make.district()
    centre = make.institution(kind="governance_centre", region=district)
    receiver = make.user(role="dispatcher", institution=centre)
    mediator = make.user(institution=make.institution(region=district))
    case = make.case(by=mediator, now=FILED)
    referral = send_referral(session, catalog(), case, kind="escalate", to_institution=centre,
                             reason="上报", actor=mediator, now=FILED, accept_working_days=3)
    late = referral.accept_by + timedelta(hours=1)
    assert sweep(session, now=late, config=CONFIG).escalated_referrals == 1
    assert sweep(session, now=late + timedelta(hours=1), config=CONFIG).escalated_referrals == 0
    assert _count(session, SupervisionOrder) == 0
    assert set(session.scalars(select(Notification.user_id).where(
        Notification.kind == "referral.escalated"))) == {receiver.id, mediator.id}


def test_a_form_posted_and_shown_again_shows_the_unread_count_too(make, session, login):
    """A POST loads the signed-in user without the count (most answer with a redirect); a
    form it shows again counts then."""
    _district, _dispatcher, mediator = _district_with_centre(make)
    case = make.case(by=mediator, now=FILED)
    sweep(session, now=case.current_handling.deadline_at + timedelta(hours=1), config=CONFIG)
    make.commit()
    unread = _count(session, Notification, Notification.user_id == mediator.id,
                    Notification.read_at.is_(None))
    shown_again = login(mediator).post("/cases/new", data={"summary": ""})
    assert unread >= 1 and shown_again.status_code == 200
    assert f'<span class="badge">{unread}</span>' in shown_again.get_data(as_text=True)
