"""The review checklist as data: items (code, label, points, where they apply) and grades by
score rate. Loaded and checked once; every problem names file:line. Pure: no framework."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml

from ..domain.codes import Channel, InstitutionKind, values

LINE = "__line__"
KEY_LINES = "__key_lines__"
RELATIVE_PATH = Path("review") / "checklist.yaml"


TOP_KEYS = frozenset({"name", "items", "grades"})
ITEM_KEYS = frozenset({"code", "label", "en", "points", "channels", "kinds"})
GRADE_KEYS = frozenset({"code", "label", "en", "min"})


class ChecklistInvalid(ValueError):
    """`str(error)` is one `file:line: problem` per line; `problems` lists them."""

    def __init__(self, problems: str | list[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


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
        mapping[KEY_LINES] = {key.value: key.start_mark.line + 1 for key, _value in node.value
                              if isinstance(key, yaml.ScalarNode)}
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
    _unknown_keys(document, TOP_KEYS, path, problems)
    items = _items(document, path, problems)
    grades = _grades(document, path, problems)
    _every_channel_scored(items, path, document[LINE], problems)
    if problems:
        raise ChecklistInvalid(problems)
    return Checklist(name=str(document.get("name") or "案件评查表"), items=items, grades=grades)


def _unknown_keys(entry: dict, known: frozenset[str], path: str, problems: list[str]) -> None:
    """A key the loader does not read is a typo or a rule the checklist cannot state."""
    for key, line in entry[KEY_LINES].items():
        if key not in known:
            problems.append(f"{path}:{line}: unknown key '{key}' (known: "
                            f"{', '.join(sorted(known))})")


def _every_channel_scored(items: tuple[Item, ...], path: str, line: int,
                          problems: list[str]) -> None:
    """A case file is scored out of its applicable items' points: a channel without any
    would always score 0."""
    if not items:
        return
    for channel in values(Channel):
        if not any(not item.channels or channel in item.channels for item in items):
            problems.append(f"{path}:{line}: no item applies to channel '{channel}': its case "
                            f"files would have no points to score")


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
    _unknown_keys(entry, ITEM_KEYS, path, problems)
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


def _repeated(value, seen: set, message: str, where: str, problems: list[str]) -> None:
    if value in seen:
        problems.append(f"{where}: {message}")
    seen.add(value)


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
    grades, codes, minimums = [], set(), set()
    for entry in _entries(document, "grades", path, problems):
        _unknown_keys(entry, GRADE_KEYS, path, problems)
        minimum = entry.get("min")
        if not isinstance(minimum, int | float) or not 0 <= minimum <= 100:
            problems.append(f"{path}:{entry[LINE]}: 'min' must be a score rate from 0 to 100")
            minimum = 0
        grades.append(Grade(code=_text(entry, "code", path, problems),
                            label=_text(entry, "label", path, problems),
                            en=_text(entry, "en", path, problems),
                            min=Decimal(str(minimum))))
        _repeated(grades[-1].code, codes, f"grade '{grades[-1].code}' appears twice",
                  f"{path}:{entry[LINE]}", problems)
        _repeated(grades[-1].min, minimums, f"two grades start at {minimum}: one could never "
                  f"be given", f"{path}:{entry[LINE]}", problems)
    grades.sort(key=lambda grade: grade.min, reverse=True)
    if grades and grades[-1].min != 0:
        problems.append(f"{path}:{document[LINE]}: the lowest grade must start at 0")
    return tuple(grades)
