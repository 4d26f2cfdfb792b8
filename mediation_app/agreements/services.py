"""Sessions, agreement drafts, signatures, corrections, performance and follow-up visits."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..access import policy
from ..audit.services import changes, record_event
from ..auth.models import User
from ..casefile.models import Case, Handling, Party
from ..concurrency import as_text, check_version
from ..documents.models import Document
from .models import (
    Agreement,
    AgreementSignature,
    FollowUp,
    MediationSession,
    Performance,
    SessionRecordSignature,
)
from .queries import recorder_candidates

MAX_SIGNATURE_BYTES = 512 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class AgreementError(ValueError):
    """`code`: not_holder, session_limit, ends_before_start, not_a_recorder, not_editable,
    live_exists, bad_signature,
    not_a_party, already_signed, not_signed, not_open, no_such_document (the workflow
    issues no agreement of that form); for the session record (record_signing.py):
    not_present, record_issued, refusal_needs_note, no_record_document; record_signed (a
    session record somebody present has signed no longer changes)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _holding(case: Case, actor: User):
    if not policy.can_change_case(actor, case) or case.current_handling is None:
        raise AgreementError("not_holder")
    return case.current_handling


def _made_here(agreement: Agreement, actor: User) -> None:
    """Only the institution whose handling made the agreement changes it, while that
    handling is open (a court confirming it cannot void the committee's agreement)."""
    if not policy.can_change_record(actor, agreement):
        raise AgreementError("not_holder")


@dataclass
class SessionRecord:
    held_on: date
    place: str
    mediators: str
    attendees: str
    record: str
    start_time: time | None = None
    end_time: time | None = None
    recorder_id: int | None = None  # 记录人: a case worker of the recording institution


def _check_times_and_recorder(session: Session, data: SessionRecord, institution_id: int):
    if data.start_time and data.end_time and data.end_time <= data.start_time:
        raise AgreementError("ends_before_start")
    if data.recorder_id is None:
        return
    if data.recorder_id not in {user.id for user in recorder_candidates(session, institution_id)}:
        raise AgreementError("not_a_recorder")


def record_session(session: Session, case: Case, data: SessionRecord, *, actor: User,
                   now: datetime) -> MediationSession:
    handling = _holding(case, actor)
    limit = handling.definition.max_sessions
    held = session.scalar(select(func.count()).select_from(MediationSession)
                          .where(MediationSession.handling_id == handling.id))
    if limit is not None and held >= limit:
        raise AgreementError("session_limit")
    _check_times_and_recorder(session, data, handling.institution_id)
    record = MediationSession(case_id=case.id, handling_id=handling.id, created_by_id=actor.id,
                              created_at=now, **asdict(data))
    session.add(record)
    session.flush()
    record_event(session, case, "session.recorded", actor=actor, now=now, session_id=record.id,
                 held_on=data.held_on, place=data.place)
    return record


# the short fields whose old and new values the timeline shows; the attendees and the record
# itself are listed by name only
SESSION_FIELDS_SHOWN = ("held_on", "place", "mediators", "start_time", "end_time")


def record_institution_id(session: Session, record: MediationSession) -> int:
    """The institution whose handling recorded the session (its recorder works there)."""
    return session.get(Handling, record.handling_id).institution_id


def update_session(session: Session, record: MediationSession, data: SessionRecord, *,
                   actor: User, now: datetime, based_on_version: int | None = None) -> list[str]:
    """Correct a session record, by the institution that recorded it while its handling is
    open. With `based_on_version`, refuse (EditConflict) if the record was saved since that
    version and the submitted values differ from the saved ones. Returns the changed fields."""
    if not policy.can_change_record(actor, record):
        raise AgreementError("not_holder")
    if session.scalar(select(func.count()).select_from(SessionRecordSignature).where(
            SessionRecordSignature.session_id == record.id)):
        raise AgreementError("record_signed")  # what those present signed stays as they read it
    _check_times_and_recorder(session, data, record_institution_id(session, record))
    new_values = asdict(data)
    saved = {name: getattr(record, name) for name in new_values}
    check_version(record.version, based_on_version, saved, new_values)
    changed = [name for name, value in new_values.items() if saved[name] != value]
    if not changed:
        return []
    for name in changed:
        setattr(record, name, new_values[name])
    session.flush()
    shown = [name for name in changed if name in SESSION_FIELDS_SHOWN]
    record_event(session, session.get(Case, record.case_id), "session.edited", actor=actor,
                 now=now, session_id=record.id, fields=changed,
                 changes=changes({name: as_text(saved[name]) for name in shown},
                                 {name: as_text(new_values[name]) for name in shown}))
    return changed


