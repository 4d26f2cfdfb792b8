"""Cross-channel cases end to end through the pages, each user with their own browser
(test client): 公调对接, 委派 and 诉调对接, 司法确认, 访调对接 with 分流, and 退回."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from mediation_app.casefile.models import Case, Referral
from mediation_app.documents.models import Document

from ..unchanged import snapshot
from .helpers import (
    accept_via_view,
    client_for,
    database,
    file_case_via_view,
    fire_via_view,
    flashes,
    guard_text,
    new_world,
    party_ids,
    pending_referral_id,
    record_session_via_view,
    refusal_text,
    send_via_view,
    sign_agreement_via_views,
)

# No `session` / `make` fixture here: an app context kept pushed during the requests would
# be shared by every client (see helpers.database).


@pytest.fixture
def world(app):
    return new_world(app)


def _handlings(app, case_id: int) -> list[SimpleNamespace]:
    """The case's handlings as plain values."""
    with database(app) as session:
        return [SimpleNamespace(
            institution_id=h.institution_id, workflow=h.workflow_version.name, state=h.state,
            outcome=h.outcome, arrived_by=h.arrived_by, channel=h.channel,
            is_mediation=h.is_mediation) for h in session.get(Case, case_id).handlings]


def _case(app, case_id: int) -> SimpleNamespace:
    with database(app) as session:
        case = session.get(Case, case_id)
        return SimpleNamespace(state=case.state, closed_at=case.closed_at,
                               holder_institution_id=case.holder_institution_id)


def test_police_to_peoples_committee_to_signed_agreement_and_success(app, world):
    police = client_for(app, world.police_liaison)
    mediator = client_for(app, world.mediator)
    case_id = file_case_via_view(police, world.district.id)

    send_via_view(police, case_id, "police_mediation", world.committee,
                  "邻里纠纷，适宜人民调解。")
    referral_id = pending_referral_id(app, case_id)
    with database(app) as session:
        referral = session.get(Referral, referral_id)
        assert (referral.kind, referral.from_institution_id, referral.to_institution_id) == (
            "police_mediation", world.police.id, world.committee.id)
    accept_via_view(mediator, referral_id)
    for step in ("accept", "start_mediation"):
        fire_via_view(mediator, case_id, step)
    record_session_via_view(mediator, case_id)
    agreement_id = sign_agreement_via_views(mediator, case_id, party_ids(app, case_id))
    fire_via_view(mediator, case_id, "close_success")

    first, second = _handlings(app, case_id)
    assert (first.institution_id, first.workflow, first.outcome, first.arrived_by) == (
        world.police.id, "police_mediation", "transferred", None)
    assert (second.institution_id, second.outcome, second.state, second.channel) == (
        world.committee.id, "success", "succeeded", "peoples")
    assert second.arrived_by == "police_mediation" and second.is_mediation
    assert _case(app, case_id).closed_at is not None
    with database(app) as session:
        documents = session.scalars(select(Document).where(Document.case_id == case_id)).all()
        assert [(d.kind, d.agreement_id, d.is_signed, d.institution_id, d.voided_at)
                for d in documents] == [("agreement", agreement_id, True, world.committee.id,
                                         None)]
        assert session.get(Referral, referral_id).status == "accepted"


def test_court_delegation_fails_and_goes_back_to_the_court(app, world):
    court = client_for(app, world.court_liaison)
    mediator = client_for(app, world.mediator)
    case_id = file_case_via_view(court, world.district.id, dispute_type="loan")

    send_via_view(court, case_id, "delegate", world.committee, "诉前委派调解。")
    accept_via_view(mediator, pending_referral_id(app, case_id))
    for step in ("accept", "start_mediation"):
        fire_via_view(mediator, case_id, step)
    record_session_via_view(mediator, case_id)
    fire_via_view(mediator, case_id, "close_failure", reason="no_agreement")

    form = mediator.get(f"/cases/{case_id}/referrals/return_to_court").get_data(as_text=True)
    assert world.court.name in form and world.court_b.name not in form
    send_via_view(mediator, case_id, "return_to_court", world.court, "委派调解不成，退回法院。")
    accept_via_view(court, pending_referral_id(app, case_id))

    handlings = _handlings(app, case_id)
    assert [h.institution_id for h in handlings] == [world.court.id, world.committee.id,
                                                     world.court.id]
    assert handlings[0].outcome == "transferred"
    assert (handlings[1].outcome, handlings[1].arrived_by) == ("failure", "delegate")
    back = handlings[2]
    assert (back.outcome, back.arrived_by, back.state) == (None, "return_to_court", "registered")
    # the court resumes the pre-filing procedure it delegated from (诉前), not the in-suit one
    assert back.workflow == handlings[0].workflow == "court_prefiling"
    case = _case(app, case_id)
    assert case.closed_at is None and case.holder_institution_id == world.court.id


