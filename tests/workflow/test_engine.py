"""available() offers a role its moves from a state, saying which guards block each;
fire() refuses a move with a reason code or returns the transition."""

from pathlib import Path

import pytest

from mediation_app.workflow import (
    TransitionRefused,
    available,
    fire,
    load_definition,
    parse_definition,
)
from mediation_app.workflow.definition import TRANSFERRED
from mediation_app.workflow.guards import GUARDS, Facts, failing

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"

SIGNED_AFTER_A_SESSION = Facts(sessions=1, agreement_signed=True)


@pytest.fixture(scope="module")
def committee():
    return load_definition(WORKFLOWS / "peoples_committee.yaml")


@pytest.fixture(scope="module")
def traffic():
    return load_definition(WORKFLOWS / "traffic_accident.yaml")


def offered(options):
    return {option.transition.name: option.blocked_by for option in options}


def test_available_lists_only_the_transitions_the_role_may_fire_from_the_state(committee):
    options = available(committee, "registered", "mediator", Facts())

    assert [option.transition.name for option in options] == ["accept", "decline"]
    assert all(option.allowed for option in options)


def test_available_lists_nothing_for_a_role_the_state_gives_no_move(committee):
    assert available(committee, "registered", "liaison", Facts()) == []


def test_available_lists_nothing_from_a_terminal_state(committee):
    assert available(committee, "succeeded", "mediator", SIGNED_AFTER_A_SESSION) == []


def test_available_lists_nothing_from_the_built_in_transferred_state(committee):
    assert available(committee, TRANSFERRED, "mediator", SIGNED_AFTER_A_SESSION) == []


def test_available_lists_nothing_from_a_state_the_workflow_does_not_have(committee):
    assert available(committee, "reviewing", "mediator", Facts()) == []


def test_a_guarded_transition_is_listed_with_the_guards_it_lacks(committee):
    options = offered(available(committee, "mediating", "mediator", Facts()))

    assert options == {"close_success": ("agreement_signed",),
                       "close_failure": ("has_session",),
                       "withdraw": ()}


def test_a_blocked_option_is_not_allowed(committee):
    option = next(option for option in available(committee, "mediating", "mediator", Facts())
                  if option.transition.name == "close_success")

    assert not option.allowed


def test_a_signed_agreement_unblocks_closing_as_a_success_but_not_as_a_failure(committee):
    options = offered(available(committee, "mediating", "mediator", Facts(agreement_signed=True)))

    assert options["close_success"] == ()
    assert options["close_failure"] == ("has_session",)


def test_a_held_session_unblocks_closing_as_a_failure(committee):
    options = offered(available(committee, "mediating", "mediator", Facts(sessions=1)))

    assert options["close_failure"] == ()
    assert options["close_success"] == ("agreement_signed",)


def test_with_every_fact_in_place_every_option_is_allowed(committee):
    options = available(committee, "mediating", "mediator", SIGNED_AFTER_A_SESSION)

    assert [option.transition.name for option in options] == [
        "close_success", "close_failure", "withdraw"]
    assert all(option.allowed for option in options)


def test_traffic_mediation_starts_without_an_insurer(traffic):
    """道路交通事故处理程序规定: an insurer takes part only where there is one; mediation
    between the parties alone is possible."""
    options = offered(available(traffic, "accepted", "liaison",
                                Facts(organisation_parties=0, traffic_loss_event_recorded=True)))

    assert options["start_mediation"] == ()


def test_fire_returns_the_transition_when_it_is_allowed(committee):
    transition = fire(committee, "registered", "accept", "mediator", Facts())

    assert transition is committee.transition("accept")
    assert transition.target == "accepted"


def test_fire_returns_a_guarded_transition_once_its_guard_holds(committee):
    transition = fire(committee, "mediating", "close_success", "mediator",
                      Facts(agreement_signed=True))

    assert transition.target == "succeeded"


