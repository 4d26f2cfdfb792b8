"""What goes into a case file (卷宗), in the order it is bound: read from the case's records,
nothing written. Sections follow 司法部《人民调解文书格式》 (2010): cover, index, the
application or acceptance register, session records, the agreement (or the termination
notice), the other documents issued, the 回访 record, and the 备考表."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..agreements.models import FollowUp, MediationSession
from ..agreements.queries import signed_agreement_for_case
from ..auth.models import User
from ..casefile.models import Case, Handling
from ..documents.models import Document

FAILURE_NOTICE = "failure_notice"


@dataclass(frozen=True)
class Section:
    """One item of the index: the anchor it starts at and its title."""

    anchor: str
    title: str


def sections(outcome: str | None) -> list[Section]:
    settled = "调解协议书" if outcome == "success" else "终止调解告知书（调解结果）"
    return [Section("register", "人民调解申请书 / 受理登记表"),
            Section("sessions", "调解笔录"),
            Section("result", settled),
            Section("documents", "其他已出具文书"),
            Section("follow-up", "回访记录"),
            Section("note", "卷内备考表")]


def _last_handling(case: Case) -> Handling:
    return case.handlings[-1]


def _mediator_name(session: Session, case: Case, sessions: list[MediationSession]) -> str:
    """The mediator credited with the outcome, else the one assigned, else those named in
    the session records."""
    mediator_id = _last_handling(case).mediator_id or case.assigned_mediator_id
    mediator = session.get(User, mediator_id) if mediator_id else None
    if mediator is not None:
        return mediator.display_name
    return "、".join(dict.fromkeys(record.mediators for record in sessions))


def _records(session: Session, model, case_id: int, *order) -> list:
    return list(session.scalars(select(model).where(model.case_id == case_id).order_by(*order)))


def case_file_context(session: Session, case: Case, *, filed_by: User, checker_name: str,
                      retention: str, now: datetime) -> dict:
    """Everything the case file template prints, whole; a masked rendition passes it
    through documents.services.masked_context."""
    last = _last_handling(case)
    documents = _records(session, Document, case.id, Document.created_at, Document.id)
    sessions = _records(session, MediationSession, case.id, MediationSession.held_on,
                        MediationSession.id)
    return {
        "case": case, "handling": last, "handlings": list(case.handlings),
        "institution": last.institution, "accepted_at": case.handlings[0].accepted_at,
        "concluded_at": last.concluded_at, "outcome": last.outcome,
        "reason": _reason(last), "mediator_name": _mediator_name(session, case, sessions),
        "filed_by": filed_by.display_name, "checker_name": checker_name,
        "retention": retention, "now": now,
        "sessions": sessions,
        "agreement": signed_agreement_for_case(session, case.id),
        "notices": [d for d in documents if d.kind == FAILURE_NOTICE],
        "documents": documents,
        "follow_ups": _records(session, FollowUp, case.id, FollowUp.visited_on, FollowUp.id),
        "sections": sections(last.outcome),
    }


def _reason(handling: Handling) -> str:
    declared = handling.definition.reason(handling.outcome_reason or "")
    note = handling.outcome_note or ""
    return "；".join(part for part in (declared.label if declared else "", note) if part)
