"""English for the workflow files' Chinese labels and titles.

The workflow files stay in Chinese (their text is versioned with every case that runs on
them); `workflows/translations/en.yaml` maps each label to its English, so translating a
label never starts a new workflow version."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import yaml

from .loader import KEY_LINES, LINE, Problem, _LineLoader

GLOSSARY = Path("translations") / "en.yaml"
SHOWN = ("label", "title")


def load_english(workflows_dir: str | Path) -> dict[str, str]:
    path = Path(workflows_dir) / GLOSSARY
    if not path.is_file():
        return {}
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(chinese): str(english) for chinese, english in entries.items()}


def shown_texts(text: str) -> Iterator[tuple[str, int]]:
    """(text, line) of every label, title and party label of a workflow file."""
    def walk(node):
        if isinstance(node, dict):
            lines = node.get(KEY_LINES, {})
            for key, value in node.items():
                if key in SHOWN and isinstance(value, str):
                    yield value, lines.get(key, node.get(LINE, 1))
                elif key == "party_labels" and isinstance(value, dict):
                    yield from ((label, value.get(KEY_LINES, {}).get(role, value.get(LINE, 1)))
                                for role, label in value.items()
                                if role not in (LINE, KEY_LINES) and isinstance(label, str))
                elif key not in (LINE, KEY_LINES):
                    yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    yield from walk(yaml.load(text, Loader=_LineLoader))  # noqa: S506 - a SafeLoader


def untranslated(text: str, path: str, english: dict[str, str]) -> list[Problem]:
    return [Problem(path, line, f"'{label}' has no English in workflows/{GLOSSARY}")
            for label, line in shown_texts(text) if label not in english]
