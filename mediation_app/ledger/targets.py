"""The institutions and regions a ledger names, looked up once per code (they are few)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..directory.models import Institution, Region
from ..handlings.catalog import stored_version
from ..labels import N_
from ..workflow.catalog import Catalog
from ..workflow.definition import State
from .reasons import Reason

MAX_UNKNOWN = 1000  # unknown codes remembered; past that each is looked up again


@dataclass
class Target:
    """An institution as an import needs it: where it sits, how it numbers cases and the
    workflow its imported cases run under. `problem` says why rows cannot name it."""

    id: int
    code: str
    region_path: str
    short_name: str
    number_format: str
    workflow: str | None = None
    channel: str | None = None
    open_state: State | None = None
    closing: dict[str, State] = field(default_factory=dict)
    problem: str | None = None
    workflow_version_id: int | None = None


def _target(institution: Institution, catalog: Catalog) -> Target:
    target = Target(id=institution.id, code=institution.code,
                    region_path=institution.region.path, short_name=institution.short_name,
                    number_format=institution.case_number_format)
    filing = catalog.for_filing(institution.kind)
    if not filing:
        target.problem = Reason(N_("institution %(code)s (%(kind)s) has no workflow to file "
                                   "cases under"), code=institution.code, kind=institution.kind,
                                coded={"kind": "institution_kind"})
        return target
    definition = filing[0]
    if not definition.counts_as_mediation or definition.channel is None:
        target.problem = Reason(N_("institution %(code)s (%(kind)s) does not mediate: its "
                                   "workflow %(workflow)s is not a mediation"),
                                code=institution.code, kind=institution.kind,
                                workflow=definition.name, coded={"kind": "institution_kind"})
        return target
    target.workflow = definition.name
    target.channel = definition.channel
    target.open_state = next((s for s in definition.states if not s.initial and not s.is_terminal),
                             None)
    for state in definition.states:
        if state.outcome:
            target.closing.setdefault(state.outcome, state)
    if target.open_state is None:
        target.problem = Reason(N_("workflow %(workflow)s has no state for an open case"),
                                workflow=definition.name)
    return target


class Directory:
    def __init__(self, session: Session, catalog: Catalog):
        self.session = session
        self.catalog = catalog
        self._institutions: dict[str, Target] = {}
        self.by_id: dict[int, Target] = {}
        self._regions: dict[str, int] = {}
        self._region_paths: dict[str, str] = {}
        self._unknown: set[tuple[str, str]] = set()

    def institution(self, code: str) -> Target | None:
        if code not in self._institutions:
            if ("institution", code) in self._unknown:
                return None
            institution = self.session.scalar(select(Institution).where(Institution.code == code))
            if institution is None:
                self._remember_unknown("institution", code)
                return None
            target = _target(institution, self.catalog)
            self._institutions[code] = self.by_id[target.id] = target
        return self._institutions[code]

    def region_id(self, code: str) -> int | None:
        if code not in self._regions:
            if ("region", code) in self._unknown:
                return None
            row = self.session.execute(select(Region.id, Region.path)
                                       .where(Region.code == code)).first()
            if row is None:
                self._remember_unknown("region", code)
                return None
            self._regions[code], self._region_paths[code] = row
        return self._regions[code]

    def region_path(self, code: str) -> str | None:
        """The region's path, once region_id(code) found it."""
        return self._region_paths.get(code)

    def _remember_unknown(self, kind: str, code: str) -> None:
        if len(self._unknown) < MAX_UNKNOWN:
            self._unknown.add((kind, code))

    def workflow_version_id(self, target: Target) -> int:
        """The stored workflow version, created on first use (so a dry run stores nothing)."""
        if target.workflow_version_id is None:
            source = self.catalog.sources[target.workflow]
            target.workflow_version_id = stored_version(self.session, source).id
        return target.workflow_version_id
