"""The review checklist as data: items (code, label, points, where they apply) and grades by
score rate. Loaded and checked once; every problem names file:line. Pure: no framework."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml

from ..domain.codes import Channel, InstitutionKind, values

LINE = "__line__"
RELATIVE_PATH = Path("review") / "checklist.yaml"


class ChecklistInvalid(ValueError):
    """`str(error)` is one `file:line: problem` per line."""


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    en: str
    points: int
    channels: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()

    def applies_to(self, channel: str | None, kind: str | None) -> bool:
        return ((not self.channels or channel in self.channels)
                and (not self.kinds or kind in self.kinds))


@dataclass(frozen=True)
class Grade:
    code: str
    label: str
    en: str
    min: Decimal


@dataclass(frozen=True)
class Checklist:
    name: str
    items: tuple[Item, ...]
    grades: tuple[Grade, ...]   # highest first; the last has min 0

    def items_for(self, channel: str | None, kind: str | None) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.applies_to(channel, kind))

    def grade_for(self, rate: Decimal) -> Grade:
        return next(grade for grade in self.grades if rate >= grade.min)

    def grade(self, code: str | None) -> Grade | None:
        return next((grade for grade in self.grades if grade.code == code), None)


def score_rate(awarded: Decimal, full: int) -> Decimal:
    """得分率: awarded ÷ full × 100, two decimals rounded half up."""
    if not full:
        return Decimal("0.00")
    return (Decimal(awarded) * 100 / full).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        return mapping


def load_checklist(path: str | Path) -> Checklist:
    path = Path(path)
    return parse_checklist(path.read_text(encoding="utf-8"), str(path))


def parse_checklist(text: str, path: str = "<string>") -> Checklist:
    try:
        document = yaml.load(text, Loader=_LineLoader)  # noqa: S506  (a SafeLoader)
    except yaml.YAMLError as error:
        line = getattr(getattr(error, "problem_mark", None), "line", 0) + 1
        raise ChecklistInvalid(f"{path}:{line}: not valid YAML") from error
    if not isinstance(document, dict):
        raise ChecklistInvalid(f"{path}:1: the checklist must be a mapping")
    problems: list[str] = []
    items = _items(document, path, problems)
    grades = _grades(document, path, problems)
    if problems:
        raise ChecklistInvalid("\n".join(problems))
    return Checklist(name=str(document.get("name") or "案件评查表"), items=items, grades=grades)


def _text(entry: dict, key: str, path: str, problems: list[str]) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{path}:{entry[LINE]}: '{key}' is missing")
        return ""
    return value.strip()


def _codes(entry: dict, key: str, allowed: set[str], path: str, problems: list[str]
           ) -> frozenset[str]:
    found = entry.get(key) or []
    unknown = sorted(set(map(str, found)) - allowed) if isinstance(found, list) else [found]
    if unknown:
        problems.append(f"{path}:{entry[LINE]}: unknown {key}: {', '.join(map(str, unknown))}")
    return frozenset(map(str, found)) if isinstance(found, list) else frozenset()


def _item(entry: dict, path: str, problems: list[str]) -> Item:
    points = entry.get("points")
    if not isinstance(points, int) or isinstance(points, bool) or points <= 0:
        problems.append(f"{path}:{entry[LINE]}: 'points' must be a whole number above 0")
        points = 0
    return Item(code=_text(entry, "code", path, problems),
                label=_text(entry, "label", path, problems), en=_text(entry, "en", path, problems),
                points=points,
                channels=_codes(entry, "channels", set(values(Channel)), path, problems),
                kinds=_codes(entry, "kinds", set(values(InstitutionKind)), path, problems))


def _entries(document: dict, key: str, path: str, problems: list[str]) -> list[dict]:
    entries = document.get(key)
    if not isinstance(entries, list) or not entries:
        problems.append(f"{path}:{document[LINE]}: '{key}' must be a non-empty list")
        return []
    bad = [entry for entry in entries if not isinstance(entry, dict)]
    if bad:
        problems.append(f"{path}:{document[LINE]}: every entry of '{key}' must be a mapping")
    return [entry for entry in entries if isinstance(entry, dict)]


def _items(document: dict, path: str, problems: list[str]) -> tuple[Item, ...]:
    items, seen = [], set()
    for entry in _entries(document, "items", path, problems):
        item = _item(entry, path, problems)
        if item.code in seen:
            problems.append(f"{path}:{entry[LINE]}: item '{item.code}' appears twice")
        seen.add(item.code)
        items.append(item)
    return tuple(items)


def _grades(document: dict, path: str, problems: list[str]) -> tuple[Grade, ...]:
    grades = []
    for entry in _entries(document, "grades", path, problems):
        minimum = entry.get("min")
        if not isinstance(minimum, int | float) or not 0 <= minimum <= 100:
            problems.append(f"{path}:{entry[LINE]}: 'min' must be a score rate from 0 to 100")
            minimum = 0
        grades.append(Grade(code=_text(entry, "code", path, problems),
                            label=_text(entry, "label", path, problems),
                            en=_text(entry, "en", path, problems),
                            min=Decimal(str(minimum))))
    grades.sort(key=lambda grade: grade.min, reverse=True)
    if grades and grades[-1].min != 0:
        problems.append(f"{path}:{document[LINE]}: the lowest grade must start at 0")
    return tuple(grades)
