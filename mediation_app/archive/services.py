"""归档: the holder files a closed case away as its case file (卷宗), once. The file is
rendered twice (whole, and with personal data masked); the whole one is signed (PAdES) with
the institution's certificate as every issued document is, carries a verification code for
the public verify page, and is stored with its SHA-256; the archive is recorded and audited,
and the other institutions that worked the case are told its file is closed. The case is
read-only from then on (access.policy.writable)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access import policy
from ..audit.services import record_event
from ..auth.models import User
from ..casefile.models import Case, Referral
from ..documents.models import Document
from ..documents.rendering import (
    anchor_pages,
    cn_date,
    html_to_pdf,
    laid_out,
    render_html,
    write_laid_out,
)
from ..documents.services import (
    Issuer,
    masked_context,
    new_code,
    sign_as,
    verification_marks,
    verify_url,
)
from ..notifications.dispatch import tell
from ..notifications.services import staff_of
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


def render_case_file(context: dict, *, guess: tuple[dict, int] | None = None
                     ) -> tuple[bytes, int, list[dict]]:
    """The PDF, its page count and its index: laid out once to learn on which page each
    section starts and how many pages there are, then printed with those numbers. `guess`:
    the numbers of a rendition of the same file (the whole one, for the masked copy); when
    the layout printed with them confirms them, that layout is written as it is."""
    if guess is not None:
        numbers, page_count = guess
        anchors, pages, document = laid_out(render_html(TEMPLATE, **context, pages=numbers,
                                                        page_count=page_count))
        if pages == page_count and _numbers(context, anchors) == numbers:
            return write_laid_out(document), page_count, _contents(context, numbers)
    anchors, page_count = anchor_pages(render_html(TEMPLATE, **context, pages={},
                                                   page_count=None))
    numbers = _numbers(context, anchors)
    pdf = html_to_pdf(render_html(TEMPLATE, **context, pages=numbers, page_count=page_count))
    return pdf, page_count, _contents(context, numbers)


def _numbers(context: dict, anchors: dict) -> dict:
    return {section.anchor: anchors.get(section.anchor) for section in context["sections"]}


def _contents(context: dict, numbers: dict) -> list[dict]:
    return [{"title": section.title, "page": numbers[section.anchor]}
            for section in context["sections"]]


def _check(session: Session, case: Case, actor: User, retention: str) -> None:
    if not policy.can_archive_case(actor, case):
        raise ArchiveError("not_allowed")
    if retention not in RETENTIONS:
        raise ArchiveError("bad_retention")
    waiting = select(Referral.id).where(Referral.case_id == case.id, Referral.status == "pending")
    if session.scalar(waiting) is not None:
        raise ArchiveError("referral_pending")


def _unused_code(session: Session) -> str:
    """A verification code no issued document or case file has."""
    while True:
        code = new_code()
        taken = (session.scalar(select(Document.id).where(Document.verification_code == code))
                 or session.scalar(select(CaseArchive.id)
                                   .where(CaseArchive.verification_code == code)))
        if not taken:
            return code


def archive_case(session: Session, issuer: Issuer, case: Case, *, actor: User,
                 checker_name: str, retention: str, now: datetime) -> CaseArchive:
    """File the case away: store its signed case file, mark it archived, audit
    `case.archived`, tell the institutions that worked the case before."""
    _check(session, case, actor, retention)
    code = _unused_code(session)
    context = {**case_file_context(session, case, filed_by=actor, checker_name=checker_name,
                                   retention=retention, now=now),
               **verification_marks(verify_url(issuer, code), code)}
    whole, page_count, contents = render_case_file(context)
    signed = sign_as(session, issuer, actor.institution, whole, reason="调解卷宗归档", now=now)
    numbers = {section.anchor: item["page"]
               for section, item in zip(context["sections"], contents, strict=True)}
    masked, _, _ = render_case_file(masked_context(context), guess=(numbers, page_count))
    storage = issuer.storage
    key, digest = storage.put(FOLDER, signed)
    masked_key, _ = storage.put(FOLDER, masked)
    try:
        archive = _record(session, case, actor=actor, now=now, checker_name=checker_name,
                          retention=retention, storage_key=key, masked_storage_key=masked_key,
                          sha256=digest, size=len(signed), page_count=page_count,
                          contents=contents, verification_code=code)
        _tell_earlier_institutions(session, case, archive, now=now)
        return archive
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


def earlier_institutions(session: Session, case: Case, *, archived_by_id: int) -> list[int]:
    """The other institutions that worked the case (by id): those of its handlings and those
    that sent or received its referrals, in the order they first appear."""
    ids = [handling.institution_id for handling in case.handlings]
    for sender, receiver in session.execute(
            select(Referral.from_institution_id, Referral.to_institution_id)
            .where(Referral.case_id == case.id).order_by(Referral.id)):
        ids += [sender, receiver]
    return [i for i in dict.fromkeys(ids) if i != archived_by_id]


def _tell_earlier_institutions(session: Session, case: Case, archive: CaseArchive, *,
                               now: datetime) -> None:
    detail = (f"{archive.institution.name}已于{cn_date(now)}将本案归档，卷宗已封卷"
              f"（共{archive.page_count}页，核验码 {archive.verification_code}），"
              f"案件不再办理。")
    for institution_id in earlier_institutions(session, case,
                                               archived_by_id=archive.institution_id):
        tell(session, staff_of(session, institution_id), kind="outcome.archived",
             key=f"archived:{case.id}:{institution_id}", now=now, case_id=case.id,
             case_no=case.case_no, detail=detail,
             sender_institution_id=archive.institution_id)


def archive_by_code(session: Session, code: str) -> CaseArchive | None:
    """The case file a verification code names, if any (the verify page)."""
    return session.scalar(select(CaseArchive).where(CaseArchive.verification_code == code))


def case_archive(session: Session, case: Case) -> CaseArchive | None:
    return session.scalar(select(CaseArchive).where(CaseArchive.case_id == case.id))
