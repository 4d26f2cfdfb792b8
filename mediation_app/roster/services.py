"""Keeping the roster, suggesting and assigning mediators (人民调解法 art. 19: the committee
designates one or more mediators, or the parties choose them), and recusal (回避, art. 23(1):
a party chooses or accepts the mediator). Services flush; the request commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..access import policy
from ..audit.services import record_event
from ..auth.models import User
from ..casefile.models import Case, Party
from ..directory.models import Institution, Region
from ..domain.codes import DisputeType, values
from ..notifications.dispatch import tell
from .models import MediatorChoice, MediatorProfile, RecusalRequest
from .ranking import Candidate, Suggestion, rank
from .signals import recusal_decided


class RosterError(ValueError):
    """`code`: not_a_mediator, not_allowed, unknown_specialty, not_on_roster, same_mediator,
    not_pending, already_pending, not_assigned."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass
class ProfileData:
    specialties: list[str]
    qualifications: str
    region: Region
    is_listed: bool = True
    is_invited: bool = False
    max_load: int = 15


def profile_of(session: Session, user: User) -> MediatorProfile | None:
    return session.scalar(select(MediatorProfile).where(MediatorProfile.user_id == user.id))


def keep_profile(session: Session, mediator: User, data: ProfileData, *, now: datetime
                 ) -> MediatorProfile:
    """Create or change the mediator's roster entry."""
    if not policy.may_be_listed(mediator):
        raise RosterError("not_a_mediator")
    if set(data.specialties) - set(values(DisputeType)):
        raise RosterError("unknown_specialty")
    profile = profile_of(session, mediator) or MediatorProfile(user_id=mediator.id)
    profile.specialties = sorted(set(data.specialties))
    profile.qualifications = data.qualifications
    profile.region_id = data.region.id
    profile.is_listed, profile.is_invited = data.is_listed, data.is_invited
    profile.max_load, profile.updated_at = data.max_load, now
    session.add(profile)
    session.flush()
    return profile


def loads(session: Session, user_ids: list[int]) -> dict[int, int]:
    """Open cases assigned to each mediator (current load)."""
    rows = session.execute(select(Case.assigned_mediator_id, func.count()).where(
        Case.assigned_mediator_id.in_(user_ids), Case.closed_at.is_(None))
        .group_by(Case.assigned_mediator_id)).all()
    return {user_id: count for user_id, count in rows}


@dataclass
class RosterLine:
    profile: MediatorProfile
    load: int


def roster(session: Session, region: Region, *, institution_id: int | None = None,
           listed_only: bool = False) -> list[RosterLine]:
    """Entries of mediators whose institution sits in the region's subtree (or one
    institution), with their current load."""
    query = (select(MediatorProfile).join(User, User.id == MediatorProfile.user_id)
             .join(Institution, Institution.id == User.institution_id)
             .join(Region, Region.id == Institution.region_id)
             .where(Region.path.startswith(region.path), User.is_active)
             .order_by(Institution.name, User.display_name))
    if institution_id is not None:
        query = query.where(User.institution_id == institution_id)
    if listed_only:
        query = query.where(MediatorProfile.is_listed)
    profiles = list(session.scalars(query))
    counted = loads(session, [p.user_id for p in profiles])
    return [RosterLine(profile=p, load=counted.get(p.user_id, 0)) for p in profiles]


def suggestions(session: Session, case: Case) -> list[Suggestion]:
    """Listed mediators of the institution holding the case, ranked; when it holds no
    mediators (a governance centre), the listed mediators of its region's subtree."""
    holder = case.holder_institution
    lines = roster(session, holder.region, institution_id=holder.id, listed_only=True) or \
        roster(session, holder.region, listed_only=True)
    candidates = [Candidate(user_id=line.profile.user_id, name=line.profile.user.display_name,
                            institution=line.profile.user.institution.name,
                            specialties=tuple(line.profile.specialties), load=line.load,
                            max_load=line.profile.max_load, region_path=line.profile.region.path)
                  for line in lines]
    return rank(candidates, dispute_type=case.dispute_type, region_path=case.region.path)


def assign_mediator(session: Session, case: Case, mediator: User, *, chosen_by_party: bool,
                    actor: User, now: datetime) -> None:
    """Designate the mediator, or record the one the parties chose (art. 19)."""
    if not policy.assigns_mediators(actor, case):
        raise RosterError("not_allowed")
    if not policy.may_be_listed(mediator) or mediator.institution_id != case.holder_institution_id:
        raise RosterError("not_on_roster")
    before = case.assigned_mediator.display_name if case.assigned_mediator else None
    case.assigned_mediator = mediator
    case.updated_at = now
    session.flush()
    record_event(session, case, "mediator.assigned", actor=actor, now=now,
                 mediator=mediator.display_name, before=before,
                 basis="party_choice" if chosen_by_party else "designated")
    if mediator.id != actor.id:
        tell(session, [mediator], kind="case.assigned", now=now, case_id=case.id,
             key=f"case.assigned:{case.id}:{mediator.id}:{now.isoformat()}",
             case_no=case.case_no, sender_institution_id=case.holder_institution_id)


