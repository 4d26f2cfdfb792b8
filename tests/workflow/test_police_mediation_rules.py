"""治安调解: the rules of 公安机关办理行政案件程序规定 (治安调解 section) the police workflow
enforces. Article numbers are those of the 2020 text (公安部令第160号): art. 178 (民间纠纷
引起、情节较轻, and how it arose), art. 179 (the exclusions), art. 181 (a minor party's
parents or other guardian attend)."""

from datetime import date

import pytest
from sqlalchemy import select

from mediation_app.audit.models import CaseEvent
from mediation_app.casefile.models import Case, Handling
from mediation_app.db import utcnow
from mediation_app.handlings import police
from mediation_app.handlings.services import HandlingError, fire_transition
from mediation_app.labels import LABELS

from ..factories import id_number


def _police_case(make, *, parties=None):
    officer = make.user(role="liaison", institution=make.institution(kind="police"))
    case = make.case(by=officer, parties=parties)
    return case, officer


def _examine(make, case, officer, **changes):
    values = {"civil_dispute": True, "minor_circumstances": True,
              "circumstance": "trifles_between_acquaintances", "exclusions": [], **changes}
    return police.record_eligibility(make.session, case, police.Eligibility(**values),
                                     actor=officer, now=utcnow())


def _fire(make, case, officer, step):
    return fire_transition(make.session, case, step, actor=officer, now=utcnow())


def _years_ago(years: int) -> str:
    today = date.today()
    return f"{today.year - years:04d}0101"


def _with_minor(make, years: int):
    minor = make.party("respondent", name="小明", id_number=id_number(birth=_years_ago(years)))
    return _police_case(make, parties=[make.party("applicant", name="王强"), minor])


def test_a_police_case_is_accepted_only_after_its_eligibility_is_examined(make):
    """程序规定 arts. 178, 179: whether the case may be mediated is examined on acceptance."""
    case, officer = _police_case(make)
    with pytest.raises(HandlingError) as refused:
        _fire(make, case, officer, "accept")
    assert refused.value.guards == ("eligibility_recorded",)


def test_the_examination_is_stored_on_the_handling_with_an_audit_event(make):
    """程序规定 arts. 178, 179: the finding (cause, circumstances, exclusions) is kept."""
    case, officer = _police_case(make)
    _examine(make, case, officer, exclusions=["party_refuses"], note="被侵害人拒绝调解")
    make.session.expire_all()
    finding = make.session.get(Handling, case.current_handling.id).facts["police_eligibility"]
    assert (finding["eligible"], finding["exclusions"], finding["recorded_by"]) == (
        False, ["party_refuses"], officer.id)
    event = make.session.scalar(select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "police.eligibility"))
    assert event.data["eligible"] is False and event.data["label"] == "不符合治安调解条件"


def test_a_qualifying_case_is_accepted_and_mediation_starts(make):
    """程序规定 art. 178: caused by a dispute between people, minor circumstances."""
    case, officer = _police_case(make)
    _examine(make, case, officer)
    _fire(make, case, officer, "accept")
    _fire(make, case, officer, "start_mediation")
    assert case.state == "mediating"


def test_mediation_does_not_start_for_a_violation_not_caused_by_a_dispute_between_people(make):
    """程序规定 art. 178 (治安管理处罚法 art. 9): only violations caused by 民间纠纷."""
    case, officer = _police_case(make)
    _examine(make, case, officer, civil_dispute=False)
    _fire(make, case, officer, "accept")
    with pytest.raises(HandlingError) as refused:
        _fire(make, case, officer, "start_mediation")
    assert refused.value.guards == ("eligible_for_police_mediation",)


def test_mediation_does_not_start_unless_the_circumstances_are_minor(make):
    """程序规定 art. 178: only where the circumstances are minor (情节较轻)."""
    case, officer = _police_case(make)
    _examine(make, case, officer, minor_circumstances=False)
    _fire(make, case, officer, "accept")
    with pytest.raises(HandlingError, match="eligible_for_police_mediation"):
        _fire(make, case, officer, "start_mediation")


@pytest.mark.parametrize("exclusion", police.EXCLUSIONS)
def test_mediation_does_not_start_when_an_exclusion_applies(make, exclusion):
    """程序规定 art. 179: hired violence, gang fights and 寻衅滋事, repeated violations, a
    party refusing, a new violation during mediation, the offender fleeing, or otherwise
    unsuitable: never mediated."""
    case, officer = _police_case(make)
    _examine(make, case, officer, exclusions=[exclusion])
    _fire(make, case, officer, "accept")
    with pytest.raises(HandlingError, match="eligible_for_police_mediation"):
        _fire(make, case, officer, "start_mediation")


def test_an_exclusion_found_later_is_recorded_on_a_new_examination(make):
    """程序规定 art. 179 (5), (6): a new violation or flight during mediation is found later;
    the latest examination is what counts."""
    case, officer = _police_case(make)
    _examine(make, case, officer)
    _examine(make, case, officer, exclusions=["offender_fled"])
    assert police.eligibility_of(case.current_handling)["eligible"] is False


