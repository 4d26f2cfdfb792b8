"""The agreements' panel on the case page: sessions, agreement, documents, 履行 and 回访."""

from __future__ import annotations

from datetime import datetime

from ..access import policy
from ..auth.forms import EmptyForm
from ..casefile.models import Case
from ..db import db
from ..documents.models import Document
from ..panels import CasePanel, Read, Rows, shared
from .forms import ConfirmationApplicationForm, PerformancePlanForm, PerformanceRecordForm
from .issuing import confirmation_courts
from .models import Agreement, FollowUp, MediationSession
from .queries import MediationRecord, mediation_record


def case_record(case_id: int) -> MediationRecord:
    """The case's mediation record, read once for the case page and all its panels."""
    return shared(("mediation_record", case_id), lambda: mediation_record(db.session, case_id))


def _confirmation_form(case: Case, reader, ours: bool, record: MediationRecord):
    """The courts the joint application may go to, offered only where it can be issued."""
    if not ours or record.signed_agreement is None:
        return None, False
    courts, fixed = confirmation_courts(db.session, case, reader.institution)
    return ConfirmationApplicationForm().offer(courts), fixed


def _allows_oral_agreement(case: Case) -> bool:
    """Whether the current handling's workflow records oral agreements in its state."""
    handling = case.current_handling
    spec = handling.definition.document("oral_agreement") if handling is not None else None
    return spec is not None and handling.state in spec.at


def mediation_panel(case: Case, reader, now: datetime) -> dict:
    record = case_record(case.id)
    ours = policy.can_issue_notice(reader, case)
    confirmation_form, court_fixed = _confirmation_form(case, reader, ours, record)
    return {
        "record": record,
        "editable_sessions": {item.id for item in record.sessions
                              if policy.can_change_record(reader, item)},
        "can_edit": policy.can_change_case(reader, case),
        "oral_allowed": _allows_oral_agreement(case),
        "ours": ours,
        "confirmation_form": confirmation_form,
        "court_fixed": court_fixed,
        "action_form": EmptyForm(),
        "performance_plan_form": PerformancePlanForm(),
        "performance_form": PerformanceRecordForm(),
        "today": now.date(),
    }


def record_reads(case: Case, reader) -> dict:
    """`mediation_record`'s lists, declared for the page to read with the other panels'."""
    return {("mediation_record", case.id): Read({
        "sessions": Rows(MediationSession, MediationSession.case_id == case.id,
                         (MediationSession.held_on,)),
        "agreements": Rows(Agreement, Agreement.case_id == case.id, (Agreement.version.desc(),)),
        "documents": Rows(Document, Document.case_id == case.id, (Document.created_at.desc(),)),
        "follow_ups": Rows(FollowUp, FollowUp.case_id == case.id, (FollowUp.visited_on,)),
    }, MediationRecord)}


PANELS = (CasePanel("records", "agreements/_case_panel.html", mediation_panel, order=10,
                    reads=record_reads),)