def test_committee_success_is_judicially_confirmed_by_the_court(app, world):
    mediator = client_for(app, world.mediator)
    court = client_for(app, world.court_liaison)
    case_id = file_case_via_view(mediator, world.district.id)
    for step in ("accept", "start_mediation"):
        fire_via_view(mediator, case_id, step)
    record_session_via_view(mediator, case_id)
    sign_agreement_via_views(mediator, case_id, party_ids(app, case_id))
    fire_via_view(mediator, case_id, "close_success")
    assert _case(app, case_id).closed_at is not None

    send_via_view(mediator, case_id, "judicial_confirmation", world.court,
                  "双方共同申请司法确认。")
    accept_via_view(court, pending_referral_id(app, case_id))
    assert _case(app, case_id).closed_at is None
    fire_via_view(court, case_id, "accept")
    response = court.post(f"/cases/{case_id}/ruling", data={
        "decision": "confirmed", "number": "（2026）苏0812民特1号", "dated_on": "2026-12-03",
        "judge": "张审判", "clerk": "赵书记"}, follow_redirects=True)
    assert not flashes(response.get_data(as_text=True))

    committee, confirmation = _handlings(app, case_id)
    assert (committee.outcome, committee.state) == ("success", "succeeded")
    assert (confirmation.institution_id, confirmation.workflow, confirmation.arrived_by) == (
        world.court.id, "judicial_confirmation", "judicial_confirmation")
    assert confirmation.is_mediation is False
    assert (confirmation.outcome, confirmation.state) == ("success", "confirmed")
    case = _case(app, case_id)
    assert case.closed_at is not None and case.state == "confirmed"


def test_petition_goes_through_the_centre_to_the_labour_bureau(app, world):
    petition = client_for(app, world.petition_liaison)
    dispatcher = client_for(app, world.dispatcher)
    labour = client_for(app, world.labour_liaison)
    case_id = file_case_via_view(petition, world.district.id, dispute_type="labour",
                                 summary="六名工人被拖欠工资")

    send_via_view(petition, case_id, "petition_mediation", world.centre,
                  "欠薪纠纷，转矛调中心。")
    accept_via_view(dispatcher, pending_referral_id(app, case_id))
    fire_via_view(dispatcher, case_id, "assess")

    page = dispatcher.get(f"/cases/{case_id}/referrals/dispatch").get_data(as_text=True)
    choices = page.split('name="to_institution_id"', 1)[1].split("</select>", 1)[0]
    assert f"★ {world.labour.name}" in choices and f"★ {world.labour.name}" in page
    assert world.labour_far.name in choices and f"★ {world.labour_far.name}" not in page
    assert choices.index(world.labour.name) < choices.index(world.labour_far.name)
    assert world.centre.name not in choices
    send_via_view(dispatcher, case_id, "dispatch", world.labour, "欠薪纠纷，分流至劳动仲裁院。")
    accept_via_view(labour, pending_referral_id(app, case_id))

    handlings = _handlings(app, case_id)
    assert [h.institution_id for h in handlings] == [world.petition.id, world.centre.id,
                                                     world.labour.id]
    assert [h.workflow for h in handlings] == ["petition_office", "governance_dispatch",
                                               "labour"]
    assert [h.outcome for h in handlings] == ["transferred", "transferred", None]
    assert [h.arrived_by for h in handlings] == [None, "petition_mediation", "dispatch"]
    assert handlings[-1].state == "registered"
    assert _case(app, case_id).holder_institution_id == world.labour.id


