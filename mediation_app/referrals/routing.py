"""Routing suggestions (分流): dispute type × region → institutions, from a data file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..directory.models import Institution, Region
from ..domain.codes import DisputeType, InstitutionKind, values


class RoutingRulesInvalid(ValueError):
    pass


@dataclass(frozen=True)
class Target:
    kind: str
    specialty: str | None = None


@dataclass(frozen=True)
class RoutingRules:
    default: tuple[Target, ...]
    by_type: dict[str, tuple[Target, ...]]

    @classmethod
    def load(cls, path: str | Path) -> RoutingRules:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        return cls(default=_targets(document.get("default", []), path, "default"),
                   by_type={dispute_type: _targets(entries, path, dispute_type)
                            for dispute_type, entries in (document.get("rules") or {}).items()
                            if _known_type(dispute_type, path)})

    def targets_for(self, dispute_type: str) -> tuple[Target, ...]:
        return self.by_type.get(dispute_type, self.default)


def _known_type(dispute_type: str, path) -> bool:
    if dispute_type not in values(DisputeType):
        raise RoutingRulesInvalid(f"{path}: unknown dispute type '{dispute_type}'")
    return True


def _targets(entries, path, where: str) -> tuple[Target, ...]:
    targets = []
    for entry in entries:
        kind = entry.get("kind") if isinstance(entry, dict) else None
        if kind not in values(InstitutionKind):
            raise RoutingRulesInvalid(f"{path}: {where}: unknown institution kind '{kind}'")
        targets.append(Target(kind=kind, specialty=entry.get("specialty")))
    return tuple(targets)


def suggest(session: Session, rules: RoutingRules, *, dispute_type: str, region: Region,
            exclude: Institution | None = None, limit: int = 5) -> list[Institution]:
    """Active institutions fitting the rules, in the dispute's region or above, nearest first."""
    lineage_ids = [int(part) for part in region.path.strip("/").split("/") if part]
    depth = {region_id: index for index, region_id in enumerate(lineage_ids)}
    found: list[Institution] = []
    for target in rules.targets_for(dispute_type):
        query = select(Institution).where(Institution.kind == target.kind, Institution.is_active,
                                          Institution.region_id.in_(lineage_ids))
        if target.specialty:
            query = query.where(Institution.specialty == target.specialty)
        candidates = sorted(session.scalars(query), key=lambda i: -depth[i.region_id])
        found += [i for i in candidates if i not in found and i != exclude]
    return found[:limit]


def init_app(app) -> None:
    path = Path(app.config["WORKFLOWS_DIR"]) / "routing" / "rules.yaml"
    app.extensions["routing"] = RoutingRules.load(path)
