"""Cases each mediator concluded in a month, by outcome and difficulty, times the rates,
times the factor of the case file's current review grade (案件评查; SUBSIDY_REVIEW_FACTORS:
e.g. 不合格 ×0 pays nothing for that case, 优秀 ×1.2; a case not reviewed counts ×1).

A conclusion is credited to the mediator of the handling that reached it, as recorded when
it ended (a committee's failure stays the committee mediator's after the case goes back
to court), and only to a mediator of that handling's institution."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from ..auth.models import User
from ..casefile.models import Case, Handling
from ..review.models import CaseReview
from ..stats.definitions import month_period

DIFFICULTIES = ("simple", "normal", "complex")
OUTCOMES = ("success", "failure")


def difficulty(config: dict):
    """complex: many parties, a large amount or an early warning; simple: two parties and a
    small amount; normal otherwise. Thresholds from SUBSIDY_COMPLEX / SUBSIDY_SIMPLE_AMOUNT."""
    complex_rule = config["SUBSIDY_COMPLEX"]
    return when(
        (or_(Case.party_count >= complex_rule["parties"],
             func.coalesce(Case.amount, 0) >= complex_rule["amount"],
             Case.is_flagged.is_(True)), "complex"),
        ((Case.party_count <= 2) & (func.coalesce(Case.amount, 0) < config["SUBSIDY_SIMPLE_AMOUNT"]),
         "simple"),
        else_="normal")


@dataclass
class MediatorLine:
    mediator_id: int
    name: str
    counts: dict = field(default_factory=dict)  # (outcome, difficulty) -> cases
    grades: dict = field(default_factory=dict)  # review grade code -> cases reviewed
    amount: Decimal = Decimal("0")

    @property
    def cases(self) -> int:
        return sum(self.counts.values())


def statement(session: Session, *, institution_ids: list[int], month: str, config: dict
              ) -> list[MediatorLine]:
    period = month_period(month)
    level = difficulty(config).label("difficulty")
    rows = session.execute(
        select(User.id, User.display_name, Handling.outcome, level, CaseReview.grade,
               func.count())
        .select_from(Handling)
        .join(Case, Case.id == Handling.case_id)
        .join(User, and_(User.id == Handling.mediator_id,
                         User.institution_id == Handling.institution_id))
        .outerjoin(CaseReview, and_(CaseReview.case_id == Case.id,
                                    CaseReview.is_current.is_(True)))
        .where(Handling.institution_id.in_(institution_ids), Handling.is_mediation.is_(True),
               Handling.outcome.in_(OUTCOMES), Handling.concluded_at >= period.starts_at,
               Handling.concluded_at < period.ends_at)
        .group_by(User.id, User.display_name, Handling.outcome, level, CaseReview.grade)
        .order_by(User.display_name))
    rates, factors = config["SUBSIDY_RATES"], config.get("SUBSIDY_REVIEW_FACTORS") or {}
    lines: dict[int, MediatorLine] = {}
    for user_id, name, outcome, level_name, grade, count in rows:
        line = lines.setdefault(user_id, MediatorLine(user_id, name))
        line.counts[(outcome, level_name)] = line.counts.get((outcome, level_name), 0) + count
        if grade is not None:
            line.grades[grade] = line.grades.get(grade, 0) + count
        rate = Decimal(str(rates.get(outcome, {}).get(level_name, 0)))
        line.amount += rate * count * review_factor(factors, grade)
    for line in lines.values():
        line.amount = line.amount.quantize(Decimal("0.01"))
    return list(lines.values())


def review_factor(factors: dict, grade: str | None) -> Decimal:
    """The subsidy factor of a review grade; 1 for a case not reviewed or a grade not named."""
    return Decimal(str(factors.get(grade, 1))) if grade is not None else Decimal("1")
