"""Refusals of the roster pages, in the reader's language."""

from flask_babel import gettext

from ..labels import N_

REFUSALS = {
    "not_a_mediator": N_("Only mediators can be on the roster."),
    "not_allowed": N_("Only the institution holding the case assigns its mediator."),
    "unknown_specialty": N_("Choose specialties from the dispute types."),
    "not_on_roster": N_("Choose a mediator of the institution holding the case."),
    "same_mediator": N_("A granted recusal needs another mediator to take over."),
    "not_pending": N_("This request has already been decided."),
    "already_pending": N_("A recusal request is already waiting for a decision."),
    "not_assigned": N_("No mediator is assigned to this case yet."),
}


def roster_refusal(code: str) -> str:
    return gettext(REFUSALS.get(code, REFUSALS["not_allowed"]))
