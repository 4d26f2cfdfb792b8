"""Which warnings a dispute raises, and what raised each. Pure: the caller supplies the facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .lexicon import DEFAULT_LEXICON, RiskLexicon, default_lexicon

FLAGS = ("group", "major_group", "large_amount", "repeat", "risk_words")


@dataclass(frozen=True)
class Raised:
    """One warning: the flag it sets on the case, the rule that raised it (a threshold's
    name, or the lexicon rule for risk words) and the term that triggered it."""

    flag: str
    rule: str
    term: str


@dataclass(frozen=True)
class WarningRules:
    group_parties: int = 5
    major_group_parties: int = 30
    large_amount: Decimal = Decimal("500000")
    repeat_months: int = 12
    lexicon: RiskLexicon = field(default_factory=default_lexicon)

    @classmethod
    def from_config(cls, config: dict) -> WarningRules:
        values = dict(config.get("EARLY_WARNING", {}))
        if "large_amount" in values:
            values["large_amount"] = Decimal(str(values["large_amount"]))
        path = values.pop("risk_lexicon", None) or str(DEFAULT_LEXICON)
        extra = tuple(values.pop("risk_words", None) or ())
        return cls(**values, lexicon=default_lexicon(path, extra))


def raised_by(rules: WarningRules, *, parties: int, amount: Decimal | None, text: str,
              repeats: bool) -> list[Raised]:
    """Every warning the facts raise, in a stable order."""
    raised = []
    if parties >= rules.major_group_parties:
        raised.append(Raised("major_group", "major_group", str(parties)))
    elif parties >= rules.group_parties:
        raised.append(Raised("group", "group", str(parties)))
    if amount is not None and amount >= rules.large_amount:
        raised.append(Raised("large_amount", "large_amount", str(amount)))
    if repeats:
        raised.append(Raised("repeat", "repeat", ""))
    raised += [Raised("risk_words", match.rule, match.term)
               for match in rules.lexicon.find(text)]
    return raised


def flags_for(rules: WarningRules, *, parties: int, amount: Decimal | None, text: str,
              repeats: bool) -> tuple[list[str], list[str]]:
    """The flags raised, and the risk terms found in the text."""
    raised = raised_by(rules, parties=parties, amount=amount, text=text, repeats=repeats)
    flags = list(dict.fromkeys(item.flag for item in raised))
    return flags, [item.term for item in raised if item.flag == "risk_words"]
