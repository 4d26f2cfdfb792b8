"""委派/委托调解期限: court-delegated (委派) and entrusted (委托) mediation runs 30 days from
签收 of the referral, not from a later 受理, and is longer only with both parties' consent
(《最高人民法院关于人民法院特邀调解的规定》, 法释〔2016〕14号). Each extension is a step of
its own: who consented, the previous and the new end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..audit.services import record_event
from ..auth.models import User
from ..casefile.models import Handling, Referral
from .models import MediationPeriod, PeriodExtension

COURT_KINDS = ("delegate", "entrust")
PERIOD = timedelta(days=30)


class PeriodError(ValueError):
    """`code`: no_period, closed, not_later, consent_missing, not_holder."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Extension:
    ends_at: datetime
    consenting_party_ids: tuple[int, ...]
    note: str = ""


def start_period(session: Session, referral: Referral, handling: Handling, *,
                 now: datetime) -> MediationPeriod | None:
    """On 签收 of a 委派/委托: the period starts now and sets the handling's deadline."""
    if referral.kind not in COURT_KINDS:
        return None
    period = MediationPeriod(handling_id=handling.id, referral_id=referral.id, started_at=now,
                             ends_at=now + PERIOD)
    session.add(period)
    _set_deadline(session, handling, period.ends_at)
    session.flush()
    return period


def period_of(session: Session, handling_id: int) -> MediationPeriod | None:
    return session.scalar(select(MediationPeriod).where(
        MediationPeriod.handling_id == handling_id))


def period_end(session: Session, handling: Handling) -> datetime | None:
    """The end of the court's mediation period for this handling (None without one)."""
    if handling.id is None:
        return None
    return session.scalar(select(MediationPeriod.ends_at).where(
        MediationPeriod.handling_id == handling.id))


def extend_period(session: Session, handling: Handling, extension: Extension, *,
                  actor: User, now: datetime) -> PeriodExtension:
    """Record both parties' consent to a longer period and move the deadline."""
    period = period_of(session, handling.id)
    if period is None:
        raise PeriodError("no_period")
    if handling.outcome is not None:
        raise PeriodError("closed")
    if actor.institution_id != handling.institution_id:
        raise PeriodError("not_holder")
    if extension.ends_at <= period.ends_at:
        raise PeriodError("not_later")
    parties = {party.id: party for party in handling.case.parties}
    consenting = [parties[pid] for pid in extension.consenting_party_ids if pid in parties]
    if {p.role for p in consenting} < {"applicant", "respondent"} or not consenting:
        raise PeriodError("consent_missing")
    row = PeriodExtension(period_id=period.id, previous_ends_at=period.ends_at,
                          ends_at=extension.ends_at,
                          consenting_parties=[{"id": p.id, "name": p.name, "role": p.role}
                                              for p in consenting],
                          note=extension.note, recorded_by_id=actor.id, recorded_at=now)
    session.add(row)
    previous = period.ends_at
    period.ends_at = extension.ends_at
    _set_deadline(session, handling, extension.ends_at)
    session.flush()
    record_event(session, handling.case, "period.extended", actor=actor, now=now,
                 previous=previous, ends_at=extension.ends_at,
                 consented=[p.name for p in consenting], note=extension.note or None,
                 institution_name=handling.institution.name)
    return row


def _set_deadline(session: Session, handling: Handling, ends_at: datetime) -> None:
    session.execute(update(Handling).where(Handling.id == handling.id)
                    .values(deadline_at=ends_at).execution_options(synchronize_session=False))
    set_committed_value(handling, "deadline_at", ends_at)
    handling.case.mirror(handling)
