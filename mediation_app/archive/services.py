"""归档: the holder files a closed case away as its case file (卷宗), once. The file is
rendered twice (whole, and with personal data masked), stored with its SHA-256, recorded,
audited; the case is read-only from then on (access.policy.writable)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access import policy
from ..audit.services import record_event
from ..auth.models import User
from ..casefile.models import Case, Referral
from ..documents.rendering import anchor_pages, html_to_pdf, render_html
from ..documents.services import masked_context
from ..storage import Storage
from .contents import case_file_context
from .models import RETENTIONS, CaseArchive

TEMPLATE = "casefile.html"
FOLDER = "casefiles"


class ArchiveError(ValueError):
    """`code`: not_allowed (not the holder, mediation not ended, already archived),
    referral_pending (a referral of the case waits for an answer), bad_retention."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def render_case_file(context: dict) -> tuple[bytes, int, list[dict]]:
    """The PDF, its page count and its index: laid out once to learn on which page each
    section starts and how many pages there are, then printed with those numbers."""
    anchors, page_count = anchor_pages(render_html(TEMPLATE, **context, pages={},
                                                   page_count=None))
    numbers = {section.anchor: anchors.get(section.anchor) for section in context["sections"]}
    pdf = html_to_pdf(render_html(TEMPLATE, **context, pages=numbers, page_count=page_count))
    contents = [{"title": section.title, "page": numbers[section.anchor]}
                for section in context["sections"]]
    return pdf, page_count, contents


def _check(session: Session, case: Case, actor: User, retention: str) -> None:
    if not policy.can_archive_case(actor, case):
        raise ArchiveError("not_allowed")
    if retention not in RETENTIONS:
        raise ArchiveError("bad_retention")
    waiting = select(Referral.id).where(Referral.case_id == case.id, Referral.status == "pending")
    if session.scalar(waiting) is not None:
        raise ArchiveError("referral_pending")


def archive_case(session: Session, storage: Storage, case: Case, *, actor: User,
                 checker_name: str, retention: str, now: datetime) -> CaseArchive:
    """File the case away: store its case file, mark it archived, audit `case.archived`."""
    _check(session, case, actor, retention)
    context = case_file_context(session, case, filed_by=actor, checker_name=checker_name,
                                retention=retention, now=now)
    whole, page_count, contents = render_case_file(context)
    masked, _, _ = render_case_file(masked_context(context))
    key, digest = storage.put(FOLDER, whole)
    masked_key, _ = storage.put(FOLDER, masked)
    try:
        return _record(session, case, actor=actor, now=now, checker_name=checker_name,
                       retention=retention, storage_key=key, masked_storage_key=masked_key,
                       sha256=digest, size=len(whole), page_count=page_count,
                       contents=contents)
    except Exception:
        storage.delete(key)
        storage.delete(masked_key)
        raise


def _record(session: Session, case: Case, *, actor: User, now: datetime,
            **values) -> CaseArchive:
    # the case's version column refuses a concurrent archive; case_archives.case_id too
    case.archived_at = now
    case.updated_at = now
    archive = CaseArchive(case_id=case.id, institution_id=actor.institution_id,
                          archived_by_id=actor.id, archived_at=now, **values)
    session.add(archive)
    session.flush()
    record_event(session, case, "case.archived", actor=actor, now=now,
                 sha256=values["sha256"], pages=values["page_count"],
                 retention=values["retention"], checker=values["checker_name"],
                 labels={"institution": actor.institution.name})
    return archive


def case_archive(session: Session, case: Case) -> CaseArchive | None:
    return session.scalar(select(CaseArchive).where(CaseArchive.case_id == case.id))
