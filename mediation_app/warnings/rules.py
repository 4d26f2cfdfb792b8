"""Which warning flags a dispute raises. Pure: the caller supplies the facts."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class WarningRules:
    group_parties: int = 5
    major_group_parties: int = 30
    large_amount: Decimal = Decimal("500000")
    risk_words: tuple[str, ...] = ("上访", "自杀", "械斗", "集体", "跳楼", "堵路", "围堵", "自焚")
    repeat_months: int = 12

    @classmethod
    def from_config(cls, config: dict) -> WarningRules:
        values = dict(config.get("EARLY_WARNING", {}))
        if "large_amount" in values:
            values["large_amount"] = Decimal(str(values["large_amount"]))
        if "risk_words" in values:
            values["risk_words"] = tuple(values["risk_words"])
        return cls(**values)


def flags_for(rules: WarningRules, *, parties: int, amount: Decimal | None, text: str,
              repeats: bool) -> tuple[list[str], list[str]]:
    """The flags raised, and the risk words found in the text."""
    flags = []
    if parties >= rules.major_group_parties:
        flags.append("major_group")
    elif parties >= rules.group_parties:
        flags.append("group")
    if amount is not None and amount >= rules.large_amount:
        flags.append("large_amount")
    if repeats:
        flags.append("repeat")
    words = [word for word in rules.risk_words if word in text]
    if words:
        flags.append("risk_words")
    return flags, words
