"""The roster: entries kept by the mediator's institution, suggestions for a case, the
mediator designated or chosen by the parties (人民调解法 art. 19), and recusal (回避) recorded
with its decision and the replacement (art. 23(1): a party chooses or accepts the mediator)."""

import re

import pytest
from sqlalchemy import select

from mediation_app.audit.models import CaseEvent
from mediation_app.db import utcnow
from mediation_app.roster import services
from mediation_app.roster.models import MediatorProfile, RecusalRequest


@pytest.fixture
def committee(make):
    town = make.region(level="town", parent=make.district())
    institution = make.institution(region=town)
    mediators = {name: make.user(institution=institution, display_name=name)
                 for name in ("李调解", "王调解", "赵调解")}
    return institution, mediators


def _list(session, mediator, specialties=(), max_load=10):
    return services.keep_profile(session, mediator, services.ProfileData(
        specialties=list(specialties), qualifications="法律职业资格",
        region=mediator.institution.region, max_load=max_load), now=utcnow())


def test_a_roster_entry_keeps_specialties_qualifications_and_capacity(session, committee):
    _institution, mediators = committee
    _list(session, mediators["李调解"], ["neighbour", "loan"], max_load=8)
    profile = session.scalar(select(MediatorProfile))
    assert (profile.specialties, profile.qualifications, profile.max_load) == (
        ["loan", "neighbour"], "法律职业资格", 8)


def test_only_mediators_are_put_on_the_roster(session, make, committee):
    institution, _mediators = committee
    liaison = make.user(role="liaison", institution=institution)
    with pytest.raises(services.RosterError) as refused:
        _list(session, liaison)
    assert refused.value.code == "not_a_mediator"


def test_suggestions_rank_specialists_then_the_least_loaded(session, make, committee):
    _institution, mediators = committee
    _list(session, mediators["李调解"], ["neighbour"])
    _list(session, mediators["王调解"], ["neighbour"])
    _list(session, mediators["赵调解"], ["loan"])
    make.case(by=mediators["李调解"], assigned_mediator=mediators["李调解"])
    case = make.case(by=mediators["李调解"], dispute_type="neighbour")
    names = [s.candidate.name for s in services.suggestions(session, case)]
    assert names == ["王调解", "李调解", "赵调解"]


def test_the_parties_choice_of_mediator_is_recorded_as_such(session, make, committee):
    _institution, mediators = committee
    case = make.case(by=mediators["李调解"])
    services.assign_mediator(session, case, mediators["王调解"], chosen_by_party=True,
                             actor=mediators["李调解"], now=utcnow())
    assert case.assigned_mediator_id == mediators["王调解"].id
    event = session.scalar(select(CaseEvent).where(CaseEvent.action == "mediator.assigned"))
    assert event.data == {"mediator": "王调解", "before": None, "basis": "party_choice"}


def test_a_mediator_of_another_institution_cannot_be_assigned(session, make, committee):
    _institution, mediators = committee
    case = make.case(by=mediators["李调解"])
    with pytest.raises(services.RosterError) as refused:
        services.assign_mediator(session, case, make.user(), chosen_by_party=False,
                                 actor=mediators["李调解"], now=utcnow())
    assert refused.value.code == "not_on_roster"


def _recusal(session, make, mediators):
    case = make.case(by=mediators["李调解"], assigned_mediator=mediators["李调解"])
    request = services.request_recusal(session, case, reason="调解员与被申请人是亲戚",
                                       party=case.parties[0], actor=mediators["王调解"],
                                       now=utcnow())
    return case, request


def test_a_granted_recusal_hands_the_case_to_the_replacement(session, make, committee):
    _institution, mediators = committee
    case, request = _recusal(session, make, mediators)
    services.decide_recusal(session, request, granted=True, note="存在亲属关系，应当回避",
                            replacement=mediators["赵调解"], actor=mediators["王调解"],
                            now=utcnow())
    assert (request.status, request.replacement_id) == ("granted", mediators["赵调解"].id)
    assert case.assigned_mediator_id == mediators["赵调解"].id
    actions = session.scalars(select(CaseEvent.action).where(CaseEvent.case_id == case.id)
                              .order_by(CaseEvent.seq)).all()
    assert actions[-3:] == ["recusal.requested", "recusal.decided", "mediator.assigned"]


def test_a_refused_recusal_keeps_the_mediator(session, make, committee):
    _institution, mediators = committee
    case, request = _recusal(session, make, mediators)
    services.decide_recusal(session, request, granted=False, note="不存在应回避的情形",
                            replacement=None, actor=mediators["王调解"], now=utcnow())
    assert request.status == "refused" and case.assigned_mediator_id == mediators["李调解"].id


def test_a_recusal_is_decided_once(session, make, committee):
    _institution, mediators = committee
    _case, request = _recusal(session, make, mediators)
    services.decide_recusal(session, request, granted=False, note="不予回避", replacement=None,
                            actor=mediators["王调解"], now=utcnow())
    with pytest.raises(services.RosterError) as refused:
        services.decide_recusal(session, request, granted=True, note="改为回避",
                                replacement=mediators["赵调解"], actor=mediators["王调解"],
                                now=utcnow())
    assert refused.value.code == "not_pending"


def test_granting_needs_another_mediator(session, make, committee):
    _institution, mediators = committee
    _case, request = _recusal(session, make, mediators)
    with pytest.raises(services.RosterError) as refused:
        services.decide_recusal(session, request, granted=True, note="回避",
                                replacement=mediators["李调解"], actor=mediators["王调解"],
                                now=utcnow())
    assert refused.value.code == "same_mediator"
    assert session.get(RecusalRequest, request.id).status == "pending"


def test_the_roster_page_lists_entries_with_their_load(client, session, make, login,
                                                      committee):
    _institution, mediators = committee
    _list(session, mediators["李调解"], ["neighbour"], max_load=9)
    make.case(by=mediators["李调解"], assigned_mediator=mediators["李调解"])
    make.commit()
    page = login(mediators["王调解"]).get("/roster").get_data(as_text=True)
    assert "李调解" in page and "1 / 9" in page and "邻里" in page


def test_the_case_page_suggests_and_assigns_through_the_form(client, session, make, login,
                                                            committee):
    _institution, mediators = committee
    _list(session, mediators["赵调解"], ["neighbour"])
    case = make.case(by=mediators["李调解"])
    make.commit()
    signed_in = login(mediators["李调解"])
    assert "赵调解" in signed_in.get(f"/cases/{case.id}/mediators").get_data(as_text=True)
    signed_in.post(f"/cases/{case.id}/mediators",
                   data={"mediator_id": mediators["赵调解"].id, "chosen_by_party": "y"})
    session.refresh(case)
    assert case.assigned_mediator_id == mediators["赵调解"].id


def test_the_assign_form_starts_on_the_mediator_the_parties_chose(client, session, make, login,
                                                                  committee):
    """人民调解法 art. 19: the parties may choose the mediator; the holder's form proposes the
    choice, marked as theirs, for staff to confirm."""
    _institution, mediators = committee
    for name in ("赵调解", "王调解"):
        _list(session, mediators[name], ["neighbour"])
    case = make.case(by=mediators["李调解"])
    services.record_choice(session, case, case.parties[0], mediators["王调解"].id, now=utcnow())
    make.commit()

    page = login(mediators["李调解"]).get(f"/cases/{case.id}/mediators").get_data(as_text=True)

    assert f'<option selected value="{mediators["王调解"].id}">' in page
    assert re.search(r'<input checked id="chosen_by_party"[^>]*type="checkbox"', page)
