"""Correcting what a closed mediation prevented (防止民转刑, 防止群体性上访, 防止群体性械斗:
cases and people). The figures belong to the handling that concluded the case at the
institution holding it; its mediators correct them, with a reason, until the case is
archived. Each correction is audited with the figures before and after; the statistics
read them from the handlings, so every figure, rollup and export follows at once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..access import policy
from ..audit.services import record_event
from ..auth.models import User
from ..casefile.models import Case, Handling
from ..handlings.models import PreventedEscalation
from ..handlings.prevention import Prevented, problems

CONCLUDED = ("success", "failure")
REASON_MAX = 500


class CorrectionRefused(Exception):
    """`code`: archived, not_allowed, no_conclusion, invalid, reason_required, unchanged."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def concluding_handling(case: Case) -> Handling | None:
    """The holder's last mediation handling of the case that ended in success or failure."""
    ended = [h for h in case.handlings if h.is_mediation and h.outcome in CONCLUDED
             and h.institution_id == case.holder_institution_id]
    return max(ended, key=lambda h: (h.concluded_at, h.id), default=None)


def recorded(session: Session, handling: Handling) -> Prevented:
    return prevented_in(session.get(PreventedEscalation, handling.id))


def prevented_in(row: PreventedEscalation | None) -> Prevented:
    """The figures a handling's row records (none when it has no row)."""
    if row is None:
        return Prevented()
    return Prevented(**{name: getattr(row, name) for name in Prevented().as_dict()})


def correct_prevented(session: Session, case: Case, figures: Prevented, *, reason: str,
                      actor: User, now: datetime) -> Prevented:
    """Replace what the case's concluding handling prevented; returns the figures before."""
    handling = _correctable(case, actor)
    reason = (reason or "").strip()[:REASON_MAX]
    if problems(figures):
        raise CorrectionRefused("invalid")
    if not reason:
        raise CorrectionRefused("reason_required")
    before = recorded(session, handling)
    if before == figures:
        raise CorrectionRefused("unchanged")
    _write(session, handling, figures, actor=actor, now=now)
    after = figures.as_dict()
    record_event(session, case, "prevented.corrected", actor=actor, now=now,
                 changes={name: [value, after[name]] for name, value in before.as_dict().items()
                          if value != after[name]},
                 before=before.as_dict(), after=after, note=reason,
                 labels={"institution": handling.institution.name})
    return before


def _correctable(case: Case, actor: User) -> Handling:
    if not policy.writable(case):
        raise CorrectionRefused("archived")
    if not policy.can_correct_prevented(actor, case):
        raise CorrectionRefused("not_allowed")
    handling = concluding_handling(case)
    if handling is None:
        raise CorrectionRefused("no_conclusion")
    return handling


def _write(session: Session, handling: Handling, figures: Prevented, *, actor: User,
           now: datetime) -> None:
    """One row per handling, kept only while any figure is above zero."""
    row = session.get(PreventedEscalation, handling.id)
    if figures.is_empty:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(PreventedEscalation(handling_id=handling.id, recorded_by_id=actor.id,
                                        recorded_at=now, **figures.as_dict()))
    else:
        for name, value in figures.as_dict().items():
            setattr(row, name, value)
        row.recorded_by_id, row.recorded_at = actor.id, now
    session.flush()
