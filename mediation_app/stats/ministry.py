"""司法部《人民调解工作统计报表》: the people's-mediation figures of a period by dispute type,
in the columns the Ministry of Justice's report asks for and this system has data for.

Source of the layout: the report items as local yearbooks print them from the 司法部 form
(e.g. 哈尔滨市志·司法行政·人民调解工作, 2003: "调解各类纠纷…件，调解成功率…%，防止民转刑
案件…件…人，制止群体斗殴…件，制止群众集体上访…件…人",
http://117.78.9.86:8080/was40/print?back=-2&channelid=33295&record=176), with the agreement
forms of 人民调解法 第二十八条 (口头协议, 书面协议) and 司法确认 of 第三十三条. Columns the
system holds no data for (调解组织, 调解员 counts, 纠纷排查) are left out.

Read like the statistics page: people's mediation handlings (channel `peoples`) in the
reader's scope; success, agreement forms and what was prevented count the handlings
concluded in the period; applications for 司法确认 count the referrals sent in it from
those handlings, and rulings the confirmations concluded in it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from ..agreements.models import Agreement
from ..casefile.models import Case, Handling, Referral
from ..handlings.prevention import Prevented
from ..labels import LABELS
from . import prevented, rollups
from .definitions import Figures, Period
from .queries import Scope

CHANNEL = "peoples"
CONFIRMATION = "judicial_confirmation"
DISPUTE_TYPES = tuple(LABELS["dispute_type"])


@dataclass
class Row:
    """One dispute type (or the total): the page's figures, the agreement forms, the
    司法确认 counts and what was prevented."""

    figures: Figures = field(default_factory=Figures)
    oral: int = 0
    written: int = 0
    applied: int = 0
    confirmed: int = 0
    rejected: int = 0
    prevented: Prevented = field(default_factory=Prevented)


def peoples(scope: Scope) -> Scope:
    """The reader's scope, narrowed to people's mediation."""
    return replace(scope, channel=CHANNEL)


def _successes(period: Period, scope: Scope):
    return (Handling.outcome == "success", Handling.concluded_at >= period.starts_at,
            Handling.concluded_at < period.ends_at, *scope.clauses())


def agreement_forms(session: Session, period: Period, scope: Scope) -> dict[tuple, int]:
    """{(dispute type, form): successes whose signed agreement has that form}."""
    rows = session.execute(
        select(Case.dispute_type, Agreement.form, func.count())
        .select_from(Handling).join(Case, Case.id == Handling.case_id)
        .join(Agreement, (Agreement.handling_id == Handling.id)
              & (Agreement.status == "signed"))
        .where(*_successes(period, scope)).group_by(Case.dispute_type, Agreement.form))
    return {(kind, form): count for kind, form, count in rows}


def confirmation_applications(session: Session, period: Period, scope: Scope
                              ) -> dict[str, int]:
    """{dispute type: 司法确认 referrals sent in the period from the scope's handlings}."""
    rows = session.execute(
        select(Case.dispute_type, func.count())
        .select_from(Referral).join(Handling, Handling.id == Referral.from_handling_id)
        .join(Case, Case.id == Handling.case_id)
        .where(Referral.kind == CONFIRMATION, Referral.created_at >= period.starts_at,
               Referral.created_at < period.ends_at, *scope.clauses())
        .group_by(Case.dispute_type))
    return dict(rows.all())


def rulings(session: Session, period: Period, scope: Scope) -> dict[tuple, int]:
    """{(dispute type, outcome): confirmations of the scope's agreements ruled in the period
    (success: 确认有效, failure: 驳回)}."""
    review = aliased(Handling)
    rows = session.execute(
        select(Case.dispute_type, review.outcome, func.count())
        .select_from(review).join(Referral, Referral.new_handling_id == review.id)
        .join(Handling, Handling.id == Referral.from_handling_id)
        .join(Case, Case.id == Handling.case_id)
        .where(Referral.kind == CONFIRMATION, review.outcome.in_(("success", "failure")),
               review.concluded_at >= period.starts_at, review.concluded_at < period.ends_at,
               *scope.clauses())
        .group_by(Case.dispute_type, review.outcome))
    return {(kind, outcome): count for kind, outcome, count in rows}


def report_rows(session: Session, period: Period, scope: Scope, *, now: datetime,
                durable_months: int = 6, first_sync: bool = True) -> tuple[Row, dict[str, Row]]:
    """The total and a row for every dispute type (zeros included, as the form lists them)."""
    scope = peoples(scope)
    report = rollups.statistics(session, period, scope, group="dispute_type", now=now,
                                durable_months=durable_months, first_sync=first_sync)
    figures = dict(report.groups)
    stopped = prevented.from_rollups(session, period, scope, group="dispute_type",
                                     durable_months=durable_months, first_sync=False)
    forms = agreement_forms(session, period, scope)
    applied = confirmation_applications(session, period, scope)
    ruled = rulings(session, period, scope)
    rows = {kind: Row(figures=figures.get(kind, Figures()), oral=forms.get((kind, "oral"), 0),
                      written=forms.get((kind, "written"), 0), applied=applied.get(kind, 0),
                      confirmed=ruled.get((kind, "success"), 0),
                      rejected=ruled.get((kind, "failure"), 0),
                      prevented=stopped.get(kind, Prevented()))
            for kind in (*DISPUTE_TYPES, *sorted(set(figures) - set(DISPUTE_TYPES)))}
    return _total(report.totals, rows.values()), rows


def _total(figures: Figures, rows) -> Row:
    total = Row(figures=figures)
    for row in rows:
        total.oral += row.oral
        total.written += row.written
        total.applied += row.applied
        total.confirmed += row.confirmed
        total.rejected += row.rejected
        total.prevented = total.prevented + row.prevented
    return total
