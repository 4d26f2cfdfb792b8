"""Every model, imported once so that metadata (and Alembic) sees the whole schema."""

from .agreements.models import (
    Agreement,
    AgreementSignature,
    FollowUp,
    MediationSession,
    Performance,
)
from .archive.models import CaseArchive
from .audit.models import AccountEvent, CaseEvent
from .auth.models import ApiToken, User
from .casefile.models import Attachment, Case, CaseCounter, Handling, Party, Referral, WorkflowVersion
from .deadlines.models import Escalation
from .directory.models import Institution, Region
from .documents.models import Document, InstitutionCertificate
from .handlings.models import MediationPeriod, PeriodExtension
from .ledger.models import LedgerImport, LedgerStagingRow
from .monthly.models import JobRun, MonthlyReport, MonthlyReportRequest
from .notifications.models import Notification, NotificationPreference
from .outbox.models import OutboxMessage
from .parties.models import (
    AccessFailure,
    Application,
    ApplicationEvent,
    ApplicationFile,
    Appointment,
    DocumentDelivery,
    PartyGrant,
    PartyRating,
    PhoneCode,
    SigningLink,
)
from .referrals.records import OutcomeReport
from .review.models import CaseReview
from .roster.models import MediatorProfile, RecusalRequest
from .supervision.models import SupervisionOrder
from .warnings.models import EarlyWarning

__all__ = [
    "Agreement", "AgreementSignature", "ApiToken", "Attachment", "Case", "CaseCounter",
    "CaseEvent", "Document", "Escalation", "FollowUp", "Handling", "Institution",
    "InstitutionCertificate", "JobRun", "LedgerImport", "LedgerStagingRow", "MediationSession",
    "MonthlyReport", "MonthlyReportRequest", "Notification", "OutboxMessage", "Party",
    "Performance", "Referral",
    "Region", "User", "WorkflowVersion", "NotificationPreference", "OutcomeReport",
    "MediationPeriod", "PeriodExtension",
    "AccessFailure", "Application", "ApplicationEvent", "ApplicationFile", "Appointment",
    "DocumentDelivery", "PartyGrant", "PartyRating", "PhoneCode", "SigningLink",
    "MediatorProfile", "RecusalRequest",
    "EarlyWarning", "SupervisionOrder", "CaseArchive", "CaseReview", "AccountEvent",
]