@dataclass
class AgreementDraft:
    facts: str
    matters: str
    clauses: list[str]
    amount: Decimal | None
    performance_manner: str
    performance_deadline: date | None
    details: dict = field(default_factory=dict)


def _agreement_spec(handling, kind: str = "agreement"):
    spec = handling.definition.document(kind)
    if spec is None:
        raise AgreementError("no_such_document")
    return spec


def _next_version(session: Session, case: Case) -> int:
    live = session.scalar(select(Agreement).where(Agreement.case_id == case.id,
                                                  Agreement.status != "voided"))
    if live is not None:
        raise AgreementError("live_exists")
    return (session.scalar(select(func.max(Agreement.version))
                           .where(Agreement.case_id == case.id)) or 0) + 1


def draft_agreement(session: Session, case: Case, data: AgreementDraft, *, actor: User,
                    now: datetime, supersedes: Agreement | None = None) -> Agreement:
    handling = _holding(case, actor)
    spec = _agreement_spec(handling)
    version = _next_version(session, case)
    agreement = Agreement(
        case_id=case.id, handling_id=handling.id, version=version, template=spec.template,
        created_by_id=actor.id, created_at=now, updated_at=now,
        supersedes_id=supersedes.id if supersedes else None, **asdict(data))
    session.add(agreement)
    session.flush()
    record_event(session, case, "agreement.drafted", actor=actor, now=now,
                 agreement=agreement.id, version=version)
    return agreement


def update_draft(session: Session, agreement: Agreement, data: AgreementDraft, *, actor: User,
                 now: datetime, based_on_version: int | None = None) -> Agreement:
    """Only a draft nobody has signed yet can change; after that, correct by a new version.
    With `based_on_version` (the draft's row_version the form was filled from), refuse
    (EditConflict) if the draft was saved since and the submitted values differ."""
    case = session.get(Case, agreement.case_id)
    _made_here(agreement, actor)
    if not agreement.is_editable:
        raise AgreementError("not_editable")
    new_values = asdict(data)
    saved = {name: getattr(agreement, name) for name in new_values}
    check_version(agreement.row_version, based_on_version, saved, new_values)
    changed = [name for name, value in new_values.items() if as_text(saved[name]) != as_text(value)]
    for name, value in new_values.items():
        setattr(agreement, name, value)
    agreement.updated_at = now
    session.flush()
    record_event(session, case, "agreement.edited", actor=actor, now=now,
                 agreement=agreement.id, version=agreement.version, fields=changed)
    return agreement


OFFICERS = ("mediator", "host", "judge")


def _signers_of(agreement: Agreement) -> tuple[str, ...]:
    handling = agreement.handling
    spec = handling.definition.document("agreement") if handling is not None else None
    return spec.signers if spec is not None else ("parties", "mediator")


def required_signers(case: Case, agreement: Agreement | None = None) -> list[Party]:
    """The parties who sign on screen: none where the document is the court's own (a
    民事调解书 is signed by the judge and clerk, 民事诉讼法 art. 100)."""
    if agreement is not None and "parties" not in _signers_of(agreement):
        return []
    return list(case.parties)


