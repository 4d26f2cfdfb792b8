"""Sending, accepting, returning and withdrawing referrals. Exactly one decision wins:
every decision is a conditional UPDATE on a pending referral (rowcount 1 wins), and the
database allows one pending referral and one open handling per case."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..access import policy, roles
from ..audit.services import record_event
from ..auth.models import User
from ..casefile import jurisdiction
from ..casefile.models import RETURN_REASONS, Attachment, Case, Handling, Referral
from ..directory.models import Institution
from ..documents.services import Issuer
from ..handlings.facts import facts_for
from ..handlings.periods import start_period
from ..handlings.services import end_as_transferred, start_handling
from ..storage import Storage
from ..uploads import sniff_upload
from ..workflow.calendar import add_working_days
from ..workflow.catalog import Catalog
from ..workflow.definition import ReferralRule
from ..workflow.guards import failing
from .announce import announce
from .enclosures import enclose, void_enclosures
from .kinds import needs_consent, received_by, sent_by

# a return for these reasons must say what is missing or why
NOTE_REQUIRED = ("incomplete_materials", "other")


class ReferralError(ValueError):
    """A referral move the rules refuse. `code` names why (see referrals.views.MESSAGES);
    for unmet preconditions `guards` names them."""

    def __init__(self, code: str, guards: tuple[str, ...] = ()):
        super().__init__(code if not guards else f"{code}: {', '.join(guards)}")
        self.code = code
        self.guards = guards


def sending_handling(case: Case, actor: User) -> Handling | None:
    """The latest handling of the case, if it is the actor's institution's."""
    if not case.handlings:
        return None
    latest = case.handlings[-1]
    return latest if latest.institution_id == actor.institution_id else None


def sendable_rules(session: Session, case: Case, actor: User, *, now: datetime,
                   facts_of=facts_for) -> list[tuple[ReferralRule, list[str]]]:
    """Referral kinds the actor may send now, each with the unmet guards (empty when ready).
    `facts_of` reads the guards' facts (the case page passes one it shares with panels)."""
    handling = sending_handling(case, actor)
    if handling is None or not policy.may_send_referrals(actor, case):
        return []
    facts = facts_of(session, handling, now=now)
    return [(rule, failing(rule.requires, facts)) for rule in handling.definition.sends
            if handling.state in rule.sources and roles.holds_role_of(actor, rule.roles)
            and sent_by(rule.kind, actor.institution)]


def receivers(session: Session, catalog: Catalog, case: Case, kind: str,
              sender: Institution) -> list[Institution]:
    """Institutions that can take a referral of this kind for this case."""
    if kind == "return_to_court":
        origin = _delegating_institution(session, case, sender)
        return [origin] if origin is not None else []
    kinds = catalog.receiving_kinds(kind)
    query = (select(Institution)
             .where(Institution.kind.in_(kinds), Institution.is_active,
                    Institution.id != sender.id)
             .order_by(Institution.name))
    return [found for found in session.scalars(query) if received_by(kind, found)]


def _delegating_institution(session: Session, case: Case, sender: Institution):
    handling = case.handlings[-1] if case.handlings else None
    if handling is None or handling.institution_id != sender.id:
        return None
    arrival = session.scalar(select(Referral).where(Referral.new_handling_id == handling.id))
    return arrival.from_institution if arrival and arrival.kind in ("delegate", "entrust") else None