def test_fire_refuses_a_transition_the_workflow_does_not_have_as_unknown(committee):
    with pytest.raises(TransitionRefused) as refused:
        fire(committee, "registered", "approve", "mediator", Facts())

    assert refused.value.code == "unknown"
    assert refused.value.guards == ()


def test_fire_refuses_a_transition_from_another_state_as_wrong_state(committee):
    with pytest.raises(TransitionRefused) as refused:
        fire(committee, "registered", "close_success", "mediator", SIGNED_AFTER_A_SESSION)

    assert refused.value.code == "wrong_state"


def test_fire_refuses_any_transition_from_a_terminal_state_as_wrong_state(committee):
    with pytest.raises(TransitionRefused) as refused:
        fire(committee, "withdrawn", "withdraw", "mediator", Facts())

    assert refused.value.code == "wrong_state"


def test_fire_refuses_a_role_the_transition_does_not_name_as_wrong_role(committee):
    with pytest.raises(TransitionRefused) as refused:
        fire(committee, "registered", "accept", "liaison", Facts())

    assert refused.value.code == "wrong_role"


def test_fire_checks_the_state_before_the_role(committee):
    with pytest.raises(TransitionRefused) as refused:
        fire(committee, "mediating", "accept", "liaison", Facts())

    assert refused.value.code == "wrong_state"


def test_fire_checks_the_role_before_the_guards(committee):
    with pytest.raises(TransitionRefused) as refused:
        fire(committee, "mediating", "close_success", "admin", Facts())

    assert refused.value.code == "wrong_role"


def test_fire_refuses_an_unmet_guard_naming_it(committee):
    with pytest.raises(TransitionRefused) as refused:
        fire(committee, "mediating", "close_success", "mediator", Facts(sessions=3))

    assert refused.value.code == "unmet"
    assert refused.value.guards == ("agreement_signed",)
    assert str(refused.value) == "unmet: agreement_signed"


def test_fire_names_every_unmet_guard_in_the_order_the_definition_requires_them():
    definition = parse_definition("""\
name: two_guards
version: 1
title: Two guards
institution_kinds: [peoples_committee]
states:
  - {name: mediating, label: 调解中, initial: true}
  - {name: succeeded, label: 成功, outcome: success}
transitions:
  - {name: close_success, label: 结案, from: [mediating], to: succeeded, roles: [mediator],
     requires: [has_session, agreement_signed]}
""", "two_guards.yaml")

    with pytest.raises(TransitionRefused) as refused:
        fire(definition, "mediating", "close_success", "mediator", Facts())

    assert refused.value.guards == ("has_session", "agreement_signed")


def test_police_mediation_allows_at_most_two_sessions():
    assert load_definition(WORKFLOWS / "police_mediation.yaml").max_sessions == 2


def test_peoples_mediation_sets_no_session_limit(committee):
    assert committee.max_sessions is None


@pytest.mark.parametrize(("days", "holds"), [(None, False), (0, True), (30, True), (31, False)])
def test_judicial_confirmation_may_be_asked_for_within_30_days_of_the_agreement(days, holds):
    assert GUARDS["within_confirmation_window"](Facts(days_since_agreement=days)) is holds


@pytest.mark.parametrize(("arrived_by", "holds"), [
    ("delegate", True), ("entrust", True), ("dispatch", False), (None, False)])
def test_only_a_case_the_court_delegated_or_entrusted_may_be_returned_to_it(arrived_by, holds):
    assert GUARDS["arrived_by_court_delegation"](Facts(arrived_by=arrived_by)) is holds


def test_failing_names_the_guards_that_do_not_hold_in_the_order_given():
    facts = Facts(sessions=0, agreement_signed=True, organisation_parties=0)

    assert failing(("organisation_party_joined", "agreement_signed", "has_session"), facts) == (
        "organisation_party_joined", "has_session")


def test_the_sends_rules_of_the_committee_carry_their_guards(committee):
    assert committee.referral_rule("judicial_confirmation").requires == (
        "within_confirmation_window",)
    assert committee.referral_rule("return_to_court").requires == ("arrived_by_court_delegation",)
    assert committee.referral_rule("dispatch") is None
