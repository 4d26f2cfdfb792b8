"""A party acts from their own status page, once the phone code proved who they are.

回避: 人民调解法 art. 23(1) gives a party the right to choose or accept the mediator, so a
party may ask that the assigned mediator step aside, with the reason. The request waits for
the institution holding the case, whose staff are told; the party is told the decision by
text message.

Choosing: art. 19 lets the parties choose one or more mediators. Until a mediator is
assigned, or before mediation starts (no session recorded), a party may choose one from
the roster; the choice is recorded for the staff to honour. After applying, while the
application waits, the applicant's choice goes with the application.

Nothing tells a party what another party asked or chose; without a proven phone nothing is
recorded; the forms are CSRF-protected and rate-limited like the other public pages."""

from datetime import timedelta

from sqlalchemy import func, select

from mediation_app.audit.models import CaseEvent
from mediation_app.db import utcnow
from mediation_app.notifications.models import Notification
from mediation_app.parties.applications import decline_application
from mediation_app.parties.models import Application, ApplicationEvent
from mediation_app.parties.verification import Verifier, open_grant
from mediation_app.roster import services as roster
from mediation_app.roster.models import MediatorChoice, RecusalRequest

from .conftest import APPLICANT_PHONE, RESPONDENT_PHONE, apply_online, last_code, texts_to


def _list(session, mediator):
    roster.keep_profile(session, mediator, roster.ProfileData(
        specialties=["neighbour"], qualifications="", region=mediator.institution.region),
        now=utcnow())


def _case(make, session, world, *, assigned=True):
    """A case of the committee, its mediator assigned (or not); two mediators on the roster."""
    colleague = make.user(institution=world.committee, display_name="刘调解")
    world.mediator.display_name = "陈调解"
    for mediator in (world.mediator, colleague):
        _list(session, mediator)
    parties = [make.party("applicant", name="张建国", phone=APPLICANT_PHONE),
               make.party("respondent", name="王秀英", phone=RESPONDENT_PHONE)]
    case = make.case(by=world.mediator, parties=parties)
    if assigned:
        roster.assign_mediator(session, case, world.mediator, chosen_by_party=False,
                               actor=world.mediator, now=utcnow())
    make.commit()
    return case, colleague


def _follow(client, session, case, phone=APPLICANT_PHONE, number=None):
    number = number or case.case_no
    client.post("/follow", data={"number": number, "phone": phone, "send_code": "1"})
    client.post("/follow", data={"number": number, "phone": phone,
                                 "code": last_code(session, phone), "submit": "1"})
    return client


def _ask(client, reason="调解员是被申请人的表哥。"):
    return client.post("/follow/recusal", data={"reason": reason})


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def _notified(session, kind):
    return set(session.scalars(select(Notification.user_id).where(Notification.kind == kind)))


def test_a_party_asks_that_the_mediator_step_aside_and_staff_decide(client, session, world,
                                                                    make):
    """人民调解法 art. 23(1): the request lands pending, asked by the party, recorded by nobody
    of the staff, and the staff of the holding institution are told."""
    case, colleague = _case(make, session, world)
    _ask(_follow(client, session, case))
    request = session.scalar(select(RecusalRequest))
    assert (request.status, request.mediator_id, request.party_id, request.recorded_by_id) == \
        ("pending", world.mediator.id, case.parties[0].id, None)
    assert request.reason == "调解员是被申请人的表哥。"
    event = session.scalar(select(CaseEvent).where(CaseEvent.action == "recusal.requested"))
    assert (event.actor_id, event.data["party"], event.data["by_party"]) == (None, "张建国", True)
    assert {world.mediator.id, colleague.id} <= _notified(session, "recusal.requested")


def test_staff_see_who_asked_on_the_case_mediator_page(client, session, world, make, login):
    case, _colleague = _case(make, session, world)
    _ask(_follow(client, session, case))
    page = login(world.mediator).get(f"/cases/{case.id}/mediators").get_data(as_text=True)
    assert "张建国" in page and "当事人在线提出" in page and "表哥" in page


def test_the_party_is_told_a_granted_recusal_by_text(client, session, world, make):
    """人民调解法 art. 23(1): the party who asked learns the decision and the new mediator."""
    case, colleague = _case(make, session, world)
    _ask(_follow(client, session, case))
    roster.decide_recusal(session, session.scalar(select(RecusalRequest)), granted=True,
                          note="亲属关系属实", replacement=colleague, actor=world.mediator,
                          now=utcnow())
    assert "已获准许，改由调解员刘调解主持调解" in texts_to(session, APPLICANT_PHONE)[-1]
    assert not any("回避" in body for body in texts_to(session, RESPONDENT_PHONE))
    assert session.get(type(case), case.id).assigned_mediator_id == colleague.id


