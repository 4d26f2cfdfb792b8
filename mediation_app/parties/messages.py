"""Every refusal a party or the inbox can meet, in the reader's language. Wrong, expired,
used and unknown codes share one message: nothing tells whether a case exists."""

from flask import current_app
from flask_babel import gettext

from ..labels import N_

REFUSALS = {
    "wrong_code": N_("The code is wrong or no longer valid. Check the number, the phone "
                     "and the code, or ask for a new code."),
    "locked": N_("Too many failed attempts. For your safety, please try again in 30 minutes."),
    "too_many_codes": N_("Too many codes were sent to this phone. Please try again in an hour."),
    "rate_limited": N_("Too many requests. Please wait a while and try again."),
    "no_inbox": N_("No mediation centre serves this place yet: please choose a committee."),
    "too_many_files": N_("Attach at most 5 files."),
    "empty": N_("A file is empty."),
    "wrong_type": N_("Only JPEG, PNG and PDF files can be attached."),
    "not_pending": N_("This application has already been answered."),
    "not_yours": N_("This application was sent to another institution."),
    "link_gone": N_("This signing link is no longer valid: it was used, replaced or has "
                    "expired, or the agreement is already signed. Please ask your mediator."),
    "not_closed": N_("You can rate the mediation once the case has ended."),
    "already_rated": N_("You have already rated this mediation. Thank you."),
    "not_allowed": N_("Only the institution holding the case can do this."),
    "in_the_past": N_("Choose a time in the future."),
    "no_video": N_("No video meeting server is configured (JITSI_BASE_URL)."),
    "already_cancelled": N_("This session was already cancelled."),
    "already_held": N_("This session has already begun; it can no longer be cancelled."),
    "no_reason": N_("Give the reason the parties will be told."),
    "voided": N_("A voided document is not delivered."),
    "nobody": N_("No party has a mobile number on file."),
    "case_closed": N_("Your case has ended: this can no longer be asked."),
    "no_mediator": N_("No mediator is assigned to your case yet."),
    "recusal_pending": N_("A request that this mediator step aside is already waiting for a "
                          "decision."),
    "choice_closed": N_("Mediation of your case has started: the mediator can no longer be "
                        "chosen here. You may still ask that the mediator step aside."),
    "not_on_roster": N_("Choose a mediator from the list."),
    "already_assigned": N_("This mediator already handles your case."),
}


def refusal_message(code: str | None) -> str:
    if code == "too_large":
        return gettext("A file is larger than %(mb)d MB.",
                       mb=current_app.config["ATTACHMENT_MAX_BYTES"] // (1024 * 1024))
    return gettext(REFUSALS.get(code or "", REFUSALS["wrong_code"]))


STAGES = {
    "registered": N_("Received. The institution is reviewing it and will accept it soon."),
    "routing": N_("Accepted by the mediation centre, which is passing it to the right mediators."),
    "mediating": N_("In mediation. The mediator will contact you about the sessions."),
    "closed_success": N_("Mediation succeeded: an agreement was reached and the case is closed."),
    "closed_failure": N_("Mediation ended without agreement. You may still apply for "
                         "arbitration, ask an administrative body, or go to court."),
    "closed_withdrawn": N_("The application was withdrawn and the case is closed."),
    "closed_transferred": N_("The case was passed to another institution."),
}


def stage_words(code: str) -> str:
    return gettext(STAGES.get(code, STAGES["mediating"]))
