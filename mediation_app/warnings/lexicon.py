"""Risk words said properly: a lexicon of patterns with context, ordinary terms masked
first, and negation cues that cancel a match. Pure: no Flask, no database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DEFAULT_LEXICON = Path(__file__).with_name("risk_lexicon.yaml")
MASK = "□"
CLAUSE_BREAK = re.compile(r"[，。；！？,;!?\n]")


@dataclass(frozen=True)
class RiskMatch:
    """One rule that fired, and the words in the text that made it fire."""

    rule: str
    term: str


@dataclass(frozen=True)
class RiskLexicon:
    rules: tuple[tuple[str, tuple[re.Pattern, ...]], ...]
    benign: tuple[re.Pattern, ...] = ()
    negation: re.Pattern | None = None

    @classmethod
    def from_data(cls, data: dict, *, extra_words=()) -> RiskLexicon:
        crowd = data.get("crowd", "")
        rules = [(code, tuple(re.compile(p.replace("{crowd}", crowd)) for p in patterns))
                 for code, patterns in (data.get("rules") or {}).items()]
        if extra_words:
            rules.append(("word", tuple(re.compile(re.escape(w)) for w in extra_words)))
        negation = data.get("negation")
        return cls(rules=tuple(rules),
                   benign=tuple(re.compile(p) for p in data.get("benign") or ()),
                   negation=re.compile(negation) if negation else None)

    @classmethod
    def load(cls, path: str | Path = DEFAULT_LEXICON, *, extra_words=()) -> RiskLexicon:
        with open(path, encoding="utf-8") as handle:
            return cls.from_data(yaml.safe_load(handle), extra_words=tuple(extra_words))

    def find(self, text: str) -> list[RiskMatch]:
        """The rules that fire on the text, each with its first matched words."""
        masked = self._mask(text or "")
        found = []
        for code, patterns in self.rules:
            term = self._first_term(masked, patterns)
            if term:
                found.append(RiskMatch(code, term))
        return found

    def _mask(self, text: str) -> str:
        for pattern in self.benign:
            text = pattern.sub(lambda m: MASK * len(m.group()), text)
        return text

    def _first_term(self, text: str, patterns) -> str | None:
        for pattern in patterns:
            for match in pattern.finditer(text):
                if match.group() and not self._negated(text, match.start()):
                    return match.group()
        return None

    def _negated(self, text: str, start: int) -> bool:
        if self.negation is None:
            return False
        clause = CLAUSE_BREAK.split(text[:start])[-1]
        return bool(self.negation.search(clause))


@lru_cache(maxsize=8)
def default_lexicon(path: str = str(DEFAULT_LEXICON), extra_words: tuple[str, ...] = ()
                    ) -> RiskLexicon:
    return RiskLexicon.load(path, extra_words=extra_words)
