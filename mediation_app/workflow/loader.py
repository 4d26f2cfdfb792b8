"""Reading definitions from YAML and checking them, with file:line for every problem."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..domain.codes import (
    AgreementDetail,
    Channel,
    DocumentKind,
    DocumentSigner,
    InstitutionKind,
    Outcome,
    PartyRole,
    Role,
    values,
)
from .definition import (
    ENCLOSABLE_DOCUMENTS,
    TRANSFERRED,
    Deadline,
    Definition,
    DocumentSpec,
    OutcomeReason,
    ReferralRule,
    State,
    Transition,
)
from .guards import GUARDS

REFERRAL_KINDS = (
    "delegate", "entrust", "judicial_confirmation", "police_mediation", "petition_mediation",
    "procuratorate_mediation", "dispatch", "escalate", "return_to_court",
    # 交警 ⇄ 交通事故人民调解委员会 (道路交通事故处理程序规定 第八十六条第二款)
    "traffic_peoples_mediation", "traffic_police_mediation",
)
LINE = "__line__"


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class DefinitionInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


KEY_LINES = "__key_lines__"


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records the line of every mapping under '__line__' and of each
    of its keys under '__key_lines__'."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        mapping[KEY_LINES] = {key.value: key.start_mark.line + 1 for key, _value in node.value
                              if isinstance(key, yaml.ScalarNode)}
        return mapping


def load_definition(path: str | Path, *, templates: Path | None = None) -> Definition:
    path = Path(path)
    return parse_definition(path.read_text(encoding="utf-8"), str(path), templates=templates)


def parse_definition(text: str, path: str = "<string>", *,
                     templates: Path | None = None) -> Definition:
    """`templates`, when given, is the folder every document template named must be in."""
    try:
        document = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = Problem(path, line, f"not valid YAML: {error.problem or error}")
        raise DefinitionInvalid([problem]) from None
    if not isinstance(document, dict):
        raise DefinitionInvalid([Problem(path, 1, "a definition is a mapping of keys")])
    checker = _Checker(path, document, templates)
    definition = checker.build()
    if checker.problems:
        raise DefinitionInvalid(sorted(checker.problems, key=lambda problem: problem.line))
    return definition


class _Checker:
    def __init__(self, path: str, document: dict, templates: Path | None = None):
        self.path = path
        self.document = document
        self.templates = templates
        self.problems: list[Problem] = []

    def problem(self, node, message: str, key: str | None = None) -> None:
        if isinstance(node, dict):
            line = node.get(KEY_LINES, {}).get(key, node.get(LINE, 1)) if key else node.get(LINE, 1)
        else:
            line = node
        self.problems.append(Problem(self.path, line, message))

    def text(self, node: dict, key: str, *, required: bool = True) -> str:
        value = node.get(key)
        if value is None:
            if required:
                self.problem(node, f"'{key}' is missing")
            return ""
        if not isinstance(value, (str, int)):
            self.problem(node, f"'{key}' must be text")
            return ""
        return str(value)

    def names(self, node: dict, key: str, allowed, what: str) -> tuple[str, ...]:
        value = node.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.problem(node, f"'{key}' must be a list", key)
            return ()
        for item in value:
            if item not in allowed:
                self.problem(node, f"unknown {what} '{item}'", key)
        return tuple(str(item) for item in value)

    def build(self) -> Definition:
        doc = self.document
        version = doc.get("version")
        if not isinstance(version, int) or version < 1:
            self.problem(doc, "'version' must be a whole number from 1", "version")
            version = 0
        channel = doc.get("channel")
        if channel is not None and channel not in values(Channel):
            self.problem(doc, f"unknown channel '{channel}'", "channel")
        states = self.states(doc.get("states"))
        state_names = {state.name for state in states}
        transitions = self.transitions(doc.get("transitions"), state_names)
        documents = tuple(self.documents(doc.get("documents", []), state_names))
        definition = Definition(
            name=self.text(doc, "name"),
            version=version,
            title=self.text(doc, "title"),
            channel=channel,
            institution_kinds=self.names(doc, "institution_kinds", values(InstitutionKind),
                                         "institution kind"),
            states=tuple(states),
            transitions=tuple(transitions),
            sends=tuple(self.referral_rules(doc.get("sends", []), state_names,
                                            {spec.kind for spec in documents})),
            receives=self.names(doc, "receives", REFERRAL_KINDS, "referral kind"),
            counts_as_mediation=bool(doc.get("counts_as_mediation", True)),
            max_sessions=self.max_sessions(doc),
            default_for_filing=bool(doc.get("default_for_filing", True)),
            documents=documents,
            reasons=tuple(self.reasons(doc.get("outcome_reasons", []))),
            party_labels=self.party_labels(doc),
        )
        if states and not self.problems:
            self.reachability(definition)
        return definition

    def max_sessions(self, doc: dict) -> int | None:
        value = doc.get("max_sessions")
        if value is not None and (not isinstance(value, int) or value < 1):
            self.problem(doc, "'max_sessions' must be a whole number from 1", "max_sessions")
            return None
        return value

    def states(self, nodes) -> list[State]:
        if not isinstance(nodes, list) or not nodes:
            self.problem(self.document, "'states' must be a non-empty list", "states")
            return []
        states, seen = [], set()
        for node in nodes:
            if not isinstance(node, dict):
                self.problem(self.document, "each state must be a mapping")
                continue
            name = self.text(node, "name")
            if name in seen:
                self.problem(node, f"duplicate state '{name}'")
            if name == TRANSFERRED:
                self.problem(node, f"'{TRANSFERRED}' is built in: a handling ends so when a "
                                   "referral is accepted")
            seen.add(name)
            outcome = node.get("outcome")
            if outcome is not None and outcome not in values(Outcome):
                self.problem(node, f"unknown outcome '{outcome}'")
            states.append(State(name=name, label=self.text(node, "label"),
                                initial=bool(node.get("initial", False)), outcome=outcome,
                                deadline=self.deadline(node)))
        initials = [node for node in nodes if isinstance(node, dict) and node.get("initial")]
        if not initials:
            self.problem(self.document, "no state is initial: mark one with initial: true",
                         "states")
        for extra in initials[1:]:
            self.problem(extra, "a second initial state: exactly one state must be initial")
        return states

    def deadline(self, node: dict) -> Deadline | None:
        value = node.get("deadline")
        if value is None:
            return None
        if not isinstance(value, dict):
            self.problem(node, "bad deadline: write {days: N, unit: calendar|working}")
            return None
        days, unit = value.get("days"), value.get("unit", "calendar")
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 366:
            self.problem(value, f"bad deadline: days must be a whole number 1–366, not {days!r}")
            return None
        if unit not in ("calendar", "working"):
            self.problem(value, f"bad deadline: unit must be calendar or working, not {unit!r}")
            return None
        extends = value.get("extends", False)
        if not isinstance(extends, bool):
            self.problem(value, f"bad deadline: extends must be true or false, not {extends!r}")
            return None
        return Deadline(days, unit, extends)

    def transitions(self, nodes, state_names: set[str]) -> list[Transition]:
        if not isinstance(nodes, list):
            self.problem(self.document, "'transitions' must be a list", "transitions")
            return []
        transitions, names, shapes = [], set(), set()
        for node in nodes:
            if not isinstance(node, dict):
                self.problem(self.document, "each transition must be a mapping")
                continue
            name = self.text(node, "name")
            sources = self.names(node, "from", state_names, "state")
            target = self.text(node, "to")
            if target and target not in state_names:
                self.problem(node, f"unknown state '{target}'")
            roles = self.names(node, "roles", values(Role), "role")
            if not roles:
                self.problem(node, f"transition '{name}' names no role")
            requires = self.names(node, "requires", GUARDS, "guard")
            if name in names:
                self.problem(node, f"duplicate transition '{name}'")
            shape = (frozenset(sources), target, frozenset(roles))
            if shape in shapes:
                self.problem(node, f"duplicate transition: another one already goes from "
                                   f"{', '.join(sources)} to {target} for the same roles")
            names.add(name)
            shapes.add(shape)
            transitions.append(Transition(name=name, label=self.text(node, "label"),
                                          sources=sources, target=target, roles=roles,
                                          requires=requires))
        return transitions

    def referral_rules(self, nodes, state_names: set[str],
                       document_kinds: set[str]) -> list[ReferralRule]:
        if not isinstance(nodes, list):
            self.problem(self.document, "'sends' must be a list", "sends")
            return []
        rules = []
        for node in nodes:
            if not isinstance(node, dict):
                self.problem(self.document, "each entry of 'sends' must be a mapping")
                continue
            kind = self.text(node, "kind")
            if kind and kind not in REFERRAL_KINDS:
                self.problem(node, f"unknown referral kind '{kind}'")
            rules.append(ReferralRule(
                kind=kind,
                sources=self.names(node, "from", state_names, "state"),
                roles=self.names(node, "roles", values(Role), "role"),
                requires=self.names(node, "requires", GUARDS, "guard"),
                encloses=self.enclosures(node, document_kinds),
            ))
        return rules

    def enclosures(self, node: dict, document_kinds: set[str]) -> tuple[str, ...]:
        """Documents sent along with a referral: enclosable kinds this workflow issues."""
        kinds = self.names(node, "encloses", ENCLOSABLE_DOCUMENTS, "enclosed document")
        for kind in kinds:
            if kind not in document_kinds:
                self.problem(node, f"enclosed document '{kind}' is not among this "
                                   "workflow's documents", "encloses")
        return kinds

    def documents(self, nodes, state_names: set[str]) -> list[DocumentSpec]:
        if not isinstance(nodes, list):
            self.problem(self.document, "'documents' must be a list", "documents")
            return []
        specs, kinds = [], set()
        for node in nodes:
            if not isinstance(node, dict):
                self.problem(self.document, "each document must be a mapping", "documents")
                continue
            kind = self.text(node, "kind")
            if kind and kind not in values(DocumentKind):
                self.problem(node, f"unknown document kind '{kind}'", "kind")
            if kind in kinds:
                self.problem(node, f"document '{kind}' is named twice", "kind")
            kinds.add(kind)
            template = self.text(node, "template")
            self.template_exists(node, template)
            specs.append(DocumentSpec(
                kind=kind, template=template, title=self.text(node, "title"),
                seal=self.text(node, "seal", required=False),
                signers=self.names(node, "signers", values(DocumentSigner), "signer"),
                cites=self.text(node, "cites"),
                at=self.names(node, "at", state_names, "state"),
                fields=self.names(node, "fields", values(AgreementDetail), "document field")))
        return specs

    def party_labels(self, doc: dict) -> tuple[tuple[str, str], ...]:
        value = doc.get("party_labels", {})
        if not isinstance(value, dict):
            self.problem(doc, "'party_labels' must map party roles to labels", "party_labels")
            return ()
        pairs = [(role, text) for role, text in value.items() if role not in (LINE, KEY_LINES)]
        for role, text in pairs:
            if role not in values(PartyRole) or not isinstance(text, str):
                self.problem(value, f"bad party label '{role}': a party role and its label")
        return tuple((str(role), str(text)) for role, text in pairs)

    def template_exists(self, node: dict, template: str) -> None:
        if not template or self.templates is None:
            return
        candidate = (self.templates / template).resolve()
        if not candidate.is_relative_to(self.templates.resolve()) or not candidate.is_file():
            self.problem(node, f"template '{template}' does not exist in "
                               f"{self.templates.name}/", "template")

    def reasons(self, nodes) -> list[OutcomeReason]:
        if not isinstance(nodes, list):
            self.problem(self.document, "'outcome_reasons' must be a list", "outcome_reasons")
            return []
        reasons, codes = [], set()
        for node in nodes:
            if not isinstance(node, dict):
                self.problem(self.document, "each outcome reason must be a mapping",
                             "outcome_reasons")
                continue
            code = self.text(node, "code")
            if code in codes:
                self.problem(node, f"outcome reason '{code}' is named twice", "code")
            codes.add(code)
            outcomes = self.names(node, "outcomes", ("failure", "withdrawn"), "outcome")
            if not outcomes:
                self.problem(node, f"outcome reason '{code}' names no outcome", "code")
            reasons.append(OutcomeReason(code=code, label=self.text(node, "label"),
                                         outcomes=outcomes))
        return reasons

    def reachability(self, definition: Definition) -> None:
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
        nodes = {str(node.get("name")): node for node in self.document["states"]
                 if isinstance(node, dict)}
        for state in definition.states:
            if state.name not in reached:
                self.problem(nodes[state.name], f"state '{state.name}' cannot be reached from "
                                                f"'{definition.initial.name}'")
            if state.name not in edges and not state.is_terminal:
                self.problem(nodes[state.name], f"terminal state '{state.name}' has no outcome "
                                                "(add outcome: success|failure|withdrawn)")
            if state.is_terminal and state.name in edges:
                self.problem(nodes[state.name], f"state '{state.name}' has an outcome but "
                                                "transitions leave it")
