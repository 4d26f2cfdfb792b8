"""Filing and changing cases. Services flush; the request or command commits."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import bindparam
from sqlalchemy.orm import Session

from ..access import policy
from ..audit.services import changes, record_event
from ..auth.models import User
from ..casefile.models import Attachment, Case, CaseCounter, Party
from ..casefile.signals import case_filing
from ..concurrency import check_version
from ..db import dialect_insert
from ..directory.models import Institution, Region
from ..domain.case_numbers import render_case_number
from ..domain.codes import PartyKind
from ..domain.idcard import birth_date, mask_birth_date, mask_phone, normalise_id_number
from ..handlings.services import open_handling, record_opening
from ..storage import Storage
from ..uploads import sniff_upload
from ..workflow.catalog import Source

log = logging.getLogger(__name__)


class CaseError(ValueError):
    """A request the rules refuse; the message is shown to the user."""


@dataclass
class NewParty:
    role: str
    name: str
    kind: str = "person"
    sex: str | None = None
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    representative_name: str | None = None
    representative_phone: str | None = None
    ethnicity: str | None = None
    birth_date: date | None = None
    occupation: str | None = None
    employer: str | None = None


@dataclass
class NewCase:
    dispute_type: str
    source: str
    region: Region
    summary: str
    received_on: date
    parties: list[NewParty]
    description: str = ""
    amount: Decimal | None = None
    assigned_mediator: User | None = None


def next_case_number(session: Session, institution: Institution, year: int) -> tuple[int, str]:
    """Bump the counter row inside the current transaction, creating it with the year's first
    number, in one statement: concurrent filers queue on the row lock, and a rolled-back
    filing gives its number back."""
    seq = session.connection().execute(   # Core: the ORM's bulk INSERT path costs more
        _counter_bump(session), {"institution_id": institution.id, "year": year}).scalar_one()
    number = render_case_number(
        institution.case_number_format, year=year, short=institution.short_name, seq=seq
    )
    return seq, number


_COUNTER_BUMPS: dict = {}


def _counter_bump(session: Session):
    """The counter upsert, built once per dialect (building it costs more than running it)."""
    dialect = session.get_bind().dialect.name
    if dialect not in _COUNTER_BUMPS:
        _COUNTER_BUMPS[dialect] = (
            dialect_insert(session, CaseCounter)
            .values(institution_id=bindparam("institution_id"), year=bindparam("year"),
                    last_seq=1)
            .on_conflict_do_update(index_elements=[CaseCounter.institution_id, CaseCounter.year],
                                   set_={"last_seq": CaseCounter.last_seq + 1})
            .returning(CaseCounter.last_seq))
    return _COUNTER_BUMPS[dialect]


def file_case(session: Session, data: NewCase, *, actor: User, now: datetime,
              workflow: Source) -> Case:
    """Number the case, record its parties, open the filer's handling under `workflow` and
    raise the early warnings it calls for (case_filing's answers). The number is drawn last:
    its counter row stays locked until the transaction ends and every filing of the
    institution queues on it, so only the writes that need the number (the case and what
    refers to it, the audit trail, the warnings) follow it."""
    if len(data.parties) < 2:
        raise CaseError("A dispute needs at least two parties.")
    institution = actor.institution
    case = Case(
        numbering_institution_id=institution.id,
        year=now.year,
        dispute_type=data.dispute_type,
        source=data.source,
        region=data.region,
        summary=data.summary,
        description=data.description,
        amount=data.amount,
        received_on=data.received_on,
        filed_at=now,
        filed_by_id=actor.id,
        assigned_mediator=data.assigned_mediator,
        handlings=[],   # known empty: opening the first handling reads nothing
    )
    for position, party in enumerate(data.parties):
        case.parties.append(_build_party(party, position))
    case.party_count = len(case.parties)
    session.add(case)
    with session.no_autoflush:    # nothing is written before the number is drawn
        handling = open_handling(session, case, institution, workflow, now=now)
        answers = _answers_to_filing(session, case, now)
        case.seq, case.case_no = next_case_number(session, institution, now.year)
    session.flush()     # the case, its parties, its handling and deadline
    record_event(
        session,
        case,
        "case.filed",
        actor=actor,
        now=now,
        new_chain=True,
        case_no=case.case_no,
        institution=institution.code,
        after=_case_view(case),
        parties=[party.audit_view() for party in case.parties],
    )
    record_opening(session, case, handling, workflow, actor=actor, now=now)
    for answer in answers:
        _give(session, case, answer)
    session.flush()     # both events and the chain's head
    return case


def _answers_to_filing(session: Session, case: Case, now: datetime) -> list[Callable]:
    """What other packages answer to the filing (early warnings): each reads the case now and
    may leave work for once it is written. An answer that fails is logged and left out: the
    case is filed without it, and answered again when its details next change."""
    answers = []
    for receiver in case_filing.receivers_for(None):
        try:
            answer = receiver(None, session=session, case=case, now=now)
        except Exception:
            log.exception("an answer to the case being filed failed")
            continue
        if answer is not None:
            answers.append(answer)
    return answers


def _give(session: Session, case: Case, answer: Callable) -> None:
    """Run an answer's work on the written case; should it fail, nothing of it is kept."""
    try:
        with session.begin_nested():
            answer()
    except Exception:
        log.exception("the answer to case %s filed failed", case.id)


def _person_facts(values: dict) -> dict:
    """The ID number in canonical form and the birth date read from it when none was given;
    an organisation has neither ethnicity nor birth date."""
    if values["id_number"]:
        values["id_number"] = normalise_id_number(values["id_number"])
    if values["kind"] != PartyKind.PERSON.value:
        return {**values, "ethnicity": None, "birth_date": None}
    return {**values, "birth_date": values["birth_date"] or birth_date(values["id_number"])}


def _build_party(data: NewParty, position: int) -> Party:
    return Party(position=position, **_person_facts(asdict(data)))


EDITABLE_FIELDS = ("dispute_type", "source", "region_id", "summary", "description", "amount",
                   "received_on", "assigned_mediator_id")


def _case_values(case: Case) -> dict:
    view = {name: getattr(case, name) for name in EDITABLE_FIELDS}
    view["region_id"] = case.region.id if case.region else case.region_id
    view["assigned_mediator_id"] = (
        case.assigned_mediator.id if case.assigned_mediator else case.assigned_mediator_id
    )
    return view


def _case_view(case: Case) -> dict:
    return {key: (str(value) if value is not None else None)
            for key, value in _case_values(case).items()}


def _ensure_editable(case: Case, actor: User) -> None:
    if not policy.can_change_case(actor, case):
        raise CaseError("This case is closed or not held by your institution.")


def update_case(session: Session, case: Case, new_values: dict, *, actor: User,
                now: datetime, based_on_version: int | None = None) -> dict:
    """Apply edits to the case's own fields; record what changed, before and after.
    With `based_on_version`, refuse (EditConflict) if the case changed since that version
    and the submitted values differ from the saved ones."""
    _ensure_editable(case, actor)
    check_version(case.version, based_on_version, _case_values(case), new_values)
    before = _case_view(case)
    for name, value in new_values.items():
        if name not in EDITABLE_FIELDS:
            raise CaseError(f"Field {name} cannot be edited.")
        setattr(case, name, value)
    session.flush()
    difference = changes(before, _case_view(case))
    if difference:
        case.updated_at = now
        record_event(session, case, "case.updated", actor=actor, now=now, changes=difference)
    return difference


def add_party(session: Session, case: Case, data: NewParty, *, actor: User,
              now: datetime) -> Party:
    _ensure_editable(case, actor)
    party = _build_party(data, position=len(case.parties))
    case.parties.append(party)
    case.party_count = len(case.parties)
    case.updated_at = now
    session.flush()
    record_event(session, case, "party.added", actor=actor, now=now, party=party.audit_view())
    return party


PARTY_FIELDS = ("role", "kind", "name", "sex", "id_number", "phone", "address",
                "representative_name", "representative_phone", "ethnicity", "birth_date",
                "occupation", "employer")


def _party_audit(party: Party) -> dict:
    """A party's fields as the audit trail (and every reader of the timeline) sees them:
    identifiers masked; the address, shown to readers of whole data only, left out."""
    return {**party.audit_view(), "representative_name": party.representative_name,
            "representative_phone": mask_phone(party.representative_phone),
            "ethnicity": party.ethnicity, "birth_date": mask_birth_date(party.birth_date),
            "occupation": party.occupation}


def update_party(session: Session, party: Party, data: NewParty, *, actor: User,
                 now: datetime, based_on_version: int | None = None) -> list[str]:
    """Change a party's details; record which fields changed (identifiers masked).
    With `based_on_version`, refuse (EditConflict) if the party was saved since that version
    and the submitted values differ from the saved ones. Returns the changed fields."""
    case = party.case
    _ensure_editable(case, actor)
    new_values = {name: (value if value != "" else None) for name, value in asdict(data).items()}
    new_values = _person_facts(new_values)
    saved = {name: getattr(party, name) for name in PARTY_FIELDS}
    check_version(party.version, based_on_version, saved, new_values)
    changed = [name for name in PARTY_FIELDS if saved[name] != new_values[name]]
    if not changed:
        return []
    before = _party_audit(party)
    for name in changed:
        setattr(party, name, new_values[name])
    case.updated_at = now
    session.flush()
    record_event(session, case, "party.updated", actor=actor, now=now, party_id=party.id,
                 fields=changed, changes=changes(before, _party_audit(party)),
                 label=party.name)
    return changed


def add_attachment(
    session: Session,
    case: Case,
    *,
    filename: str,
    content: bytes,
    storage: Storage,
    allowed: tuple[str, ...],
    max_bytes: int,
    actor: User,
    now: datetime,
) -> Attachment:
    _ensure_editable(case, actor)
    content_type = sniff_upload(content, allowed=allowed, max_bytes=max_bytes)
    key, digest = storage.put("attachments", content)
    attachment = Attachment(
        filename=(filename or "attachment")[:200],
        content_type=content_type,
        size=len(content),
        sha256=digest,
        storage_key=key,
        uploaded_by_id=actor.id,
        uploaded_at=now,
    )
    case.attachments.append(attachment)
    case.updated_at = now
    try:
        session.flush()
    except Exception:
        storage.delete(key)
        raise
    record_event(
        session, case, "attachment.added", actor=actor, now=now,
        filename=attachment.filename, content_type=content_type, size=len(content), sha256=digest,
    )
    return attachment

