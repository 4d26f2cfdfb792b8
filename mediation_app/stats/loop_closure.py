"""Loop closure (DESIGN.md §8): for every referred handling that ended in the period, the
hours from its end to the sender's notice (the outcome report reaching the sender's
inbox). Per channel pair (the sending handling's channel → the receiving one's): how many
ended, the share that reached the sender within a day (the goal is 100 %), and the median
hours. An outcome the sender has not been told of yet counts as not within a day."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ..access.rules import region_subtree_clause
from ..casefile.models import Case, Handling, Referral
from ..referrals.outcomes import REPORTED_OUTCOMES
from ..referrals.records import OutcomeReport
from .definitions import Period, rate

DAY_HOURS = Decimal(24)


@dataclass(frozen=True)
class Closure:
    from_channel: str | None  # None: a handling whose workflow names no channel
    to_channel: str | None
    hours: Decimal | None  # None: the sender has not been told yet


@dataclass(frozen=True)
class PairFigure:
    from_channel: str | None
    to_channel: str | None
    ended: int
    within_day: int
    not_reached: int
    within_day_share: Decimal | None  # percent, two decimals half-up; None when ended is 0
    median_hours: Decimal | None  # over the outcomes that reached the sender


def _pair_order(pair: tuple[str | None, str | None]) -> tuple:
    """Channels in name order; a handling without a channel (a governance centre's
    dispatch) after them."""
    return tuple((channel is None, channel or "") for channel in pair)


def summarise(closures: list[Closure]) -> list[PairFigure]:
    """Pure: the figures per channel pair, in pair order."""
    pairs: dict[tuple[str | None, str | None], list[Closure]] = {}
    for closure in closures:
        pairs.setdefault((closure.from_channel, closure.to_channel), []).append(closure)
    figures = []
    for (source, target), items in sorted(pairs.items(), key=lambda item: _pair_order(item[0])):
        reached = [c.hours for c in items if c.hours is not None]
        within = sum(1 for hours in reached if hours <= DAY_HOURS)
        middle = Decimal(median(reached)).quantize(Decimal("0.01"), ROUND_HALF_UP) \
            if reached else None
        figures.append(PairFigure(source, target, len(items), within, len(items) - len(reached),
                                  rate(within, len(items)), middle))
    return figures


_SENDING = aliased(Handling)   # the handling that sent the referral; aliased once per process


def closures(session: Session, period: Period, *, region=None,
             institution_id: int | None = None) -> list[Closure]:
    """Referred handlings that ended in the period, with their loop closure hours."""
    query = (select(_SENDING.channel, Handling.channel, OutcomeReport.loop_closure_hours)
             .select_from(Referral)
             .join(Handling, Handling.id == Referral.new_handling_id)
             .join(_SENDING, _SENDING.id == Referral.from_handling_id)
             .join(Case, Case.id == Referral.case_id)
             .outerjoin(OutcomeReport, OutcomeReport.referral_id == Referral.id)
             .where(Referral.status == "accepted", Handling.outcome.in_(REPORTED_OUTCOMES),
                    Handling.concluded_at >= period.starts_at,
                    Handling.concluded_at < period.ends_at))
    if region is not None:
        query = query.where(region_subtree_clause(region))
    if institution_id:
        query = query.where((Referral.from_institution_id == institution_id)
                            | (Referral.to_institution_id == institution_id))
    return [Closure(source, target, Decimal(hours) if hours is not None else None)
            for source, target, hours in session.execute(query)]


def loop_closure(session: Session, period: Period, *, region=None,
                 institution_id: int | None = None) -> list[PairFigure]:
    return summarise(closures(session, period, region=region, institution_id=institution_id))
