"""Online applications: submitted by a party who proved the phone, answered by the
institution whose inbox they land in (accepted as an `online` case, or declined)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..access import policy
from ..audit.services import record_event
from ..auth.models import User
from ..casefile.models import Attachment, Case
from ..cases.services import NewCase, NewParty, file_case
from ..directory.models import Institution, Region
from ..domain.idcard import mask_id_number, mask_phone
from ..notifications.services import governance_centre_above
from ..storage import Storage
from ..uploads import sniff_upload
from ..workflow.catalog import Source
from . import texts
from .models import Application, ApplicationEvent, ApplicationFile
from .otp import new_number, normalise_phone
from .verification import Verifier, check_code, send_code

MAX_FILES = 5


class ApplicationRefused(ValueError):
    """`code`: no_inbox, too_many_files, not_pending, not_yours."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass
class Upload:
    filename: str
    content: bytes


@dataclass
class UploadRules:
    storage: Storage
    allowed: tuple[str, ...]
    max_bytes: int


@dataclass
class NewApplication:
    region: Region
    dispute_type: str
    summary: str
    facts: str
    claims: str
    applicant_name: str
    applicant_id_number: str
    applicant_phone: str
    applicant_address: str
    respondent_name: str
    amount: Decimal | None = None
    applicant_sex: str | None = None
    respondent_kind: str = "person"
    respondent_id_number: str | None = None
    respondent_phone: str | None = None
    respondent_address: str | None = None
    chosen_institution: Institution | None = None
    preferred_mediator: User | None = None
    uploads: list[Upload] = field(default_factory=list)


def inbox_for(session: Session, region: Region, chosen: Institution | None) -> Institution:
    """The committee the party chose, else the governance centre of the region (or above)."""
    if chosen is not None:
        return chosen
    centre = governance_centre_above(session, region)
    if centre is None:
        raise ApplicationRefused("no_inbox")
    return centre


def log(session: Session, application: Application, action: str, *, actor: User | None,
        now: datetime, **data) -> None:
    session.add(ApplicationEvent(application_id=application.id, action=action,
                                 actor_id=actor.id if actor else None, at=now, data=data))


def submit_application(session: Session, data: NewApplication, *, code: str,
                       verifier: Verifier, uploads: UploadRules, ip_address: str,
                       now: datetime) -> Application:
    """All or nothing. Files and the inbox are checked before the code; a wrong code is
    counted (and is all that is kept); then the application, its files and the text."""
    if len(data.uploads) > MAX_FILES:
        raise ApplicationRefused("too_many_files")
    kinds = [sniff_upload(upload.content, allowed=uploads.allowed, max_bytes=uploads.max_bytes)
             for upload in data.uploads]
    inbox = inbox_for(session, data.region, data.chosen_institution)
    phone = normalise_phone(data.applicant_phone)
    check_code(session, verifier, phone=phone, purpose="apply", target="", code=code,
               lock_keys=[verifier.lock_key("phone", phone), verifier.lock_key("ip", ip_address)],
               now=now)
    application = _build(data, inbox, phone, ip_address, now)
    session.add(application)
    session.flush()
    for upload, kind in zip(data.uploads, kinds):
        _store(session, application, upload, kind, uploads.storage)
    log(session, application, "application.submitted", actor=None, now=now,
        institution=inbox.code, applicant_phone=mask_phone(phone),
        applicant_id_number=mask_id_number(data.applicant_id_number), files=len(kinds))
    texts.send_text(session, phone=phone, body=texts.received_text(application.number, inbox.name),
                    key=f"application:{application.id}:received", kind="application.received",
                    now=now, institution_id=inbox.id)
    return application


def _build(data: NewApplication, inbox: Institution, phone: str, ip_address: str,
           now: datetime) -> Application:
    return Application(
        number=new_number("SQ", now), status="pending", institution_id=inbox.id,
        chosen_by_party=data.chosen_institution is not None,
        preferred_mediator_id=data.preferred_mediator.id if data.preferred_mediator else None,
        region_id=data.region.id, dispute_type=data.dispute_type, summary=data.summary,
        facts=data.facts, claims=data.claims, amount=data.amount,
        applicant_name=data.applicant_name, applicant_sex=data.applicant_sex,
        applicant_id_number=data.applicant_id_number, applicant_phone=phone,
        applicant_address=data.applicant_address, respondent_kind=data.respondent_kind,
        respondent_name=data.respondent_name, respondent_id_number=data.respondent_id_number,
        respondent_phone=normalise_phone(data.respondent_phone) if data.respondent_phone else None,
        respondent_address=data.respondent_address, submitted_at=now,
        submitted_ip=(ip_address or "")[:45])


