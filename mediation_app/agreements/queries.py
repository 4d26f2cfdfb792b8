from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access import roles
from ..auth.models import User
from ..documents.models import Document
from .models import Agreement, FollowUp, MediationSession


def live_agreement(session: Session, case_id: int) -> Agreement | None:
    """The agreement of a case that is not voided (draft or signed), if any."""
    return session.scalar(select(Agreement).where(Agreement.case_id == case_id,
                                                  Agreement.status != "voided"))


def signed_agreement_for_case(session: Session, case_id: int) -> Agreement | None:
    agreement = live_agreement(session, case_id)
    return agreement if agreement is not None and agreement.status == "signed" else None


@dataclass
class MediationRecord:
    """Everything printed or recorded in the mediation of a case, for the case page."""

    sessions: list
    agreements: list
    documents: list
    follow_ups: list

    @property
    def live_agreement(self) -> Agreement | None:
        """As `live_agreement`, from the agreements already read."""
        return next((item for item in self.agreements if item.status != "voided"), None)

    @property
    def signed_agreement(self) -> Agreement | None:
        agreement = self.live_agreement
        return agreement if agreement is not None and agreement.status == "signed" else None


def mediation_record(session: Session, case_id: int) -> MediationRecord:
    return MediationRecord(
        sessions=list(session.scalars(select(MediationSession).where(
            MediationSession.case_id == case_id).order_by(MediationSession.held_on))),
        agreements=list(session.scalars(select(Agreement).where(
            Agreement.case_id == case_id).order_by(Agreement.version.desc()))),
        documents=list(session.scalars(select(Document).where(
            Document.case_id == case_id).order_by(Document.created_at.desc()))),
        follow_ups=list(session.scalars(select(FollowUp).where(
            FollowUp.case_id == case_id).order_by(FollowUp.visited_on))),
    )


def recorder_candidates(session: Session, institution_id: int) -> list[User]:
    """Who may keep a session's record (记录人): the institution's active case workers."""
    return list(session.scalars(select(User).where(
        User.institution_id == institution_id, User.is_active,
        roles.staff_clause(roles.works_cases)).order_by(User.display_name)))
