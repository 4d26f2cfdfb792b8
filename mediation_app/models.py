"""Every model, imported once so that metadata (and Alembic) sees the whole schema."""

from .agreements.models import Agreement, AgreementSignature, FollowUp, MediationSession, Performance
from .audit.models import CaseEvent
from .auth.models import ApiToken, User
from .cases.models import Attachment, Case, CaseCounter, Handling, Party
from .directory.models import Institution, Region
from .documents.models import Document, InstitutionCertificate
from .handlings.models import WorkflowVersion
from .referrals.models import Referral

__all__ = [
    "Agreement", "AgreementSignature", "ApiToken", "Attachment", "Case", "CaseCounter",
    "CaseEvent", "Document", "FollowUp", "Handling", "Institution", "InstitutionCertificate",
    "MediationSession", "Party", "Performance", "Referral", "Region", "User", "WorkflowVersion",
]
