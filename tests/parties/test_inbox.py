"""The inbox: the institution an application was addressed to accepts it (a case with
source `online`, numbered by the usual filing service) or declines it with a reason; the
applicant is told by text message either way; each answer is audited."""

import io

from sqlalchemy import select

from mediation_app.audit.models import CaseEvent
from mediation_app.casefile.models import Case
from mediation_app.db import utcnow
from mediation_app.parties.models import Application, ApplicationEvent
from mediation_app.roster.services import ProfileData, keep_profile
from mediation_app.warnings.models import EarlyWarning

from ..unchanged import snapshot
from .conftest import APPLICANT_ID, APPLICANT_PHONE, apply_online, texts_to

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _submitted(client, session, world, **overrides) -> Application:
    apply_online(client, session, world, files=[(io.BytesIO(PNG), "沟.png")], **overrides)
    return session.scalar(select(Application))


def test_the_centre_sees_the_application_in_its_inbox_with_identity_masked(
        client, session, world, login):
    application = _submitted(client, session, world)
    page = login(world.dispatcher).get("/applications").get_data(as_text=True)
    assert application.number in page and "139****5678" in page
    detail = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "邻居排水沟堵塞" in detail and APPLICANT_ID not in detail


def test_another_institution_neither_lists_nor_opens_the_application(
        client, session, world, login):
    application = _submitted(client, session, world)
    signed_in = login(world.mediator)
    assert application.number not in signed_in.get("/applications").get_data(as_text=True)
    assert signed_in.get(f"/applications/{application.id}").status_code == 404
    before = snapshot()
    assert signed_in.post(f"/applications/{application.id}/accept").status_code == 404
    assert snapshot() == before                 # no case filed, no event, no text sent
    assert session.get(Application, application.id).case_id is None


def test_accepting_files_an_online_case_numbered_by_the_centre(client, session, world, login):
    application = _submitted(client, session, world)
    response = login(world.dispatcher).post(f"/applications/{application.id}/accept")
    case = session.scalar(select(Case))
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    assert case.source == "online" and case.holder_institution_id == world.centre.id
    assert case.case_no.startswith(f"（{case.year}）清矛调字第")
    assert [p.role for p in case.parties] == ["applicant", "respondent"]
    assert case.parties[0].id_number == APPLICANT_ID
    assert [a.filename for a in case.attachments] == ["沟.png"]
    session.refresh(application)
    assert application.status == "accepted" and application.case_id == case.id


def test_an_accepted_application_raises_the_early_warnings_its_text_calls_for(
        client, session, world, login):
    """Filed through the usual filing service, the case is checked as a filing at the
    counter is: a threat in the facts raises a risk-words warning to the governance centre."""
    application = _submitted(client, session, world, facts="对方扬言自杀，情绪激动。")
    login(world.dispatcher).post(f"/applications/{application.id}/accept")
    case = session.scalar(select(Case))
    assert case.warning_flags == ["risk_words"]
    assert session.scalars(select(EarlyWarning.term).where(
        EarlyWarning.case_id == case.id)).all() == ["自杀"]


def test_the_accepted_applicant_is_told_the_case_number_by_text(client, session, world, login):
    application = _submitted(client, session, world)
    login(world.dispatcher).post(f"/applications/{application.id}/accept")
    case = session.scalar(select(Case))
    assert any(case.case_no in body and "已由清江浦区矛调中心受理" in body
               for body in texts_to(session, APPLICANT_PHONE))


def test_acceptance_is_audited_on_the_case_and_the_application(client, session, world, login):
    application = _submitted(client, session, world)
    login(world.dispatcher).post(f"/applications/{application.id}/accept")
    actions = session.scalars(select(CaseEvent.action).order_by(CaseEvent.seq)).all()
    assert actions[0] == "case.filed" and "application.accepted" in actions
    logged = session.scalars(select(ApplicationEvent.action).order_by(ApplicationEvent.id)).all()
    assert logged == ["application.submitted", "application.accepted"]


def test_an_application_is_accepted_only_once(client, session, world, login):
    application = _submitted(client, session, world)
    signed_in = login(world.dispatcher)
    signed_in.post(f"/applications/{application.id}/accept")
    again = signed_in.post(f"/applications/{application.id}/accept", follow_redirects=True)
    assert "该申请已经处理过" in again.get_data(as_text=True)
    assert len(session.scalars(select(Case)).all()) == 1


def test_declining_needs_a_reason_and_tells_the_applicant(client, session, world, login):
    application = _submitted(client, session, world)
    signed_in = login(world.dispatcher)
    signed_in.post(f"/applications/{application.id}/decline", data={"reason": ""})
    session.refresh(application)
    assert application.status == "pending"
    signed_in.post(f"/applications/{application.id}/decline",
                   data={"reason": "纠纷已由法院受理，不属于人民调解范围。"})
    session.refresh(application)
    assert application.status == "declined" and application.decided_by_id == world.dispatcher.id
    assert "理由：纠纷已由法院受理" in texts_to(session, APPLICANT_PHONE)[-1]
    assert session.scalar(select(Case)) is None


def test_a_committee_chosen_by_the_party_answers_in_its_own_inbox(client, session, world, login):
    application = _submitted(client, session, world, institution_id=str(world.committee.id))
    signed_in = login(world.mediator)
    assert application.number in signed_in.get("/applications").get_data(as_text=True)
    signed_in.post(f"/applications/{application.id}/accept")
    case = session.scalar(select(Case))
    assert case.holder_institution_id == world.committee.id and case.state == "registered"


def test_a_mediator_chosen_from_the_roster_takes_the_case_on_acceptance(
        client, session, world, make, login):
    """人民调解法 art. 19: the parties may choose the mediator."""
    keep_profile(session, world.mediator, ProfileData(specialties=["neighbour"],
                                                      qualifications="", region=world.town),
                 now=utcnow())
    make.commit()
    assert world.mediator.display_name in client.get("/apply").get_data(as_text=True)
    application = _submitted(client, session, world, mediator_id=str(world.mediator.id))
    assert application.institution_id == world.committee.id
    assert application.preferred_mediator_id == world.mediator.id
    login(world.mediator).post(f"/applications/{application.id}/accept")
    case = session.scalar(select(Case))
    assert case.assigned_mediator_id == world.mediator.id
    assigned = session.scalar(select(CaseEvent).where(CaseEvent.action == "mediator.assigned"))
    assert assigned.data["basis"] == "party_choice"
