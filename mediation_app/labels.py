"""Translatable labels for every code shown to users."""

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

LABELS = {
    "channel": {
        "peoples": _l("People's mediation"),
        "administrative": _l("Administrative mediation"),
        "judicial": _l("Judicial mediation"),
    },
    "role": {
        "mediator": _l("Mediator"),
        "liaison": _l("Liaison"),
        "dispatcher": _l("Dispatcher"),
        "committee": _l("Committee reader"),
        "admin": _l("Administrator"),
    },
    "region_level": {
        "city": _l("City"),
        "district": _l("District / county"),
        "town": _l("Town / street"),
        "village": _l("Village / community"),
        "grid": _l("Grid"),
    },
    "institution_kind": {
        "peoples_committee": _l("People's mediation committee"),
        "professional_committee": _l("Professional mediation committee"),
        "police": _l("Police station"),
        "traffic_police": _l("Traffic police"),
        "labour_bureau": _l("Labour bureau"),
        "admin_other": _l("Other administrative body"),
        "court": _l("Court"),
        "procuratorate": _l("Procuratorate"),
        "petition_office": _l("Petition office"),
        "governance_centre": _l("Governance centre"),
        "committee": _l("Political-legal committee"),
    },
    "dispute_type": {
        "marriage_family": _l("Marriage and family"),
        "neighbour": _l("Neighbours"),
        "housing_land": _l("Housing and homestead"),
        "contract": _l("Contract"),
        "business": _l("Production and business"),
        "damages": _l("Damages"),
        "land_forest": _l("Land and forest"),
        "demolition": _l("Land acquisition and demolition"),
        "environment": _l("Environmental pollution"),
        "labour": _l("Labour and unpaid wages"),
        "medical": _l("Medical"),
        "property": _l("Property management"),
        "traffic": _l("Road traffic accident"),
        "consumer": _l("Consumer"),
        "loan": _l("Private lending"),
        "other": _l("Other"),
    },
    "source": {
        "walk_in": _l("Walk-in"),
        "phone": _l("Phone"),
        "online": _l("Online"),
        "grid": _l("Grid worker"),
        "police": _l("Police referral"),
        "court": _l("Court referral"),
        "petition": _l("Petition office"),
        "procuratorate": _l("Procuratorate"),
        "screening": _l("Screening"),
    },
    "state": {
        "registered": _l("Registered"),
        "accepted": _l("Accepted"),
        "mediating": _l("Mediating"),
        "success": _l("Mediation succeeded"),
        "failure": _l("Mediation failed"),
        "withdrawn": _l("Withdrawn"),
        "transferred": _l("Transferred"),
    },
    "outcome": {
        "success": _l("Mediation succeeded"),
        "failure": _l("Mediation failed"),
        "withdrawn": _l("Withdrawn"),
        "transferred": _l("Transferred"),
    },
    "party_role": {
        "applicant": _l("Applicant"),
        "respondent": _l("Respondent"),
        "third_party": _l("Third party"),
    },
    "party_kind": {"person": _l("Person"), "organisation": _l("Organisation")},
    "sex": {"male": _l("Male"), "female": _l("Female")},
    "action": {
        "case.filed": _l("Case filed"),
        "case.updated": _l("Case details changed"),
        "party.added": _l("Party added"),
        "attachment.added": _l("Attachment added"),
        "handling.changed": _l("Handling changed"),
        "handling.opened": _l("Handling started at a new institution"),
    },
    "field": {
        "dispute_type": _l("Dispute type"),
        "source": _l("Source"),
        "region_id": _l("Region"),
        "summary": _l("Summary"),
        "description": _l("Description"),
        "amount": _l("Amount in dispute"),
        "received_on": _l("Received on"),
        "assigned_mediator_id": _l("Mediator"),
        "state": _l("State"),
        "outcome": _l("Outcome"),
    },
}


def label(group: str, code: str | None) -> str:
    if code is None:
        return ""
    return str(LABELS.get(group, {}).get(code, code))


def options(pairs) -> list[SelectChoice]:
    """Select field choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def choices(group: str, *, blank: str | None = None) -> list[SelectChoice]:
    pairs = list(LABELS[group].items())
    return options([("", blank)] + pairs if blank is not None else pairs)
