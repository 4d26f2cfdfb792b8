from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Agreement


def live_agreement(session: Session, case_id: int) -> Agreement | None:
    """The agreement of a case that is not voided (draft or signed), if any."""
    return session.scalar(select(Agreement).where(Agreement.case_id == case_id,
                                                  Agreement.status != "voided"))


def signed_agreement_for_case(session: Session, case_id: int) -> Agreement | None:
    agreement = live_agreement(session, case_id)
    return agreement if agreement is not None and agreement.status == "signed" else None
