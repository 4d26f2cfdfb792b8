"""办理结果反馈: when the handling that received a referred case ends, its outcome (date,
result, agreement summary and amount, documents) goes back to the sender on its own.

- 公调对接: the police decide on punishment from the outcome (治安管理处罚法 第九条);
- 访调对接: the petition office answers the petitioner within its period (信访工作条例);
- 委派: the court learns the result of the delegated pre-filing mediation;
- 委托 success: the case goes back to the court's own in-suit handling, with the agreement,
  for the court to review it and issue a 调解书 or allow the suit to be withdrawn.

`loop_closure_hours` runs from the receiving handling's end to the sender's notice
(DESIGN.md §8); a sender with nobody to tell is told by `deliver_pending` later."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..agreements.models import Agreement
from ..audit.services import record_event
from ..casefile.models import Handling, Referral
from ..db import insert_if_absent
from ..documents.models import Document
from ..handlings.catalog import catalog
from ..handlings.services import start_handling
from ..labels import label_zh
from ..notifications.dispatch import tell
from ..notifications.services import staff_of
from .enclosures import void_enclosures
from .records import OutcomeReport

REPORTED_OUTCOMES = ("success", "failure", "withdrawn")
BACK_TO_COURT = "entrust"
CONFIRMATION = "judicial_confirmation"


def arrival_of(session: Session, handling: Handling) -> Referral | None:
    """The accepted referral that opened this handling, if it was opened by one."""
    return session.scalar(select(Referral).where(Referral.new_handling_id == handling.id,
                                                 Referral.status == "accepted"))


def report_outcome(session: Session, handling: Handling, *, now: datetime
                   ) -> OutcomeReport | None:
    """Write the report for an ended handling that a referral opened, and tell the sender.
    Idempotent: one report per referral."""
    if handling.outcome not in REPORTED_OUTCOMES:
        return None
    referral = arrival_of(session, handling)
    if referral is None:
        return None
    if referral.kind == CONFIRMATION and handling.outcome == "withdrawn":
        # 申请人撤回申请: the application the court accepted is no longer before it
        void_enclosures(session, referral, reason="application_withdrawn", actor=None, now=now)
    agreement = _agreement_of(session, handling) if handling.outcome == "success" else None
    inserted = insert_if_absent(
        session, OutcomeReport, referral_id=referral.id, case_id=handling.case_id,
        handling_id=handling.id, from_institution_id=referral.from_institution_id,
        to_institution_id=referral.to_institution_id, kind=referral.kind,
        outcome=handling.outcome, concluded_at=handling.concluded_at or now,
        agreement_id=agreement.id if agreement else None,
        agreement_summary=_summary(agreement), agreement_amount=agreement.amount if agreement
        else None, document_ids=_document_ids(session, handling, agreement), created_at=now)
    report = session.scalar(select(OutcomeReport).where(
        OutcomeReport.referral_id == referral.id))
    if not inserted:
        return report
    if referral.kind == BACK_TO_COURT and handling.outcome == "success":
        report.returned_handling_id = _back_to_court(session, referral, now=now).id
    record_event(session, handling.case, "outcome.reported", actor=None, now=now,
                 referral=referral.id, kind=referral.kind, outcome=handling.outcome,
                 to=referral.from_institution.code, to_name=referral.from_institution.name,
                 by_name=referral.to_institution.name,
                 amount=report.agreement_amount)
    deliver(session, report, now=now)
    return report


def deliver(session: Session, report: OutcomeReport, *, now: datetime) -> bool:
    """Tell the sender's staff; the first time anyone is told is the sender's notice."""
    people = staff_of(session, report.from_institution_id)
    tell(session, people, kind="outcome.reported", key=f"outcome:{report.id}", now=now,
         case_id=report.case_id, sender_institution_id=report.to_institution_id,
         case_no=report.case.case_no, detail=_detail(report), outcome_report=report.id)
    if not people or report.notified_at is not None:
        session.flush()
        return bool(people)
    report.notified_at = now
    report.loop_closure_hours = hours_between(report.concluded_at, now)
    session.flush()
    return True


def deliver_pending(session: Session, *, now: datetime) -> int:
    """Reports whose sender had nobody to tell, and ended referred handlings that have no
    report yet (ended before reports existed, or by a path that skipped them)."""
    missing = session.scalars(
        select(Handling).join(Referral, Referral.new_handling_id == Handling.id)
        .where(Referral.status == "accepted", Handling.outcome.in_(REPORTED_OUTCOMES),
               ~select(OutcomeReport.id).where(OutcomeReport.handling_id == Handling.id)
               .exists()))
    count = sum(1 for handling in list(missing) if report_outcome(session, handling, now=now))
    waiting = session.scalars(select(OutcomeReport).where(OutcomeReport.notified_at.is_(None)))
    return count + sum(1 for report in list(waiting) if deliver(session, report, now=now))


def mark_read(session: Session, report: OutcomeReport, *, user, now: datetime) -> None:
    if report.read_at is None and user.institution_id == report.from_institution_id:
        report.read_at, report.read_by_id = now, user.id
        session.flush()


def hours_between(start: datetime, end: datetime) -> Decimal:
    hours = Decimal(max((end - start).total_seconds(), 0)) / Decimal(3600)
    return hours.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _agreement_of(session: Session, handling: Handling) -> Agreement | None:
    return session.scalar(select(Agreement).where(
        Agreement.handling_id == handling.id, Agreement.status == "signed")
        .order_by(Agreement.version.desc()).limit(1))


def _summary(agreement: Agreement | None) -> str | None:
    if agreement is None:
        return None
    return "\n".join(str(clause) for clause in agreement.clauses or []) or None


def _document_ids(session: Session, handling: Handling, agreement) -> list[int]:
    """The receiving institution's documents of this handling that are still valid."""
    query = select(Document.id).where(
        Document.case_id == handling.case_id, Document.institution_id == handling.institution_id,
        Document.voided_at.is_(None), Document.created_at >= handling.started_at)
    return list(session.scalars(query.order_by(Document.id)))


def _detail(report: OutcomeReport) -> str:
    text = f"{report.to_institution.name}：{label_zh('outcome', report.outcome)}"
    if report.agreement_amount is not None:
        text += f"，协议金额{report.agreement_amount}元"
    if report.returned_handling_id:
        text += "；案件已退回本院继续办理（附调解协议）"
    return text


def _back_to_court(session: Session, referral: Referral, *, now: datetime) -> Handling:
    """The court's in-suit procedure resumes, with the committee's agreement on the case."""
    workflows = catalog()
    origin = referral.from_handling.workflow_version.name
    source = workflows.sources.get(origin) or workflows.sources[
        workflows.for_referral(referral.from_institution.kind, "return_to_court").name]
    return start_handling(session, referral.case, referral.from_institution, source,
                          actor=None, now=now, arrived_by="return_to_court")