def test_the_party_is_told_a_refused_recusal_with_the_reasons(client, session, world, make):
    case, _colleague = _case(make, session, world)
    _ask(_follow(client, session, case))
    roster.decide_recusal(session, session.scalar(select(RecusalRequest)), granted=False,
                          note="经核实并无亲属关系", replacement=None, actor=world.mediator,
                          now=utcnow())
    assert "未获准许，理由：经核实并无亲属关系" in texts_to(session, APPLICANT_PHONE)[-1]
    make.commit()
    page = client.get("/follow/status").get_data(as_text=True)
    assert "未获准许" in page and "经核实并无亲属关系" in page


def test_the_page_shows_the_partys_own_request_and_not_the_other_partys(client, session, world,
                                                                        make):
    case, _colleague = _case(make, session, world)
    asking = _follow(client, session, case)
    _ask(asking)
    other = _follow(client.application.test_client(), session, case, phone=RESPONDENT_PHONE)
    assert "正在等待决定" in asking.get("/follow/status").get_data(as_text=True)
    page = other.get("/follow/status").get_data(as_text=True)
    assert "正在等待决定" not in page and "表哥" not in page and "张建国" not in page


def test_a_second_request_while_one_waits_is_refused(client, session, world, make):
    case, _colleague = _case(make, session, world)
    party = _follow(client, session, case)
    _ask(party)
    answer = _ask(party, reason="再说一次。")
    assert "正在等待决定" in party.get(answer.headers["Location"]).get_data(as_text=True)
    assert _count(session, RecusalRequest) == 1


def test_no_recusal_is_asked_before_a_mediator_is_assigned(client, session, world, make):
    case, _colleague = _case(make, session, world, assigned=False)
    party = _follow(client, session, case)
    page = party.get(_ask(party).headers["Location"]).get_data(as_text=True)
    assert "尚未指定调解员" in page
    assert _count(session, RecusalRequest) == 0


def test_a_party_chooses_a_mediator_from_the_roster(client, session, world, make):
    """人民调解法 art. 19: the parties may choose the mediator; the choice is kept for the
    staff, who are told and see it on the case's mediator page."""
    case, colleague = _case(make, session, world, assigned=False)
    party = _follow(client, session, case)
    assert "刘调解" in party.get("/follow/status").get_data(as_text=True)
    party.post("/follow/mediator", data={"mediator_id": colleague.id})
    choice = session.scalar(select(MediatorChoice))
    assert (choice.party_id, choice.mediator_id) == (case.parties[0].id, colleague.id)
    assert world.mediator.id in _notified(session, "mediator.chosen")
    assert session.get(type(case), case.id).assigned_mediator_id is None  # staff decide
    assert "您已于" in party.get("/follow/status").get_data(as_text=True)


def test_staff_see_the_parties_choice_beside_the_suggestions(client, session, world, make,
                                                             login):
    case, colleague = _case(make, session, world, assigned=False)
    _follow(client, session, case).post("/follow/mediator", data={"mediator_id": colleague.id})
    page = login(world.mediator).get(f"/cases/{case.id}/mediators").get_data(as_text=True)
    assert "当事人选择" in page and "张建国" in page and "刘调解" in page


def test_choosing_again_replaces_the_partys_earlier_choice(client, session, world, make):
    case, colleague = _case(make, session, world, assigned=False)
    party = _follow(client, session, case)
    party.post("/follow/mediator", data={"mediator_id": colleague.id})
    party.post("/follow/mediator", data={"mediator_id": world.mediator.id})
    assert [c.mediator_id for c in session.scalars(select(MediatorChoice))] == [world.mediator.id]


def test_no_choice_once_mediation_has_started(client, session, world, make):
    """Art. 19 choice comes before the mediation: once a session is recorded with a mediator
    assigned, the party may still ask for recusal but no longer choose here."""
    case, colleague = _case(make, session, world)
    make.session_record(case, world.mediator)
    make.commit()
    party = _follow(client, session, case)
    assert "choose-mediator" not in party.get("/follow/status").get_data(as_text=True)
    party.post("/follow/mediator", data={"mediator_id": colleague.id})
    assert _count(session, MediatorChoice) == 0


