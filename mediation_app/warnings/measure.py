"""Precision and recall of the risk lexicon on a labelled CSV (text, label, category, split).

    python -m mediation_app.warnings.measure tests/warnings/risk_summaries.csv [--errors]
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass

from .lexicon import RiskLexicon, default_lexicon


@dataclass(frozen=True)
class Score:
    rows: int
    true_positive: int
    false_positive: int
    false_negative: int

    @property
    def precision(self) -> float:
        flagged = self.true_positive + self.false_positive
        return self.true_positive / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        risky = self.true_positive + self.false_negative
        return self.true_positive / risky if risky else 1.0


def read_rows(path: str) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def score(rows: list[dict], lexicon: RiskLexicon) -> Score:
    outcomes = [(bool(lexicon.find(row["text"])), row["label"] == "risk") for row in rows]
    return Score(rows=len(rows),
                 true_positive=sum(p and a for p, a in outcomes),
                 false_positive=sum(p and not a for p, a in outcomes),
                 false_negative=sum(a and not p for p, a in outcomes))


def main(argv: list[str]) -> int:
    rows = read_rows(argv[0])
    lexicon = default_lexicon()
    for name in ("all", *sorted({row.get("split", "") for row in rows})):
        part = [row for row in rows if name == "all" or row.get("split") == name]
        result = score(part, lexicon)
        print(f"{name}: rows={result.rows} tp={result.true_positive} "
              f"fp={result.false_positive} fn={result.false_negative} "
              f"precision={result.precision:.3f} recall={result.recall:.3f}")
    if "--errors" in argv:
        for row in rows:
            if bool(lexicon.find(row["text"])) != (row["label"] == "risk"):
                print(f"{row['split']} {row['label']}: {row['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
