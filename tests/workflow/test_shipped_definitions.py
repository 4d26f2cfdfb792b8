"""The workflow definitions shipped in workflows/*.yaml: each loads, is well formed, and
gives each role exactly the moves written out below. The tables are the specification:
change a YAML file's roles or sources and the table here must change with it."""

from collections import deque
from pathlib import Path

import pytest

from mediation_app.domain.codes import Role, values
from mediation_app.workflow import available, load_definition
from mediation_app.workflow.catalog import Catalog
from mediation_app.workflow.definition import TRANSFERRED
from mediation_app.workflow.guards import Facts

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yaml"))
ROLES = values(Role)

# workflow -> state -> role -> transitions that role may fire there (whatever the guards).
# A role or state left out may fire nothing; every state of the workflow is listed.
_ACCEPT_MEDIATE_CLOSE = {
    "registered": {"accept", "withdraw"},
    "accepted": {"start_mediation", "withdraw"},
    "mediating": {"close_success", "close_failure", "withdraw"},
    "succeeded": set(),
    "failed": set(),
    "withdrawn": set(),
}
EXPECTED = {
    "peoples_committee": {
        "registered": {"mediator": {"accept", "decline"}},
        "accepted": {"mediator": {"start_mediation", "withdraw"}},
        "mediating": {"mediator": {"close_success", "close_failure", "withdraw"}},
        "succeeded": {},
        "failed": {},
        "withdrawn": {},
    },
    "police_mediation": {state: {"liaison": moves, "mediator": moves} for state, moves in {
        "registered": {"accept", "withdraw"},
        "accepted": {"start_mediation", "withdraw"},
        "mediating": {"agree", "close_failure", "withdraw"},
        "agreed": {"close_success", "not_performed"},
        "succeeded": set(),
        "punishment": set(),
        "withdrawn": set(),
    }.items()},
    "admin_mediation": {state: {"liaison": moves, "mediator": moves}
                        for state, moves in _ACCEPT_MEDIATE_CLOSE.items()},
    "arbitration_mediation": {state: {"liaison": moves, "mediator": moves}
                              for state, moves in _ACCEPT_MEDIATE_CLOSE.items()},
    "lawyer_mediation": {state: {"mediator": moves}
                         for state, moves in _ACCEPT_MEDIATE_CLOSE.items()},
    # 道路交通事故处理程序规定 第八十六条: a late application is declined (不予受理)
    "traffic_accident": {state: {"liaison": moves, "mediator": moves}
                         for state, moves in {**_ACCEPT_MEDIATE_CLOSE,
                                              "registered": {"accept", "decline",
                                                             "withdraw"}}.items()},
    "labour": {state: {"liaison": moves, "mediator": moves}
               for state, moves in _ACCEPT_MEDIATE_CLOSE.items()},
    "court_prefiling": {
        "registered": {"liaison": {"accept", "withdraw"}, "mediator": {"accept", "withdraw"}},
        "accepted": {"liaison": {"start_mediation", "close_failure", "withdraw"},
                     "mediator": {"start_mediation", "close_failure", "withdraw"}},
        "mediating": {"liaison": {"close_success", "close_failure", "withdraw"},
                      "mediator": {"close_success", "close_failure", "withdraw"}},
        "succeeded": {},
        "failed": {},
        "withdrawn": {},
    },
    "court_in_suit": {
        "registered": {"liaison": {"start_mediation", "withdraw"},
                       "mediator": {"start_mediation", "withdraw"}},
        "mediating": {"liaison": {"close_success", "close_failure", "withdraw"},
                      "mediator": {"close_success", "close_failure", "withdraw"}},
        "succeeded": {},
        "failed": {},
        "withdrawn": {},
    },
    "judicial_confirmation": {
        "registered": {"liaison": {"accept", "withdraw"}, "mediator": {"accept", "withdraw"}},
        "reviewing": {"liaison": {"extend", "confirm", "reject", "withdraw"},
                      "mediator": {"extend", "confirm", "reject", "withdraw"}},
        "extended": {"liaison": {"confirm", "reject", "withdraw"},
                     "mediator": {"confirm", "reject", "withdraw"}},
        "confirmed": {},
        "rejected": {},
        "withdrawn": {},
    },
    "petition_office": {
        "registered": {"liaison": {"screen", "keep_as_petition"}},
        "screening": {"liaison": {"keep_as_petition"}},
        "handled_as_petition": {},
    },
    "procuratorate": {
        "registered": {"liaison": {"review", "close"}},
        "reviewing": {"liaison": {"close"}},
        "closed": {},
    },
    "governance_dispatch": {
        "registered": {"dispatcher": {"assess", "close"}},
        "assessing": {"dispatcher": {"close"}},
        "closed": {},
    },
}

per_file = pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])


def _reachable(definition) -> set[str]:
    edges: dict[str, set[str]] = {}
    for transition in definition.transitions:
        for source in transition.sources:
            edges.setdefault(source, set()).add(transition.target)
    reached, queue = {definition.initial.name}, deque([definition.initial.name])
    while queue:
        for target in edges.get(queue.popleft(), ()):
            if target not in reached:
                reached.add(target)
                queue.append(target)
    return reached


