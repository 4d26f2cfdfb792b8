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


def values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]
