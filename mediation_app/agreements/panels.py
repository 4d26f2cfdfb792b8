"""The agreements' panel on the case page: sessions, agreement, documents, 履行 and 回访."""

from __future__ import annotations

from datetime import datetime

from ..access import policy
from ..auth.forms import EmptyForm
from ..casefile.models import Case
from ..db import db
from ..panels import CasePanel
from .forms import PerformancePlanForm, PerformanceRecordForm
from .queries import mediation_record


def mediation_panel(case: Case, reader, now: datetime) -> dict:
    record = mediation_record(db.session, case.id)
    return {
        "record": record,
        "editable_sessions": {item.id for item in record.sessions
                              if policy.can_change_record(reader, item)},
        "can_edit": policy.can_change_case(reader, case),
        "ours": policy.can_issue_notice(reader, case),
        "action_form": EmptyForm(),
        "performance_plan_form": PerformancePlanForm(),
        "performance_form": PerformanceRecordForm(),
        "today": now.date(),
    }


PANELS = (CasePanel("records", "agreements/_case_panel.html", mediation_panel, order=10),)
