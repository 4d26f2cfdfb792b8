from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..auth.models import User
from ..casefile.models import Referral

# what the inbox and sent lists show of each referral, loaded with it rather than per row
_SHOWN = (joinedload(Referral.case), joinedload(Referral.from_institution),
          joinedload(Referral.to_institution))


def inbox(session: Session, user: User, *, status: str = "pending", limit: int = 100
          ) -> list[Referral]:
    """Referrals addressed to the user's institution, oldest first."""
    query = (select(Referral).options(*_SHOWN)
             .where(Referral.to_institution_id == user.institution_id, Referral.status == status)
             .order_by(Referral.created_at)
             .limit(limit))
    return list(session.scalars(query))


def sent(session: Session, user: User, *, limit: int = 100) -> list[Referral]:
    """Referrals the user's institution sent, newest first."""
    query = (select(Referral).options(*_SHOWN)
             .where(Referral.from_institution_id == user.institution_id)
             .order_by(Referral.created_at.desc())
             .limit(limit))
    return list(session.scalars(query))


def for_case(session: Session, case_id: int) -> list[Referral]:
    return list(session.scalars(select(Referral).where(Referral.case_id == case_id)
                                .order_by(Referral.created_at)))


def pending_for_case(session: Session, case_id: int) -> Referral | None:
    return session.scalar(select(Referral).where(Referral.case_id == case_id,
                                                 Referral.status == "pending"))
