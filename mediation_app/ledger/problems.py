"""What an import reports when it refuses: every bad row, counted; the first ones kept."""

from __future__ import annotations

from ..directory.services import ImportRefused as DirectoryImportRefused
from ..directory.services import RowProblem
from .columns import POSITION

MAX_PROBLEMS = 1000
FILE = "(file)"


class ImportRefused(DirectoryImportRefused):
    """Nothing was written. `problems` holds at most MAX_PROBLEMS, sorted by row and
    column; `total` counts them all."""

    def __init__(self, problems: list[RowProblem], total: int | None = None):
        super().__init__(problems)
        self.total = len(problems) if total is None else total
        self.args = (f"{self.total} problem(s)",)

    @property
    def left_out(self) -> int:
        return self.total - len(self.problems)


class Problems:
    """Collects problems with a cap on how many are kept, never on how many are counted."""

    def __init__(self, cap: int = MAX_PROBLEMS):
        self.cap = cap
        self.kept: list[RowProblem] = []
        self.total = 0

    def add(self, row: int, column: str, reason: str) -> None:
        self.total += 1
        if len(self.kept) < self.cap:
            self.kept.append(RowProblem(row, column, reason))

    def merge(self, refusal: DirectoryImportRefused) -> None:
        for problem in refusal.problems:
            self.add(problem.row, problem.column, problem.reason)
        self.total += getattr(refusal, "total", len(refusal.problems)) - len(refusal.problems)

    def __bool__(self) -> bool:
        return self.total > 0

    def refusal(self) -> ImportRefused:
        ordered = sorted(self.kept, key=lambda p: (p.row, POSITION.get(p.column, -1)))
        return ImportRefused(ordered, self.total)


def refuse(row: int, column: str, reason: str) -> ImportRefused:
    return ImportRefused([RowProblem(row, column, reason)])
