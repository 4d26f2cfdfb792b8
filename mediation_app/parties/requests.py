"""What a party asks from their own page, once the phone code has proven who they are:
that the assigned mediator step aside (回避, 人民调解法 art. 23(1): a party chooses or
accepts the mediator), or which mediator of the roster they choose (art. 19: the parties
may choose the mediators). Both land with the institution holding the case, whose staff
are told and decide; the party is told the recusal decision by text message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ..agreements.models import MediationSession
from ..casefile.models import Case, Party
from ..notifications.dispatch import tell
from ..notifications.services import staff_of
from ..roster import services as roster
from ..roster.models import MediatorChoice, RecusalRequest
from .applications import log
from .models import Application, PartyGrant


class PartyRequestRefused(ValueError):
    """`code`: case_closed, no_mediator, recusal_pending, choice_closed, not_on_roster,
    already_assigned."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


ROSTER_REFUSALS = {"not_assigned": "no_mediator", "already_pending": "recusal_pending",
                   "not_on_roster": "not_on_roster"}


@dataclass
class RosterChoice:
    user_id: int
    name: str
    institution: str
    specialties: tuple[str, ...]


@dataclass
class PartyRequests:
    """What the status page offers this party, and what this party asked before. Nothing
    here tells what another party asked or chose."""

    mediator: str | None
    may_ask_recusal: bool
    recusal: RecusalRequest | None
    may_choose: bool
    roster: list[RosterChoice]
    choice: MediatorChoice | None


def _case_and_party(session: Session, grant: PartyGrant) -> tuple[Case, Party]:
    return session.get(Case, grant.case_id), session.get(Party, grant.party_id)


def mediation_started(session: Session, case: Case) -> bool:
    """Mediation has started once a session (调解记录) is recorded."""
    return bool(session.scalar(select(exists().where(MediationSession.case_id == case.id))))


def may_choose(session: Session, case: Case) -> bool:
    """While the case is open and no mediator is assigned yet or mediation has not started."""
    return not case.is_closed and (case.assigned_mediator_id is None
                                   or not mediation_started(session, case))


def _own_recusal(session: Session, case: Case, party: Party) -> RecusalRequest | None:
    return session.scalar(select(RecusalRequest).where(
        RecusalRequest.case_id == case.id, RecusalRequest.party_id == party.id)
        .order_by(RecusalRequest.requested_at.desc(), RecusalRequest.id.desc()).limit(1))


def _own_choice(session: Session, case: Case, party: Party) -> MediatorChoice | None:
    return session.scalar(select(MediatorChoice).where(
        MediatorChoice.case_id == case.id, MediatorChoice.party_id == party.id))


def _roster(session: Session, case: Case) -> list[RosterChoice]:
    return [RosterChoice(user_id=s.candidate.user_id, name=s.candidate.name,
                         institution=s.candidate.institution,
                         specialties=s.candidate.specialties)
            for s in roster.suggestions(session, case)
            if s.candidate.user_id != case.assigned_mediator_id]


def party_requests(session: Session, grant: PartyGrant) -> PartyRequests:
    case, party = _case_and_party(session, grant)
    choosing = may_choose(session, case)
    return PartyRequests(
        mediator=case.assigned_mediator.display_name if case.assigned_mediator else None,
        may_ask_recusal=not case.is_closed and case.assigned_mediator_id is not None,
        recusal=_own_recusal(session, case, party), may_choose=choosing,
        roster=_roster(session, case) if choosing else [],
        choice=_own_choice(session, case, party))


def _tell_staff(session: Session, case: Case, *, kind: str, key: str, now: datetime) -> None:
    tell(session, staff_of(session, case.holder_institution_id), kind=kind, key=key, now=now,
         case_id=case.id, sender_institution_id=case.holder_institution_id,
         case_no=case.case_no)


def ask_recusal(session: Session, grant: PartyGrant, *, reason: str,
                now: datetime) -> RecusalRequest:
    """The party asks that the assigned mediator step aside, giving the reason; it waits for
    the holding institution's decision, whose staff are told."""
    case, party = _case_and_party(session, grant)
    if case.is_closed:
        raise PartyRequestRefused("case_closed")
    try:
        request = roster.request_recusal(session, case, reason=reason, party=party,
                                         actor=None, now=now)
    except roster.RosterError as refusal:
        raise PartyRequestRefused(ROSTER_REFUSALS.get(refusal.code, "case_closed")) from None
    _tell_staff(session, case, kind="recusal.requested", key=f"recusal:{request.id}:requested",
                now=now)
    return request


def choose_mediator(session: Session, grant: PartyGrant, *, mediator_id: int,
                    now: datetime) -> MediatorChoice:
    """The party chooses a mediator of the roster, for the holding institution to honour;
    its staff are told."""
    case, party = _case_and_party(session, grant)
    if not may_choose(session, case):
        raise PartyRequestRefused("case_closed" if case.is_closed else "choice_closed")
    if mediator_id == case.assigned_mediator_id:
        raise PartyRequestRefused("already_assigned")
    try:
        choice = roster.record_choice(session, case, party, mediator_id, now=now)
    except roster.RosterError as refusal:
        raise PartyRequestRefused(ROSTER_REFUSALS.get(refusal.code, "not_on_roster")) from None
    _tell_staff(session, case, kind="mediator.chosen",
                key=f"mediator-choice:{choice.id}:{now.isoformat()}", now=now)
    return choice


def application_roster(session: Session, application: Application) -> list[RosterChoice]:
    """The listed mediators of the institution whose inbox holds the application."""
    institution = application.institution
    return [RosterChoice(user_id=line.profile.user_id, name=line.profile.user.display_name,
                         institution=institution.name,
                         specialties=tuple(line.profile.specialties))
            for line in roster.roster(session, institution.region,
                                      institution_id=institution.id, listed_only=True)]


def choose_for_application(session: Session, grant: PartyGrant, *, mediator_id: int,
                           now: datetime) -> Application:
    """After applying, while the application waits: the applicant chooses (or changes) the
    mediator of the receiving institution they prefer; accepting the application assigns
    that mediator (art. 19). The inbox's staff are told."""
    application = session.get(Application, grant.application_id)
    if application.status != "pending":
        raise PartyRequestRefused("choice_closed")
    chosen = next((line for line in application_roster(session, application)
                   if line.user_id == mediator_id), None)
    if chosen is None:
        raise PartyRequestRefused("not_on_roster")
    application.preferred_mediator_id = chosen.user_id
    session.flush()
    log(session, application, "application.mediator_chosen", actor=None, now=now,
        mediator=chosen.name)
    tell(session, staff_of(session, application.institution_id), kind="mediator.chosen",
         key=f"application-choice:{application.id}:{now.isoformat()}", now=now,
         sender_institution_id=application.institution_id, case_no=application.number)
    return application
