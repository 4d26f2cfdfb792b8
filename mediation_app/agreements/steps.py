"""Each step's documents: what every handling's workflow issues (申请书, 受理登记表, 当事人
权利义务告知书, 调解笔录, 协议书 …), each with the copies issued so far, for the case's
documents page; and which of them can be issued on the spot (those that need nothing but
the case and its sessions)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..casefile.models import Case, Handling
from ..documents.models import Document
from ..workflow.definition import DocumentSpec

# documents issue_case_document prints from the case alone (the record and the visit ones
# are printed from a session record or a follow-up visit)
ISSUED_ON_THE_SPOT = ("application", "acceptance_register", "rights_notice")


@dataclass
class StepDocument:
    spec: DocumentSpec
    states: list[str]  # the labels of the steps it is issued at
    issued: list[Document]
    issuable_now: bool


@dataclass
class HandlingDocuments:
    handling: Handling
    documents: list[StepDocument]


def _handling_of(document: Document, handlings: list[Handling]) -> Handling | None:
    """The latest handling of the document's institution started before it was issued."""
    earlier = [h for h in handlings if h.institution_id == document.institution_id
               and h.started_at <= document.created_at]
    return earlier[-1] if earlier else None


def issuable_now(handling: Handling, spec: DocumentSpec) -> bool:
    return (spec.kind in ISSUED_ON_THE_SPOT and handling.outcome is None
            and (not spec.at or handling.state in spec.at))


def documents_by_step(session: Session, case: Case) -> list[HandlingDocuments]:
    """Every handling of the case, newest first, with the documents its workflow names."""
    handlings = list(case.handlings)
    rows = session.scalars(select(Document).where(Document.case_id == case.id)
                           .order_by(Document.created_at, Document.id)).all()
    issued: dict[tuple[int, str], list[Document]] = {}
    for document in rows:
        handling = _handling_of(document, handlings)
        if handling is not None:
            issued.setdefault((handling.id, document.kind), []).append(document)
    return [HandlingDocuments(handling, [
        StepDocument(spec, [handling.definition.state(s).label for s in spec.at],
                     issued.get((handling.id, spec.kind), []), issuable_now(handling, spec))
        for spec in handling.definition.documents]) for handling in reversed(handlings)]