def send_referral(session: Session, catalog: Catalog, case: Case, *, kind: str,
                  to_institution: Institution, reason: str, actor: User, now: datetime,
                  accept_working_days: int, off_list_reason: str | None = None,
                  issuer: Issuer | None = None, parties_consent: bool = False) -> Referral:
    """Propose the case to `to_institution`. A receiver outside the expected ones (see
    referrals.jurisdiction) needs `off_list_reason`, which is recorded. The documents the
    workflow encloses with this kind are issued by `issuer` and go with the referral. A kind
    that moves the parties to another form of mediation needs `parties_consent`, recorded."""
    rules = {rule: unmet for rule, unmet in sendable_rules(session, case, actor, now=now)}
    rule = next((r for r in rules if r.kind == kind), None)
    if rule is None:
        raise ReferralError("not_sendable")
    if rules[rule]:
        raise ReferralError("unmet", rules[rule])
    if needs_consent(kind) and not parties_consent:
        raise ReferralError("consent_required")
    if rule.encloses and issuer is None:
        raise ValueError(f"a referral of kind {kind} encloses documents: an issuer is needed")
    candidates = receivers(session, catalog, case, kind, actor.institution)
    if to_institution not in candidates:
        raise ReferralError("bad_receiver")
    if session.scalar(select(Referral.id).where(Referral.case_id == case.id,
                                                Referral.status == "pending")):
        raise ReferralError("already_pending")
    off_list_reason = _off_list_reason(session, case, kind, actor, to_institution, candidates,
                                       off_list_reason)
    referral = Referral(
        case_id=case.id, kind=kind, from_institution_id=actor.institution_id,
        to_institution_id=to_institution.id, from_handling_id=sending_handling(case, actor).id,
        reason=reason, created_by_id=actor.id, created_at=now,
        accept_by=add_working_days(now, accept_working_days), off_list_reason=off_list_reason,
    )
    session.add(referral)
    session.flush()
    record_event(session, case, "referral.sent", actor=actor, now=now, referral=referral.id,
                 kind=kind, to=to_institution.code, reason=reason,
                 from_name=actor.institution.name, to_name=to_institution.name,
                 off_list_reason=off_list_reason,
                 **({"parties_consent": True} if needs_consent(kind) else {}))
    enclose(session, issuer, referral, rule.encloses, actor=actor, now=now)
    announce(session, referral, "sent", now=now)
    return referral


def _off_list_reason(session: Session, case: Case, kind: str, actor: User,
                     to_institution: Institution, candidates, stated: str | None) -> str | None:
    """None for an expected receiver; the stated reason for any other, which is required."""
    if to_institution in jurisdiction.expected(session, case, kind, actor.institution,
                                               candidates):
        return None
    stated = (stated or "").strip()
    if not stated:
        raise ReferralError("off_list_reason_required")
    return stated


def attach_to_referral(session: Session, referral: Referral, *, filename: str, content: bytes,
                       storage: Storage, allowed: tuple[str, ...], max_bytes: int, actor: User,
                       now: datetime) -> Attachment:
    """A file sent along with a referral (移交材料): kept with the case, marked as the
    referral's, even when the sender's handling has ended (e.g. 司法确认)."""
    if not policy.sends_referral(actor, referral):
        raise ReferralError("not_sender")
    content_type = sniff_upload(content, allowed=allowed, max_bytes=max_bytes)
    key, digest = storage.put("attachments", content)
    attachment = Attachment(case_id=referral.case_id, referral_id=referral.id,
                            filename=(filename or "attachment")[:200], content_type=content_type,
                            size=len(content), sha256=digest, storage_key=key,
                            uploaded_by_id=actor.id, uploaded_at=now)
    session.add(attachment)
    try:
        session.flush()
    except Exception:
        storage.delete(key)
        raise
    record_event(session, referral.case, "attachment.added", actor=actor, now=now,
                 filename=attachment.filename, content_type=content_type, size=len(content),
                 sha256=digest, referral=referral.id)
    return attachment


def _check_decider(referral: Referral, actor: User) -> None:
    if not policy.receives_referral(actor, referral):
        raise ReferralError("not_receiver")
    if not referral.is_pending:
        raise ReferralError("already_decided")


