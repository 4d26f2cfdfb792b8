from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.models import User
from .models import Referral


def inbox(session: Session, user: User, *, status: str = "pending", limit: int = 100
          ) -> list[Referral]:
    """Referrals addressed to the user's institution, oldest first."""
    query = (select(Referral)
             .where(Referral.to_institution_id == user.institution_id, Referral.status == status)
             .order_by(Referral.created_at)
             .limit(limit))
    return list(session.scalars(query))


def sent(session: Session, user: User, *, limit: int = 100) -> list[Referral]:
    """Referrals the user's institution sent, newest first."""
    query = (select(Referral)
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