def missing_signatures(agreement: Agreement, case: Case) -> tuple[list[Party], bool]:
    """The parties who have not signed yet, and whether the mediator (the police officer
    presiding, the judge) still has to sign."""
    signed_parties = {s.party_id for s in agreement.signatures if s.party_id}
    officer_signs = any(signer in OFFICERS for signer in _signers_of(agreement))
    officer_left = officer_signs and not any(s.user_id for s in agreement.signatures)
    return ([p for p in required_signers(case, agreement) if p.id not in signed_parties],
            officer_left)


def record_oral_agreement(session: Session, case: Case, data: AgreementDraft, *, actor: User,
                          now: datetime) -> Agreement:
    """人民调解法 art. 28, 30: parties who see no need for a written agreement may agree
    orally; the mediator records what was agreed, and it takes effect that day. Nobody
    signs on screen; it counts as an agreement reached."""
    handling = _holding(case, actor)
    spec = _agreement_spec(handling, "oral_agreement")
    agreement = Agreement(
        case_id=case.id, handling_id=handling.id, version=_next_version(session, case),
        template=spec.template, form="oral", status="signed", signed_at=now,
        created_by_id=actor.id, created_at=now, updated_at=now, **asdict(data))
    session.add(agreement)
    session.flush()
    record_event(session, case, "agreement.oral", actor=actor, now=now,
                 agreement=agreement.id, version=agreement.version)
    plan_from_terms(session, agreement, case, actor=actor, now=now)
    return agreement


def check_signature_png(image: bytes) -> None:
    if not image.startswith(PNG_MAGIC) or len(image) > MAX_SIGNATURE_BYTES or len(image) < 100:
        raise AgreementError("bad_signature")


@dataclass(frozen=True)
class Signer:
    """Either a party of the case or the signed-in mediator."""

    party: Party | None = None
    user: User | None = None

    @property
    def name(self) -> str:
        return self.party.name if self.party else self.user.display_name


def _signature_facts(signer: Signer, actor: User, *, remote: bool,
                     user_agent: str) -> tuple[User | None, dict]:
    """Who the event names: a party signing on the staff screen with the staff member who
    witnessed it, a party signing remotely alone (nobody of the staff was there), the
    mediator alone."""
    if signer.party is None:
        return actor, {"signer_kind": "mediator"}
    if remote:
        return None, {"signer_kind": "party", "via": "link", "user_agent": user_agent}
    return actor, {"signer_kind": "party", "via": "screen", "witness": actor.display_name}


def sign_agreement(session: Session, agreement: Agreement, signer: Signer, *, image_png: bytes,
                   ip_address: str, user_agent: str, actor: User, now: datetime,
                   on_complete=None, remote: bool = False) -> AgreementSignature:
    """Record one drawn signature. When the last one is in, the agreement is signed and
    `on_complete(agreement)` produces the final document in the same transaction. A remote
    signature (`remote`, by a party's own link) is checked on behalf of `actor`, the staff
    member who sent the link, but its events name the party only."""
    case = session.get(Case, agreement.case_id)
    _made_here(agreement, actor)
    if agreement.status != "draft":
        raise AgreementError("not_editable")
    if signer.party is not None and signer.party.case_id != case.id:
        raise AgreementError("not_a_party")
    check_signature_png(image_png)
    if any((signer.party and s.party_id == signer.party.id)
           or (signer.user and s.user_id == signer.user.id) for s in agreement.signatures):
        raise AgreementError("already_signed")
    signature = AgreementSignature(
        party_id=signer.party.id if signer.party else None,
        user_id=signer.user.id if signer.user else None,
        signer_name=signer.name, image_png=image_png, signed_at=now,
        ip_address=(ip_address or "")[:45], user_agent=(user_agent or "")[:300])
    agreement.signatures.append(signature)
    session.flush()
    by, facts = _signature_facts(signer, actor, remote=remote,
                                 user_agent=signature.user_agent)
    record_event(session, case, "agreement.signature", actor=by, now=now,
                 agreement=agreement.id, signer=signer.name, ip=signature.ip_address, **facts)
    parties_left, mediator_left = missing_signatures(agreement, case)
    if not parties_left and not mediator_left:
        agreement.status = "signed"
        agreement.signed_at = now
        session.flush()
        record_event(session, case, "agreement.signed", actor=by, now=now,
                     agreement=agreement.id, version=agreement.version)
        plan_from_terms(session, agreement, case, actor=actor, now=now)
        if on_complete is not None:
            on_complete(agreement)
    return signature