def _decide(session: Session, referral: Referral, status: str, *, actor: User, now: datetime,
            **values) -> None:
    result = session.execute(
        update(Referral)
        .where(Referral.id == referral.id, Referral.status == "pending")
        .values(status=status, decided_by_id=actor.id, decided_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ReferralError("already_decided")
    session.refresh(referral)


def accept_referral(session: Session, catalog: Catalog, referral: Referral, *, actor: User,
                    now: datetime) -> Handling:
    """签收: the receiving institution takes the case over under the workflow the kind names."""
    _check_decider(referral, actor)
    definition = _receiving_workflow(session, catalog, referral)
    if definition is None:
        raise ReferralError("no_procedure")
    _decide(session, referral, "accepted", actor=actor, now=now)
    case = referral.case
    if case.current_handling is not None:
        end_as_transferred(session, case.current_handling, now=now)
    handling = start_handling(session, case, referral.to_institution,
                              catalog.sources[definition.name], actor=actor, now=now,
                              arrived_by=referral.kind)
    referral.new_handling_id = handling.id
    case.assigned_mediator_id = actor.id if roles.may_be_assigned_cases(actor) else None
    session.flush()
    record_event(session, case, "referral.accepted", actor=actor, now=now,
                 referral=referral.id, kind=referral.kind, by=referral.to_institution.code,
                 by_name=referral.to_institution.name, from_name=referral.from_institution.name)
    start_period(session, referral, handling, now=now)
    announce(session, referral, "accepted", now=now)
    return handling


def _receiving_workflow(session: Session, catalog: Catalog, referral: Referral):
    """The workflow the receiver runs. A case returned to a court resumes the court's
    procedure it was delegated or entrusted from (诉前 or 诉中)."""
    if referral.kind == "return_to_court":
        arrival = session.scalar(select(Referral).where(
            Referral.new_handling_id == referral.from_handling_id))
        if arrival is not None:
            origin = arrival.from_handling.workflow_version.name
            if origin in catalog.sources and "return_to_court" in catalog.get(origin).receives:
                return catalog.get(origin)
    return catalog.for_referral(referral.to_institution.kind, referral.kind)


def return_referral(session: Session, referral: Referral, *, reason: str, note: str,
                    actor: User, now: datetime) -> None:
    """退回 with a reason from the list and free text; the sender keeps the case, and what
    went with the referral (the 司法确认申请书) is void."""
    _check_decider(referral, actor)
    if reason not in RETURN_REASONS:
        raise ReferralError("no_reason")
    note = (note or "").strip()
    if reason in NOTE_REQUIRED and not note:
        raise ReferralError("note_required")
    _decide(session, referral, "returned", actor=actor, now=now, return_reason=reason,
            return_note=note)
    record_event(session, referral.case, "referral.returned", actor=actor, now=now,
                 referral=referral.id, reason=reason, note=note,
                 by_name=referral.to_institution.name)
    void_enclosures(session, referral, reason="referral_returned", actor=actor, now=now)
    announce(session, referral, "returned", now=now)


def withdraw_referral(session: Session, referral: Referral, *, actor: User,
                      now: datetime) -> None:
    """撤回 by the sender while the referral waits; what went with it is void."""
    if not policy.sends_referral(actor, referral):
        raise ReferralError("not_sender")
    if not referral.is_pending:
        raise ReferralError("already_decided")
    _decide(session, referral, "withdrawn", actor=actor, now=now)
    record_event(session, referral.case, "referral.withdrawn", actor=actor, now=now,
                 referral=referral.id, to_name=referral.to_institution.name)
    void_enclosures(session, referral, reason="referral_withdrawn", actor=actor, now=now)
    announce(session, referral, "withdrawn", now=now)


def expire_overdue(session: Session, *, now: datetime,
                   grace: timedelta = timedelta(0)) -> list[Referral]:
    """Pending referrals past their acceptance deadline (plus `grace`, the time the
    supervised receiver is given after escalation) become `expired`; the sender keeps
    the case. Run by the deadline sweep."""
    overdue = list(session.scalars(select(Referral).where(Referral.status == "pending",
                                                          Referral.accept_by < now - grace)))
    expired = []
    for referral in overdue:
        result = session.execute(
            update(Referral).where(Referral.id == referral.id, Referral.status == "pending")
            .values(status="expired", decided_at=now)
            .execution_options(synchronize_session=False))
        if result.rowcount == 1:
            session.refresh(referral)
            record_event(session, referral.case, "referral.expired", actor=None, now=now,
                         referral=referral.id, to=referral.to_institution.code,
                         to_name=referral.to_institution.name)
            void_enclosures(session, referral, reason="referral_expired", actor=None, now=now)
            announce(session, referral, "expired", now=now)
            expired.append(referral)
    return expired
