"""The referral loop's panels on the case page: the send buttons beside the next steps,
the cards of referrals waiting for an answer, and the referral records."""

from __future__ import annotations

from datetime import datetime

from ..auth.forms import EmptyForm
from ..casefile.models import Case, Referral
from ..db import db
from ..handlings.models import MediationPeriod
from ..handlings.panels import page_facts
from ..panels import CasePanel, Read, Rows, first_row, shared
from . import queries
from .enclosures import enclosed_documents
from .records import OutcomeReport
from .services import sendable_rules


def _referrals_of(case: Case) -> list:
    return shared(("referrals", case.id), lambda: queries.for_case(db.session, case.id))


def send_buttons(case: Case, reader, now: datetime) -> dict | None:
    rules = sendable_rules(db.session, case, reader, now=now, facts_of=page_facts)
    return {"rules": rules} if rules else None


def _enclosed(referrals, *, voided: bool = False) -> dict[int, list]:
    """The documents that went with each referral (the 司法确认 申请书); with `voided`,
    those voided since too (shown marked 已作废, never as in force)."""
    return enclosed_documents(db.session, referrals, voided=voided)


def waiting_referrals(case: Case, reader, now: datetime) -> dict | None:
    pending = [r for r in _referrals_of(case) if r.is_pending]
    return {"referrals": pending, "action_form": EmptyForm(),
            "enclosed": _enclosed(pending)} if pending else None


def referral_records(case: Case, reader, now: datetime) -> dict:
    referrals = _referrals_of(case)
    return {"referrals": referrals, "enclosed": _enclosed(referrals, voided=True)}


def loop_reads(case: Case, reader) -> dict:
    """The referrals, the outcome reports and the court period the page shows (see
    outcome_views.case_loop), declared for the page to read with the other panels'."""
    reads = {
        ("referrals", case.id): Read({"referrals": Rows(Referral, Referral.case_id == case.id,
                                                        (Referral.created_at,))}),
        ("outcome_reports", case.id): Read({"reports": Rows(
            OutcomeReport, OutcomeReport.case_id == case.id, (OutcomeReport.id,))}),
    }
    handling = case.current_handling
    if handling is not None:
        reads[("mediation_period", handling.id)] = Read({"period": Rows(
            MediationPeriod, MediationPeriod.handling_id == handling.id)}, first_row)
    return reads


PANELS = (
    CasePanel("steps", "referrals/_case_steps.html", send_buttons),
    CasePanel("alerts", "referrals/_case_pending.html", waiting_referrals, order=20,
              reads=loop_reads),
    CasePanel("records", "referrals/_case_records.html", referral_records, order=20),
)
