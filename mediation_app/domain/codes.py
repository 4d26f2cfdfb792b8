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


# Channel details an agreement document may ask for, besides the common fields.
AGREEMENT_DETAILS = {
    "host": "主持人",
    "present": "其他在场人员",
    "occurred": "案件发生时间",
    "place": "案件发生地点",
    "cause": "起因",
    "course": "经过、情节",
    "result": "结果",
    "certificate_on": "道路交通事故认定书送达日期",
    "basis": "调解依据",
    "losses": "事故认定的基本事实和损失情况",
    "items": "损害赔偿项目和数额（每行：项目 金额）",
    "insurer_items": "保险公司赔付项目和数额（每行：项目 金额）",
    "liability": "各方责任及比例（每行：当事人 比例）",
    "claims": "诉讼请求",
    "judge": "审判员",
    "clerk": "书记员",
    "arbitrator": "仲裁员",
}


class AgreementForm(StrEnum):
    WRITTEN = "written"
    ORAL = "oral"


def values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]