def test_a_party_under_18_needs_a_guardian_before_mediation_starts(make):
    """程序规定 art. 181: where a party is a minor, the parents or other guardian are told
    to attend the mediation."""
    case, officer = _with_minor(make, 15)
    _examine(make, case, officer)
    _fire(make, case, officer, "accept")
    with pytest.raises(HandlingError) as refused:
        _fire(make, case, officer, "start_mediation")
    assert refused.value.guards == ("minors_accompanied",)
    minor = case.parties[1]
    police.record_guardian(make.session, case, minor, name="李芳", relation="母亲",
                           waived=False, actor=officer, now=utcnow())
    _fire(make, case, officer, "start_mediation")
    assert case.state == "mediating"
    assert police.guardians_of(case.current_handling)[str(minor.id)]["name"] == "李芳"


def test_an_adult_party_needs_no_guardian(make):
    """程序规定 art. 181 concerns minors only (民法典 art. 17: 18 and over are adults)."""
    case, officer = _with_minor(make, 18)
    assert police.minors(case, date.today()) == []
    with pytest.raises(police.PoliceMediationError, match="not_a_minor"):
        police.record_guardian(make.session, case, case.parties[1], name="李芳", relation="母亲",
                               waived=False, actor=officer, now=utcnow())


def test_a_self_supporting_minor_of_16_may_agree_the_guardian_is_not_told(make):
    """程序规定 art. 181 proviso: a party of 16 or 17 living on their own earnings may agree
    that the guardian is not told."""
    case, officer = _with_minor(make, 16)
    _examine(make, case, officer)
    _fire(make, case, officer, "accept")
    police.record_guardian(make.session, case, case.parties[1], name="", relation="",
                           waived=True, actor=officer, now=utcnow())
    _fire(make, case, officer, "start_mediation")
    assert case.state == "mediating"


def test_a_minor_under_16_cannot_waive_the_guardian(make):
    """程序规定 art. 181: the proviso is for minors of 16 and over only."""
    case, officer = _with_minor(make, 15)
    with pytest.raises(police.PoliceMediationError, match="waiver_too_young"):
        police.record_guardian(make.session, case, case.parties[1], name="", relation="",
                               waived=True, actor=officer, now=utcnow())


def test_a_guardian_needs_a_name(make):
    """程序规定 art. 181: the guardian told to attend is named."""
    case, officer = _with_minor(make, 15)
    with pytest.raises(police.PoliceMediationError, match="guardian_required"):
        police.record_guardian(make.session, case, case.parties[1], name=" ", relation="母亲",
                               waived=False, actor=officer, now=utcnow())


def test_peoples_mediation_records_no_police_examination(make):
    """The rules are the police workflow's: a people's mediation committee is not asked."""
    mediator = make.user()
    case = make.case(by=mediator)
    with pytest.raises(police.PoliceMediationError, match="not_asked"):
        _examine(make, case, mediator)


def test_every_exclusion_and_circumstance_has_a_chinese_label():
    """The lists of 程序规定 arts. 178 and 179 are shown in Chinese, never as codes."""
    assert set(LABELS["police_exclusion"]) == set(police.EXCLUSIONS)
    assert set(LABELS["police_circumstance"]) == set(police.CIRCUMSTANCES)


# -- the pages ---------------------------------------------------------------------------

def test_the_examination_is_recorded_through_the_case_page(make, login, session):
    """程序规定 arts. 178, 179: the officer ticks the findings on the case page."""
    case, officer = _police_case(make)
    make.commit()
    client = login(officer)
    assert "治安调解适用条件" in client.get(f"/cases/{case.id}").get_data(as_text=True)
    client.post(f"/cases/{case.id}/police/eligibility", data={
        "civil_dispute": "y", "minor_circumstances": "y",
        "circumstance": "injured_party_at_fault", "exclusions": ["repeated_violations"]})
    session.expire_all()
    finding = session.get(Case, case.id).current_handling.facts["police_eligibility"]
    assert (finding["circumstance"], finding["exclusions"], finding["eligible"]) == (
        "injured_party_at_fault", ["repeated_violations"], False)


def test_starting_an_ineligible_mediation_says_why_in_chinese(make, login, session):
    """程序规定 arts. 178, 179: the refusal names the rule, in Chinese."""
    case, officer = _police_case(make)
    _examine(make, case, officer, exclusions=["hired_to_hurt"])
    _fire(make, case, officer, "accept")
    make.commit()
    response = login(officer).post(f"/cases/{case.id}/transitions/start_mediation",
                                   follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "不符合治安调解条件" in text and "第一百七十九条" in text
    session.expire_all()
    assert session.get(Case, case.id).state == "accepted"


def test_a_missing_guardian_is_explained_in_chinese(make, login, session):
    """程序规定 art. 181: the refusal asks for the minor's guardian, in Chinese."""
    case, officer = _with_minor(make, 15)
    _examine(make, case, officer)
    _fire(make, case, officer, "accept")
    make.commit()
    client = login(officer)
    text = client.post(f"/cases/{case.id}/transitions/start_mediation",
                       follow_redirects=True).get_data(as_text=True)
    assert "监护人" in text and "第一百八十一条" in text
    client.post(f"/cases/{case.id}/police/guardians", data={
        "party": str(case.parties[1].id), "name": "李芳", "relation": "母亲"})
    session.expire_all()
    guardians = session.get(Case, case.id).current_handling.facts["guardians"]
    assert guardians[str(case.parties[1].id)]["relation"] == "母亲"
    event = session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                   CaseEvent.action == "police.guardian"))
    assert event.actor_id == officer.id and event.data["guardian"] == "李芳"
