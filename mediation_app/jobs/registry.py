"""The jobs, by name: the function a worker imports and calls with the job's keywords, how
it runs without Redis, and how long it may take on the queue."""

from __future__ import annotations

from dataclasses import dataclass

THREAD = "thread"  # without Redis: in a thread of the process that enqueued it
SCHEDULER = "scheduler"  # without Redis: left for the scheduler process, which polls for it
INLINE = "inline"  # without Redis: the caller does the work itself, in its own request


@dataclass(frozen=True)
class Job:
    path: str  # module.function, importable by a worker
    in_process: str
    timeout_seconds: int


JOBS = {
    "ledger_import": Job("mediation_app.ledger.jobs.import_job", THREAD, 6 * 3600),
    "monthly_request": Job("mediation_app.monthly.jobs.request_job", SCHEDULER, 2 * 3600),
    "document_issue": Job("mediation_app.agreements.issue_jobs.issue_job", INLINE, 10 * 60),
    "party_signature": Job("mediation_app.parties.sign_jobs.sign_job", INLINE, 10 * 60),
    "supervision_print": Job("mediation_app.supervision.printing.print_job", INLINE, 10 * 60),
    "subsidy_statement": Job("mediation_app.subsidy.statements.statement_job", INLINE, 10 * 60),
    "agreement_preview": Job("mediation_app.agreements.previews.preview_job", INLINE, 10 * 60),
    "stats_rollup": Job("mediation_app.stats.jobs.rollup_job", SCHEDULER, 2 * 3600),
}
