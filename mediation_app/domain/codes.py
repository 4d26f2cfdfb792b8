"""Codes from DESIGN.md: channels, roles, institution kinds, dispute types."""

from enum import StrEnum


class Channel(StrEnum):
    PEOPLES = "peoples"
    ADMINISTRATIVE = "administrative"
    JUDICIAL = "judicial"


class Role(StrEnum):
    MEDIATOR = "mediator"
    LIAISON = "liaison"
    DISPATCHER = "dispatcher"
    COMMITTEE = "committee"
    ADMIN = "admin"


class RegionLevel(StrEnum):
    CITY = "city"
    DISTRICT = "district"
    TOWN = "town"
    VILLAGE = "village"
    GRID = "grid"


REGION_LEVEL_ORDER = list(RegionLevel)


class InstitutionKind(StrEnum):
    PEOPLES_COMMITTEE = "peoples_committee"
    PROFESSIONAL_COMMITTEE = "professional_committee"
    POLICE = "police"
    TRAFFIC_POLICE = "traffic_police"
    LABOUR_BUREAU = "labour_bureau"
    ADMIN_OTHER = "admin_other"
    COURT = "court"
    PROCURATORATE = "procuratorate"
    PETITION_OFFICE = "petition_office"
    GOVERNANCE_CENTRE = "governance_centre"
    COMMITTEE = "committee"
    ARBITRATION = "arbitration"
    TRADE_UNION = "trade_union"
    WOMENS_FEDERATION = "womens_federation"
    LAWYER_MEDIATION = "lawyer_mediation"


CHANNEL_OF_KIND: dict[InstitutionKind, Channel | None] = {
    InstitutionKind.PEOPLES_COMMITTEE: Channel.PEOPLES,
    InstitutionKind.PROFESSIONAL_COMMITTEE: Channel.PEOPLES,
    InstitutionKind.POLICE: Channel.ADMINISTRATIVE,
    InstitutionKind.TRAFFIC_POLICE: Channel.ADMINISTRATIVE,
    InstitutionKind.LABOUR_BUREAU: Channel.ADMINISTRATIVE,
    InstitutionKind.ADMIN_OTHER: Channel.ADMINISTRATIVE,
    InstitutionKind.COURT: Channel.JUDICIAL,
    InstitutionKind.PROCURATORATE: Channel.JUDICIAL,
    InstitutionKind.PETITION_OFFICE: None,
    InstitutionKind.GOVERNANCE_CENTRE: None,
    InstitutionKind.COMMITTEE: None,
    InstitutionKind.ARBITRATION: Channel.ADMINISTRATIVE,
    InstitutionKind.TRADE_UNION: Channel.PEOPLES,
    InstitutionKind.WOMENS_FEDERATION: Channel.PEOPLES,
    InstitutionKind.LAWYER_MEDIATION: None,
}


class DisputeType(StrEnum):
    MARRIAGE_FAMILY = "marriage_family"
    NEIGHBOUR = "neighbour"
    HOUSING_LAND = "housing_land"
    CONTRACT = "contract"
    BUSINESS = "business"
    DAMAGES = "damages"
    LAND_FOREST = "land_forest"
    DEMOLITION = "demolition"
    ENVIRONMENT = "environment"
    LABOUR = "labour"
    MEDICAL = "medical"
    PROPERTY = "property"
    TRAFFIC = "traffic"
    CONSUMER = "consumer"
    LOAN = "loan"
    OTHER = "other"


class Source(StrEnum):
    WALK_IN = "walk_in"
    PHONE = "phone"
    ONLINE = "online"
    GRID = "grid"
    POLICE = "police"
    COURT = "court"
    PETITION = "petition"
    PROCURATORATE = "procuratorate"
    SCREENING = "screening"


class Outcome(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    WITHDRAWN = "withdrawn"
    TRANSFERRED = "transferred"


class PartyRole(StrEnum):
    APPLICANT = "applicant"
    RESPONDENT = "respondent"
    THIRD_PARTY = "third_party"


class PartyKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class DocumentKind(StrEnum):
    """What a workflow's documents are; which template prints each is in the workflow file."""

    APPLICATION = "application"
    ACCEPTANCE_REGISTER = "acceptance_register"
    RIGHTS_NOTICE = "rights_notice"
    SESSION_RECORD = "session_record"
    AGREEMENT = "agreement"
    ORAL_AGREEMENT = "oral_agreement"
    FAILURE_NOTICE = "failure_notice"
    FOLLOW_UP_RECORD = "follow_up_record"
    CONFIRMATION_APPLICATION = "confirmation_application"
    RULING = "ruling"


class DocumentSigner(StrEnum):
    """Who signs a document: the parties on screen, the mediator, a court's judge and
    clerk (names printed), the police officer presiding, or everyone present."""

    PARTIES = "parties"
    MEDIATOR = "mediator"
    JUDGE = "judge"
    CLERK = "clerk"
    HOST = "host"
    PRESENT = "present"
    INSTITUTION = "institution"


class AgreementDetail(StrEnum):
    """Channel details an agreement document may ask for, besides the common fields. Their
    texts (Chinese first) are the labels of the agreement form, labels.LABELS group
    "agreement_detail", translated like every other label."""

    HOST = "host"
    PRESENT = "present"
    OCCURRED = "occurred"
    PLACE = "place"
    CAUSE = "cause"
    COURSE = "course"
    RESULT = "result"
    CERTIFICATE_ON = "certificate_on"
    BASIS = "basis"
    LOSSES = "losses"
    ITEMS = "items"
    INSURER_ITEMS = "insurer_items"
    LIABILITY = "liability"
    CLAIMS = "claims"
    JUDGE = "judge"
    CLERK = "clerk"
    ARBITRATOR = "arbitrator"


class AgreementForm(StrEnum):
    WRITTEN = "written"
    ORAL = "oral"


def values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]