def correct_agreement(session: Session, agreement: Agreement, *, reason: str, actor: User,
                      now: datetime) -> Agreement:
    """Void a signed agreement and open a new draft version with the same content."""
    case = session.get(Case, agreement.case_id)
    _made_here(agreement, actor)
    if agreement.status != "signed":
        raise AgreementError("not_signed")
    agreement.status = "voided"
    agreement.voided_at = now
    agreement.void_reason = reason
    for document in session.scalars(select(Document).where(Document.agreement_id == agreement.id)):
        document.voided_at = now
    session.flush()
    record_event(session, case, "agreement.voided", actor=actor, now=now,
                 agreement=agreement.id, version=agreement.version, reason=reason)
    content = AgreementDraft(facts=agreement.facts, matters=agreement.matters,
                             clauses=list(agreement.clauses), amount=agreement.amount,
                             performance_manner=agreement.performance_manner,
                             performance_deadline=agreement.performance_deadline,
                             details=dict(agreement.details or {}))
    return draft_agreement(session, case, content, actor=actor, now=now, supersedes=agreement)


def _closed_success_case(session: Session, agreement: Agreement, actor: User) -> Case:
    case = session.get(Case, agreement.case_id)
    if agreement.status != "signed" or not policy.can_record_aftercare(actor, case):
        raise AgreementError("not_signed")
    return case


def plan_from_terms(session: Session, agreement: Agreement, case: Case, *, actor: User,
                    now: datetime) -> Performance | None:
    """The agreement's 履行期限 and 履行方式 become its first 履行 item when it takes effect,
    so performance is followed without typing them again; nothing without a deadline or
    when items are already planned."""
    if agreement.performance_deadline is None or agreement.performances:
        return None
    description = (agreement.performance_manner or "").strip()[:300]
    item = Performance(description=description, due_on=agreement.performance_deadline,
                       recorded_by_id=actor.id)
    agreement.performances.append(item)
    session.flush()
    record_event(session, case, "performance.planned", actor=actor, now=now,
                 description=description, due_on=item.due_on)
    return item


def plan_performance(session: Session, agreement: Agreement, *, description: str, due_on: date,
                     actor: User, now: datetime) -> Performance:
    case = _closed_success_case(session, agreement, actor)
    item = Performance(description=description, due_on=due_on, recorded_by_id=actor.id)
    agreement.performances.append(item)
    session.flush()
    record_event(session, case, "performance.planned", actor=actor, now=now,
                 description=description, due_on=due_on)
    return item


def record_performance(session: Session, item: Performance, *, status: str, note: str,
                       actor: User, now: datetime) -> Performance:
    case = _closed_success_case(session, item.agreement, actor)
    before = item.status
    item.status = status
    item.note = note
    item.checked_on = now.date()
    item.recorded_by_id = actor.id
    session.flush()
    record_event(session, case, "performance.recorded", actor=actor, now=now,
                 description=item.description, changes={"performance": [before, status]})
    return item


def record_follow_up(session: Session, case: Case, *, visited_on: date, satisfaction: int,
                     notes: str, actor: User, now: datetime) -> FollowUp:
    if not policy.can_record_aftercare(actor, case):
        raise AgreementError("not_signed")
    visit = FollowUp(case_id=case.id, visited_on=visited_on, satisfaction=satisfaction,
                     notes=notes, recorded_by_id=actor.id, recorded_at=now)
    session.add(visit)
    session.flush()
    record_event(session, case, "follow_up.recorded", actor=actor, now=now,
                 visited_on=visited_on, satisfaction=satisfaction)
    return visit