@pytest.fixture(scope="module")
def catalog():
    return Catalog.load_directory(WORKFLOWS)


def test_the_workflows_folder_holds_a_definition_for_every_expected_workflow():
    assert {path.stem for path in FILES} == set(EXPECTED)


@per_file
def test_a_shipped_definition_loads_and_is_named_after_its_file(path):
    definition = load_definition(path)

    assert definition.name == path.stem
    assert definition.version >= 1


@per_file
def test_every_state_of_a_shipped_definition_is_reachable_from_its_initial_state(path):
    definition = load_definition(path)

    assert _reachable(definition) == {state.name for state in definition.states}


@per_file
def test_every_terminal_state_of_a_shipped_definition_has_an_outcome(path):
    definition = load_definition(path)
    leaving = {source for transition in definition.transitions for source in transition.sources}

    for state in definition.states:
        if state.name not in leaving:
            assert state.outcome is not None, f"{state.name} is terminal without an outcome"


@per_file
def test_no_transition_leaves_a_state_that_has_an_outcome(path):
    definition = load_definition(path)
    leaving = {source for transition in definition.transitions for source in transition.sources}

    assert not {state.name for state in definition.states if state.is_terminal} & leaving


@per_file
def test_each_role_may_fire_exactly_the_transitions_in_the_table(path):
    definition = load_definition(path)
    table = EXPECTED[definition.name]
    assert set(table) == {state.name for state in definition.states}

    for state in definition.states:
        for role in ROLES:
            offered = {option.transition.name
                       for option in available(definition, state.name, role, Facts())}
            assert offered == table[state.name].get(role, set()), (state.name, role)


@per_file
def test_no_role_may_fire_anything_from_the_built_in_transferred_state(path):
    definition = load_definition(path)

    for role in ROLES:
        assert available(definition, TRANSFERRED, role, Facts()) == []


def test_the_catalog_of_the_whole_folder_loads(catalog):
    assert {definition.name for definition in catalog} == set(EXPECTED)


def test_every_referral_kind_some_workflow_sends_is_received_by_some_workflow(catalog):
    sent = {rule.kind for definition in catalog for rule in definition.sends}
    received = {kind for definition in catalog for kind in definition.receives}

    assert sent
    assert sent <= received


def test_every_sent_referral_kind_has_an_institution_kind_that_receives_it(catalog):
    for definition in catalog:
        for rule in definition.sends:
            assert catalog.receiving_kinds(rule.kind), (definition.name, rule.kind)


def test_a_court_files_under_court_prefiling_first_then_the_non_default_court_workflows(catalog):
    names = [definition.name for definition in catalog.for_filing("court")]

    assert names == ["court_prefiling", "court_in_suit", "judicial_confirmation"]


@pytest.mark.parametrize(("institution_kind", "workflow"), [
    ("peoples_committee", "peoples_committee"),
    ("professional_committee", "peoples_committee"),
    ("police", "police_mediation"),
    ("traffic_police", "traffic_accident"),
    ("labour_bureau", "labour"),
    ("admin_other", "admin_mediation"),
    ("arbitration", "arbitration_mediation"),
    ("trade_union", "peoples_committee"),
    ("womens_federation", "peoples_committee"),
    ("lawyer_mediation", "lawyer_mediation"),
    ("procuratorate", "procuratorate"),
    ("petition_office", "petition_office"),
    ("governance_centre", "governance_dispatch"),
])
def test_an_institution_files_new_cases_under_its_channel_workflow(
        catalog, institution_kind, workflow):
    assert [definition.name for definition in catalog.for_filing(institution_kind)] == [workflow]


def test_an_institution_kind_no_workflow_serves_may_file_under_none(catalog):
    assert catalog.for_filing("committee") == []


@pytest.mark.parametrize(("institution_kind", "referral_kind", "workflow"), [
    ("peoples_committee", "delegate", "peoples_committee"),
    ("peoples_committee", "entrust", "peoples_committee"),
    ("professional_committee", "police_mediation", "peoples_committee"),
    ("court", "judicial_confirmation", "judicial_confirmation"),
    ("court", "escalate", "court_prefiling"),
    ("governance_centre", "escalate", "governance_dispatch"),
    ("petition_office", "escalate", "petition_office"),
    ("police", "dispatch", "police_mediation"),
    ("labour_bureau", "petition_mediation", "labour"),
    ("admin_other", "dispatch", "admin_mediation"),
    ("arbitration", "dispatch", "arbitration_mediation"),
    ("trade_union", "dispatch", "peoples_committee"),
    ("womens_federation", "dispatch", "peoples_committee"),
    ("lawyer_mediation", "dispatch", "lawyer_mediation"),
])
def test_a_referral_is_taken_over_under_the_workflow_that_receives_its_kind(
        catalog, institution_kind, referral_kind, workflow):
    assert catalog.for_referral(institution_kind, referral_kind).name == workflow


@pytest.mark.parametrize(("institution_kind", "referral_kind"), [
    ("court", "delegate"),
    ("peoples_committee", "judicial_confirmation"),
    ("police", "escalate"),
])
def test_a_referral_kind_the_institution_has_no_workflow_for_finds_none(
        catalog, institution_kind, referral_kind):
    assert catalog.for_referral(institution_kind, referral_kind) is None