def test_a_mediator_off_the_roster_cannot_be_chosen(client, session, world, make):
    case, _colleague = _case(make, session, world, assigned=False)
    _list(session, world.other_mediator)
    make.commit()
    _follow(client, session, case).post("/follow/mediator",
                                        data={"mediator_id": world.other_mediator.id})
    assert _count(session, MediatorChoice) == 0


def test_without_a_proven_phone_nothing_is_recorded(client, session, world, make):
    case, colleague = _case(make, session, world)
    answers = [_ask(client), client.post("/follow/mediator", data={"mediator_id": colleague.id})]
    assert all(a.headers["Location"].endswith("/follow") for a in answers)
    assert _count(session, RecusalRequest) == 0 and _count(session, MediatorChoice) == 0


def test_an_expired_grant_records_nothing(app, session, world, make):
    case, _colleague = _case(make, session, world)
    token = open_grant(session, Verifier(secret=app.config["SECRET_KEY"]),
                       now=utcnow() - timedelta(hours=1), case_id=case.id,
                       party_id=case.parties[0].id)
    make.commit()
    party = app.test_client()
    party.set_cookie("party_grant", token)
    assert _ask(party).headers["Location"].endswith("/follow")
    assert _count(session, RecusalRequest) == 0


def test_a_closed_case_takes_no_recusal(client, session, world, make):
    case, _colleague = _case(make, session, world)
    case.closed_at = utcnow()
    make.commit()
    party = _follow(client, session, case)
    page = party.get(_ask(party).headers["Location"]).get_data(as_text=True)
    assert "已办结" in page and _count(session, RecusalRequest) == 0


def test_the_forms_are_csrf_protected(other_app, session, world, make):
    case, colleague = _case(make, session, world)
    protected = other_app(WTF_CSRF_ENABLED=True)
    token = open_grant(session, Verifier(secret="test-secret"), now=utcnow(), case_id=case.id,
                       party_id=case.parties[0].id)
    make.commit()
    party = protected.test_client()
    party.set_cookie("party_grant", token)
    answers = [_ask(party).status_code,
               party.post("/follow/mediator", data={"mediator_id": colleague.id}).status_code]
    assert answers == [400, 400]
    assert _count(session, RecusalRequest) == 0 and _count(session, MediatorChoice) == 0


def test_requests_from_one_address_are_rate_limited(app, client, session, world, make):
    case, _colleague = _case(make, session, world)
    party = _follow(client, session, case)
    app.config["PARTY_RATE_LIMIT_IP"] = "2 per hour"
    try:
        answers = [_ask(party, reason="").status_code for _ in range(3)]
    finally:
        app.config.pop("PARTY_RATE_LIMIT_IP")
    assert answers == [302, 302, 429]


def _applied_to_the_committee(client, session, world, make):
    colleague = make.user(institution=world.committee, display_name="刘调解")
    for mediator in (world.mediator, colleague):
        _list(session, mediator)
    make.commit()
    apply_online(client, session, world, institution_id=str(world.committee.id))
    application = session.scalar(select(Application))
    return application, colleague, _follow(client, session, None, number=application.number)


def test_after_applying_the_applicant_chooses_the_mediator_of_the_inbox(client, session, world,
                                                                        make):
    """人民调解法 art. 19: while the application waits, the applicant's choice goes with it;
    accepting the application assigns that mediator."""
    application, colleague, party = _applied_to_the_committee(client, session, world, make)
    assert "刘调解" in party.get("/follow/status").get_data(as_text=True)
    party.post("/follow/mediator", data={"mediator_id": colleague.id})
    session.refresh(application)
    assert application.preferred_mediator_id == colleague.id
    assert session.scalar(select(ApplicationEvent.data).where(
        ApplicationEvent.action == "application.mediator_chosen")) == {"mediator": "刘调解"}
    assert world.mediator.id in _notified(session, "mediator.chosen")


def test_an_answered_application_takes_no_choice(client, session, world, make):
    application, colleague, party = _applied_to_the_committee(client, session, world, make)
    decline_application(session, application, reason="不属于受理范围", actor=world.mediator,
                        now=utcnow())
    make.commit()
    party.post("/follow/mediator", data={"mediator_id": colleague.id})
    session.refresh(application)
    assert application.preferred_mediator_id is None