def test_a_returned_referral_leaves_the_case_with_the_sender_until_sent_elsewhere(app, world):
    police = client_for(app, world.police_liaison)
    first = client_for(app, world.mediator)
    second = client_for(app, world.mediator_b)
    case_id = file_case_via_view(police, world.district.id)
    send_via_view(police, case_id, "police_mediation", world.committee, "请调解。")
    referral_id = pending_referral_id(app, case_id)

    assert first.get(f"/referrals/{referral_id}/return").status_code == 200
    response = first.post(f"/referrals/{referral_id}/return",
                          data={"reason": "not_our_remit", "note": "不在本调委会辖区内。",
                                "confirmed": "yes"})
    assert response.status_code == 302

    with database(app) as session:
        returned = session.get(Referral, referral_id)
        assert (returned.status, returned.return_reason, returned.return_note) == (
            "returned", "not_our_remit", "不在本调委会辖区内。")
        assert returned.decided_by_id == world.mediator.id
    (held,) = _handlings(app, case_id)
    assert (held.institution_id, held.outcome, held.state) == (world.police.id, None,
                                                               "registered")
    assert _case(app, case_id).holder_institution_id == world.police.id
    assert "不在本调委会辖区内。" in police.get(f"/cases/{case_id}").get_data(as_text=True)
    assert first.get(f"/cases/{case_id}").status_code == 404

    send_via_view(police, case_id, "police_mediation", world.committee_b, "改送清河社区调委会。")
    accept_via_view(second, pending_referral_id(app, case_id))
    with database(app) as session:
        rows = session.execute(select(Referral.to_institution_id, Referral.status)
                               .where(Referral.case_id == case_id).order_by(Referral.id)).all()
    assert [tuple(row) for row in rows] == [(world.committee.id, "returned"),
                                            (world.committee_b.id, "accepted")]
    police_handling, committee_handling = _handlings(app, case_id)
    assert police_handling.outcome == "transferred" and committee_handling.outcome is None
    assert committee_handling.institution_id == world.committee_b.id


# ---------------------------------------------------------------------------------------
# what cannot be forced


def _mediating_case(app, world) -> tuple[object, int]:
    mediator = client_for(app, world.mediator)
    case_id = file_case_via_view(mediator, world.district.id)
    for step in ("accept", "start_mediation"):
        fire_via_view(mediator, case_id, step)
    return mediator, case_id


def test_close_success_before_the_agreement_is_signed_is_refused_with_the_reason(app, world):
    mediator, case_id = _mediating_case(app, world)
    page = fire_via_view(mediator, case_id, "close_success", expect_ok=False)
    (message,) = flashes(page)
    assert guard_text(app, "agreement_signed") in message
    (handling,) = _handlings(app, case_id)
    assert (handling.state, handling.outcome) == ("mediating", None)
    case = _case(app, case_id)
    assert case.state == "mediating" and case.closed_at is None


def test_a_committee_reader_gets_403_and_a_stranger_404_for_a_step(app, world):
    _, case_id = _mediating_case(app, world)
    reader = client_for(app, world.reader)
    assert reader.get(f"/cases/{case_id}").status_code == 200
    stranger = client_for(app, world.stranger)
    with database(app):
        before = snapshot()
    assert reader.post(f"/cases/{case_id}/transitions/withdraw").status_code == 403
    assert stranger.post(f"/cases/{case_id}/transitions/withdraw").status_code == 404
    with database(app):
        assert snapshot() == before             # no step, no event, nobody told
    assert stranger.get(f"/cases/{case_id}").status_code == 404
    (handling,) = _handlings(app, case_id)
    assert (handling.state, handling.outcome) == ("mediating", None)


def _withdrawn_then_accepted(app, world):
    police = client_for(app, world.police_liaison)
    mediator = client_for(app, world.mediator)
    case_id = file_case_via_view(police, world.district.id)
    send_via_view(police, case_id, "police_mediation", world.committee, "请调解。")
    referral_id = pending_referral_id(app, case_id)
    withdrawn = police.post(f"/referrals/{referral_id}/withdraw", follow_redirects=True)
    assert withdrawn.status_code == 200 and not flashes(withdrawn.get_data(as_text=True))
    response = mediator.post(f"/referrals/{referral_id}/accept", follow_redirects=True)
    assert response.status_code == 200
    return case_id, referral_id, flashes(response.get_data(as_text=True))


def test_the_sender_withdraws_and_the_receivers_accept_is_refused(app, world):
    case_id, referral_id, messages = _withdrawn_then_accepted(app, world)
    assert len(messages) == 1 and messages[0]
    with database(app) as session:
        assert session.get(Referral, referral_id).status == "withdrawn"
    (handling,) = _handlings(app, case_id)
    assert (handling.institution_id, handling.outcome) == (world.police.id, None)


def test_accepting_a_withdrawn_referral_says_it_was_already_answered_or_withdrawn(app, world):
    _, _, messages = _withdrawn_then_accepted(app, world)
    assert messages == [refusal_text(app, "already_decided")]
