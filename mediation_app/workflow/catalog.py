"""All definitions of a folder, checked together, and the lookups the app needs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .definition import Definition
from .loader import DefinitionInvalid, Problem, parse_definition


@dataclass(frozen=True)
class Source:
    definition: Definition
    text: str
    path: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


def _parse_all(paths: list[Path], templates: Path | None = None
               ) -> tuple[list[Problem], list[Source]]:
    problems: list[Problem] = []
    sources: list[Source] = []
    for path in sorted(paths):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = "not UTF-8 text" if isinstance(error, UnicodeDecodeError) else error.strerror
            problems.append(Problem(str(path), 1, f"cannot be read ({reason})"))
            continue
        try:
            sources.append(Source(parse_definition(text, str(path), templates=templates),
                                  text, str(path)))
        except DefinitionInvalid as invalid:
            problems += invalid.problems
    return problems, sources


class Catalog:
    def __init__(self, sources: list[Source]):
        self.sources = {source.definition.name: source for source in sources}

    @classmethod
    def load(cls, paths: list[Path], *, alongside: list[Path] = (),
             templates: Path | None = None) -> Catalog:
        """Load and check every file; raise DefinitionInvalid listing every problem.
        `alongside` files (the rest of the folder) count for cross-file checks only;
        `templates` is the folder every document template a file names must be in."""
        problems, sources = _parse_all(paths, templates)
        named = {source.definition.name for source in sources}
        _ignored, others = _parse_all([p for p in alongside if p not in paths])
        context = sources + [o for o in others if o.definition.name not in named]
        catalog = cls(sources)
        problems += catalog.cross_file_problems(sources, context)
        if problems:
            raise DefinitionInvalid(problems)
        return catalog

    @classmethod
    def load_directory(cls, folder: str | Path, *, templates: Path | None = None) -> Catalog:
        return cls.load(list(Path(folder).glob("*.yaml")), templates=templates)

    def cross_file_problems(self, sources: list[Source], context: list[Source]) -> list[Problem]:
        problems, seen = [], {}
        for source in sources:
            name = source.definition.name
            if name in seen:
                problems.append(Problem(source.path, 1, f"name '{name}' is also used by {seen[name]}"))
            seen[name] = source.path
        received = {kind for source in context for kind in source.definition.receives}
        for source in sources:
            for rule in source.definition.sends:
                if rule.kind and rule.kind not in received:
                    problems.append(Problem(source.path, 1, f"sends '{rule.kind}' but no workflow "
                                                            "receives it"))
        return problems

    def __iter__(self):
        return iter(source.definition for source in self.sources.values())

    def get(self, name: str) -> Definition:
        return self.sources[name].definition

    def for_filing(self, institution_kind: str) -> list[Definition]:
        """Workflows an institution of this kind may file a new case under; default first."""
        matching = [d for d in self if institution_kind in d.institution_kinds]
        return sorted(matching, key=lambda d: (not d.default_for_filing, d.name))

    def for_referral(self, institution_kind: str, referral_kind: str) -> Definition | None:
        return next((d for d in self if institution_kind in d.institution_kinds
                     and referral_kind in d.receives), None)

    def receiving_kinds(self, referral_kind: str) -> set[str]:
        return {kind for d in self if referral_kind in d.receives for kind in d.institution_kinds}
