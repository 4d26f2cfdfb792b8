"""Ranking mediators for a case: specialty first, then load, then distance in the region
tree. Pure: no Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    user_id: int
    name: str
    institution: str
    specialties: tuple[str, ...]
    load: int
    max_load: int
    region_path: str


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    has_specialty: bool
    distance: int

    @property
    def is_full(self) -> bool:
        return self.candidate.load >= self.candidate.max_load


def tree_distance(path_a: str, path_b: str) -> int:
    """Steps between two nodes of the region tree given their paths (/1/4/17/)."""
    a = [part for part in path_a.strip("/").split("/") if part]
    b = [part for part in path_b.strip("/").split("/") if part]
    common = 0
    for x, y in zip(a, b):
        if x != y:
            break
        common += 1
    return (len(a) - common) + (len(b) - common)


def rank(candidates: list[Candidate], *, dispute_type: str, region_path: str) -> list[Suggestion]:
    """Those with the dispute type among their specialties first; among equals the one
    with the lighter load (share of their capacity), then the nearer one; full ones last."""
    suggestions = [Suggestion(candidate=c, has_specialty=dispute_type in c.specialties,
                              distance=tree_distance(c.region_path, region_path))
                   for c in candidates]
    return sorted(suggestions, key=lambda s: (s.is_full, not s.has_specialty,
                                              s.candidate.load / s.candidate.max_load,
                                              s.distance, s.candidate.name))