def _store(session: Session, application: Application, upload: Upload, kind: str,
           storage: Storage) -> None:
    key, digest = storage.put("applications", upload.content)
    try:
        application.files.append(ApplicationFile(
            filename=(upload.filename or "attachment")[:200], content_type=kind,
            size=len(upload.content), sha256=digest, storage_key=key))
        session.flush()
    except Exception:
        storage.delete(key)
        raise


def pending_for(session: Session, institution_id: int) -> list[Application]:
    return list(session.scalars(select(Application).where(
        Application.institution_id == institution_id, Application.status == "pending")
        .order_by(Application.submitted_at, Application.id)))


def recent_answers(session: Session, institution_id: int, limit: int = 20) -> list[Application]:
    return list(session.scalars(select(Application).where(
        Application.institution_id == institution_id, Application.status != "pending")
        .order_by(Application.decided_at.desc(), Application.id.desc()).limit(limit)))


def _parties(application: Application) -> list[NewParty]:
    return [
        NewParty(role="applicant", name=application.applicant_name, sex=application.applicant_sex,
                 id_number=application.applicant_id_number, phone=application.applicant_phone,
                 address=application.applicant_address),
        NewParty(role="respondent", kind=application.respondent_kind,
                 name=application.respondent_name, id_number=application.respondent_id_number,
                 phone=application.respondent_phone, address=application.respondent_address),
    ]


def _decide(session: Session, application: Application, *, actor: User, now: datetime,
            **values) -> None:
    """Pending to decided, exactly once: a conditional UPDATE where rowcount 1 wins."""
    if not policy.may_answer_application(actor, application):
        raise ApplicationRefused("not_yours")
    result = session.execute(update(Application).where(
        Application.id == application.id, Application.status == "pending")
        .values(decided_at=now, decided_by_id=actor.id, **values))
    if result.rowcount != 1:
        raise ApplicationRefused("not_pending")
    session.refresh(application)


def accept_application(session: Session, application: Application, *, actor: User,
                       now: datetime, workflow: Source, follow_url: str) -> Case:
    """File the case through the usual filing service (numbered as usual, source `online`),
    move the files onto it, and tell the applicant."""
    if not policy.may_answer_application(actor, application) or application.status != "pending":
        raise ApplicationRefused("not_yours" if application.status == "pending"
                                 else "not_pending")
    case = file_case(session, NewCase(
        dispute_type=application.dispute_type, source="online", region=application.region,
        summary=application.summary, description=_description(application),
        amount=application.amount, received_on=now.date(), parties=_parties(application),
        assigned_mediator=application.preferred_mediator), actor=actor, now=now,
        workflow=workflow)
    _decide(session, application, actor=actor, now=now, status="accepted", case_id=case.id)
    for item in application.files:
        case.attachments.append(Attachment(
            filename=item.filename, content_type=item.content_type, size=item.size,
            sha256=item.sha256, storage_key=item.storage_key, uploaded_at=application.submitted_at))
    session.flush()
    record_event(session, case, "application.accepted", actor=actor, now=now,
                 application=application.number, files=len(application.files))
    if application.preferred_mediator is not None:
        record_event(session, case, "mediator.assigned", actor=actor, now=now,
                     mediator=application.preferred_mediator.display_name, basis="party_choice")
    log(session, application, "application.accepted", actor=actor, now=now, case_no=case.case_no)
    texts.send_text(session, phone=application.applicant_phone,
                    body=texts.accepted_text(application.number, case.case_no,
                                             application.institution.name, follow_url),
                    key=f"application:{application.id}:accepted", kind="application.accepted",
                    now=now, case_id=case.id, institution_id=application.institution_id)
    return case


def _description(application: Application) -> str:
    return f"【事实与经过】\n{application.facts}\n\n【请求事项】\n{application.claims}"


def decline_application(session: Session, application: Application, *, reason: str,
                        actor: User, now: datetime) -> Application:
    _decide(session, application, actor=actor, now=now, status="declined", decline_reason=reason)
    log(session, application, "application.declined", actor=actor, now=now, reason=reason)
    texts.send_text(session, phone=application.applicant_phone,
                    body=texts.declined_text(application.number, application.institution.name,
                                             reason),
                    key=f"application:{application.id}:declined", kind="application.declined",
                    now=now, institution_id=application.institution_id)
    return application


def request_apply_code(session: Session, verifier: Verifier, *, phone: str, ip_address: str,
                       now: datetime) -> None:
    """Send a code to the applicant's phone; the application form asks for it."""
    send_code(session, verifier, phone=normalise_phone(phone), purpose="apply", target="",
              ip_address=ip_address, now=now)