def assign_cases(session: Session, cases: list[Case], mediator: User, *, actor: User,
                 now: datetime) -> None:
    """One mediator designated for several cases at once: all of them or, when one may not
    be (not the actor's to assign, the mediator not of its institution), none."""
    for case in cases:
        assign_mediator(session, case, mediator, chosen_by_party=False, actor=actor, now=now)


def record_choice(session: Session, case: Case, party: Party, mediator_id: int, *,
                  now: datetime) -> MediatorChoice:
    """The party's choice among the mediators suggested for the case (art. 19), kept for the
    holding institution to honour; a new choice replaces the party's earlier one."""
    chosen = next((s.candidate for s in suggestions(session, case)
                   if s.candidate.user_id == mediator_id), None)
    if chosen is None or party.case_id != case.id:
        raise RosterError("not_on_roster")
    choice = session.scalar(select(MediatorChoice).where(
        MediatorChoice.case_id == case.id, MediatorChoice.party_id == party.id)) \
        or MediatorChoice(case_id=case.id, party_id=party.id)
    choice.mediator_id, choice.chosen_at = chosen.user_id, now
    session.add(choice)
    session.flush()
    record_event(session, case, "mediator.chosen", actor=None, now=now, party=party.name,
                 mediator=chosen.name, institution=chosen.institution)
    return choice


def choices_of(session: Session, case: Case) -> list[MediatorChoice]:
    """The parties' standing choices of mediator, oldest first."""
    return list(session.scalars(select(MediatorChoice).where(MediatorChoice.case_id == case.id)
                                .order_by(MediatorChoice.chosen_at, MediatorChoice.id)))


def request_recusal(session: Session, case: Case, *, reason: str, party: Party | None,
                    actor: User | None, now: datetime) -> RecusalRequest:
    """Record a party's request that the assigned mediator step aside: entered by the
    institution holding the case (`actor`), or sent by the party from their own page
    (`actor` None, `party` proven by a phone code)."""
    if actor is None and party is None or actor is not None and not \
            policy.assigns_mediators(actor, case):
        raise RosterError("not_allowed")
    if party is not None and party.case_id != case.id or case.is_closed:
        raise RosterError("not_allowed")
    if case.assigned_mediator_id is None:
        raise RosterError("not_assigned")
    pending = session.scalar(select(RecusalRequest.id).where(
        RecusalRequest.case_id == case.id, RecusalRequest.status == "pending"))
    if pending is not None:
        raise RosterError("already_pending")
    request = RecusalRequest(case_id=case.id, mediator_id=case.assigned_mediator_id,
                             party_id=party.id if party else None, reason=reason,
                             requested_at=now, recorded_by_id=actor.id if actor else None)
    session.add(request)
    session.flush()
    record_event(session, case, "recusal.requested", actor=actor, now=now,
                 mediator=request.mediator.display_name, party=party.name if party else None,
                 reason=reason, by_party=actor is None)
    return request


def decide_recusal(session: Session, request: RecusalRequest, *, granted: bool, note: str,
                   replacement: User | None, actor: User, now: datetime) -> RecusalRequest:
    """Grant (with a replacement mediator, who takes the case) or refuse, once."""
    case = session.get(Case, request.case_id)
    if not policy.assigns_mediators(actor, case):
        raise RosterError("not_allowed")
    if granted and (replacement is None or replacement.id == request.mediator_id):
        raise RosterError("same_mediator")
    decided = session.execute(update(RecusalRequest).where(
        RecusalRequest.id == request.id, RecusalRequest.status == "pending").values(
        status="granted" if granted else "refused", decided_at=now, decided_by_id=actor.id,
        decision_note=note, replacement_id=replacement.id if granted else None))
    if decided.rowcount != 1:
        raise RosterError("not_pending")
    session.refresh(request)
    record_event(session, case, "recusal.decided", actor=actor, now=now,
                 mediator=request.mediator.display_name, granted=granted, note=note,
                 replacement=replacement.display_name if granted else None)
    if granted:
        assign_mediator(session, case, replacement, chosen_by_party=False, actor=actor, now=now)
    recusal_decided.send(session, request=request, case=case, now=now)
    return request
