"""Spreadsheet cells that cannot run as formulas (OWASP "CSV injection").

A text cell starting with = + - @, a tab or a carriage return is read as a formula by
spreadsheet programs; a leading single quote makes it plain text. Numbers and dates keep
their type, so only text is ever prefixed."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralise(value: object) -> object:
    """The value to write in a cell: text that could start a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return QUOTE + value
    return value


def restore(text: str) -> str:
    """Undo `neutralise` on text read back from an exported file."""
    if text.startswith(QUOTE) and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
