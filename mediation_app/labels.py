"""Translatable labels for every code shown to users."""

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from babel.support import Translations
from flask import has_request_context, request
from flask_babel import get_locale, gettext
from flask_babel.speaklater import LazyString
from wtforms.fields.choices import SelectChoice

T = TypeVar("T")


def N_(message: str) -> str:
    """Mark a message for the catalogue; it is translated when shown."""
    return message


LABELS = {
    "channel": {
        "peoples": N_("People's mediation"),
        "administrative": N_("Administrative mediation"),
        "judicial": N_("Judicial mediation"),
    },
    "role": {
        "mediator": N_("Mediator"),
        "liaison": N_("Liaison"),
        "dispatcher": N_("Dispatcher"),
        "committee": N_("Committee reader"),
        "admin": N_("Administrator"),
    },
    "region_level": {
        "city": N_("City"),
        "district": N_("District / county"),
        "town": N_("Town / street"),
        "village": N_("Village / community"),
        "grid": N_("Grid"),
    },
    "institution_kind": {
        "peoples_committee": N_("People's mediation committee"),
        "professional_committee": N_("Professional mediation committee"),
        "police": N_("Police station"),
        "traffic_police": N_("Traffic police"),
        "labour_bureau": N_("Labour bureau"),
        "admin_other": N_("Other administrative body"),
        "court": N_("Court"),
        "procuratorate": N_("Procuratorate"),
        "petition_office": N_("Petition office"),
        "governance_centre": N_("Governance centre"),
        "committee": N_("Political-legal committee"),
        "arbitration": N_("Labour and personnel dispute arbitration commission"),
        "trade_union": N_("Trade union"),
        "womens_federation": N_("Women's federation"),
        "lawyer_mediation": N_("Lawyer mediation studio"),
    },
    "dispute_type": {
        "marriage_family": N_("Marriage and family"),
        "neighbour": N_("Neighbours"),
        "housing_land": N_("Housing and homestead"),
        "contract": N_("Contract"),
        "business": N_("Production and business"),
        "damages": N_("Damages"),
        "land_forest": N_("Land and forest"),
        "demolition": N_("Land acquisition and demolition"),
        "environment": N_("Environmental pollution"),
        "labour": N_("Labour and unpaid wages"),
        "medical": N_("Medical"),
        "property": N_("Property management"),
        "traffic": N_("Road traffic accident"),
        "consumer": N_("Consumer"),
        "loan": N_("Private lending"),
        "other": N_("Other"),
    },
    "source": {
        "walk_in": N_("Walk-in"),
        "phone": N_("Phone"),
        "online": N_("Online"),
        "grid": N_("Grid worker"),
        "police": N_("Police referral"),
        "court": N_("Court referral"),
        "petition": N_("Petition office"),
        "procuratorate": N_("Procuratorate"),
        "screening": N_("Screening"),
    },
    "state": {
        "registered": N_("Registered"),
        "accepted": N_("Accepted"),
        "mediating": N_("Mediating"),
        "success": N_("Mediation succeeded"),
        "failure": N_("Mediation failed"),
        "withdrawn": N_("Withdrawn"),
        "transferred": N_("Transferred"),
        # the workflows' own state names (workflows/*.yaml)
        "succeeded": N_("Mediation succeeded"),
        "failed": N_("Mediation failed"),
        "agreed": N_("Agreement reached"),
        "confirmed": N_("Confirmed"),
        "rejected": N_("Rejected"),
        "closed": N_("Closed"),
        "assessing": N_("Assessing"),
        "reviewing": N_("Under review"),
        "screening": N_("Screening"),
        "extended": N_("Period extended"),
        "punishment": N_("Passed to the public security penalty procedure"),
        "handled_as_petition": N_("Handled as a petition"),
    },
    "outcome": {
        "success": N_("Mediation succeeded"),
        "failure": N_("Mediation failed"),
        "withdrawn": N_("Withdrawn"),
        "transferred": N_("Transferred"),
    },
    "retention": {
        "permanent": N_("Permanent"),
        "long_term": N_("Long term"),
        "short_term": N_("Short term"),
    },
    "party_role": {
        "applicant": N_("Applicant"),
        "respondent": N_("Respondent"),
        "third_party": N_("Third party"),
    },
    "party_kind": {"person": N_("Person"), "organisation": N_("Organisation")},
    "signer_kind": {"party": N_("party"), "mediator": N_("mediator")},
    "sex": {"male": N_("Male"), "female": N_("Female")},
    "action": {
        "case.filed": N_("Case filed"),
        "case.updated": N_("Case details changed"),
        "party.added": N_("Party added"),
        "party.updated": N_("Party details changed"),
        "attachment.added": N_("Attachment added"),
        "handling.changed": N_("Handling changed"),
        "handling.opened": N_("Handling started"),
        "handling.transition": N_("Workflow step"),
        "referral.sent": N_("Referral sent"),
        "referral.accepted": N_("Referral accepted"),
        "referral.returned": N_("Referral returned"),
        "referral.withdrawn": N_("Referral withdrawn"),
        "referral.expired": N_("Referral expired"),
        "session.recorded": N_("Mediation session recorded"),
        "session.edited": N_("Session record corrected"),
        "agreement.drafted": N_("Agreement drafted"),
        "agreement.edited": N_("Agreement draft changed"),
        "agreement.signature": N_("Agreement signed by"),
        "agreement.signed": N_("Agreement complete: all signatures in"),
        "agreement.voided": N_("Agreement voided"),
        "agreement.oral": N_("Oral agreement recorded"),
        "session_record.signature": N_("Session record signed"),
        "session_record.refusal": N_("Refused to sign the session record"),
        "police.eligibility": N_("Eligibility for police mediation examined"),
        "police.guardian": N_("Guardian of a minor party recorded"),
        "traffic.application": N_("Dates of the traffic accident application recorded"),
        "traffic.loss_event": N_("Loss event the traffic mediation counts from recorded"),
        "traffic.insurer": N_("Insurer taking part in the traffic mediation recorded"),
        "document.issued": N_("Document issued"),
        "document.voided": N_("Document voided"),
        "performance.planned": N_("Obligation to perform added"),
        "performance.recorded": N_("Performance recorded"),
        "follow_up.recorded": N_("Follow-up visit recorded"),
        "case.archived": N_("Case archived"),
        "prevented.corrected": N_("What the mediation prevented corrected"),
        "case.reviewed": N_("Case file reviewed (案件评查)"),
        "warning.raised": N_("Early warning raised"),
        "warning.cleared": N_("Early warning no longer met"),
        "warning.dismissed": N_("Early warning dismissed as false"),
        "warning.assigned": N_("Warning case assigned to an institution"),
        "supervision.issued": N_("Supervision order issued (督办)"),
        "supervision.replied": N_("Supervision order answered"),
        "supervision.closed": N_("Supervision order closed"),
        "supervision.overdue": N_("Supervision order not answered in time"),
        "supervision.listed": N_("Listed for supervision (挂牌督办)"),
        "supervision.lifted": N_("Supervision listing lifted (摘牌)"),
        "outcome.reported": N_("Outcome reported to the sender"),
        "period.extended": N_("Mediation period extended"),
        "handling.escalated": N_("Overdue: escalated for supervision (督办)"),
        "mediator.assigned": N_("Mediator assigned"),
        "document.delivered": N_("Document delivered"),
        "document.downloaded": N_("Document downloaded"),
        "agreement.links_sent": N_("Signing links sent"),
        "agreement.remote_signature": N_("Agreement signed through a link by"),
        "application.accepted": N_("Application accepted"),
        "appointment.scheduled": N_("Appointment scheduled"),
        "appointment.cancelled": N_("Appointment cancelled"),
        "party.rated": N_("Party rated the mediation"),
        "recusal.requested": N_("Recusal requested"),
        "recusal.decided": N_("Recusal decided"),
        "mediator.chosen": N_("A party chose a mediator"),
    },
    "guard": {
        "agreement_signed": N_("agreement signed by all"),
        "has_session": N_("a session recorded"),
        "within_confirmation_window": N_("within 30 days of the agreement"),
        "organisation_party_joined": N_("insurer or other organisation joined"),
        "arrived_by_court_delegation": N_("delegated or entrusted by a court"),
        "ruling_recorded": N_("ruling recorded with its number and date"),
        "eligibility_recorded": N_("eligibility for police mediation examined"),
        "eligible_for_police_mediation": N_("eligible for police mediation"),
        "minors_accompanied": N_("guardians of the minor parties recorded"),
        "accident_certificate_recorded": N_(
            "date the accident liability certificate was received recorded"),
        "applied_within_ten_days": N_(
            "applied within 10 days of receiving the accident liability certificate"),
        "loss_event_recorded": N_("loss event the mediation period counts from recorded"),
    },
    "guard_unmet": {
        "agreement_signed": N_("the agreement must first be signed by every party and the mediator"),
        "has_session": N_("at least one mediation session must be recorded"),
        "within_confirmation_window": N_(
            "judicial confirmation must be applied for within 30 days of the agreement"),
        "organisation_party_joined": N_(
            "the insurer (or another organisation) must be added as a party"),
        "arrived_by_court_delegation": N_(
            "only a case delegated or entrusted by a court can be returned to it"),
        "ruling_recorded": N_("the court's ruling must first be recorded with its number and date"),
        "eligibility_recorded": N_(
            "on acceptance, record whether the case may be mediated by the police: caused by "
            "a dispute between people, minor circumstances, and none of the exclusions "
            "(Procedure Rules arts. 178 and 179)"),
        "eligible_for_police_mediation": N_(
            "the case does not qualify for police mediation (Procedure Rules arts. 178 and "
            "179): mediation cannot start; end the handling or examine it again"),
        "minors_accompanied": N_(
            "a party is under 18: record the parent or other guardian told to attend "
            "(Procedure Rules art. 181)"),
        "accident_certificate_recorded": N_(
            "record the day the parties received the accident liability certificate and the "
            "day they applied jointly in writing (Road Traffic Accident Procedure Rules "
            "art. 86)"),
        "applied_within_ten_days": N_(
            "the parties must apply jointly in writing within 10 days of receiving the "
            "accident liability certificate; this application is late and cannot be "
            "accepted (Road Traffic Accident Procedure Rules art. 86)"),
        "loss_event_recorded": N_(
            "record the kind of loss and the day mediation counts from: end of the funeral, "
            "end of treatment, disability assessment or loss determination (Road Traffic "
            "Accident Procedure Rules art. 90)"),
    },
    "police_finding": {
        "eligible": N_("Qualifies for police mediation"),
        "not_eligible": N_("Does not qualify for police mediation"),
    },
    "police_guardian": {
        "waived": N_("16 or older, living on own earnings, agreed the guardian is not told"),
    },
    "police_circumstance": {
        "trifles_between_acquaintances": N_(
            "A quarrel over trifles between relatives, friends, neighbours, colleagues or "
            "schoolmates"),
        "injured_party_at_fault": N_("Provoked by the injured party's own earlier fault"),
        "better_settled_by_mediation": N_("Otherwise better settled by mediation"),
    },
    "police_exclusion": {
        "hired_to_hurt": N_("Someone was hired to hurt another"),
        "gang_fight_or_provocation": N_("A gang fight or other provocation (寻衅滋事)"),
        "repeated_violations": N_("Repeated violations of public order"),
        "party_refuses": N_("A party clearly refuses mediation"),
        "new_violation_during_mediation": N_(
            "A party committed a new violation against the other during mediation"),
        "offender_fled": N_("The offender fled during mediation"),
        "otherwise_unsuitable": N_("Otherwise unsuitable for mediation"),
    },
    "document_refusal": {
        "not_issued_here": N_("This procedure issues no such document."),
        "wrong_state": N_("This document is issued at another step of the procedure."),
    },
    "traffic_finding": {
        "in_time": N_("Applied in time"),
        "late": N_("Applied late: not accepted"),
    },
    "traffic_loss": {
        "death": N_("Death: counts from the end of the funeral arrangements"),
        "injury": N_("Injury: counts from the end of treatment"),
        "disability": N_("Disability: counts from the disability assessment"),
        "property": N_("Property: counts from the day the loss is determined"),
    },
    "traffic_refusal": {
        "not_holder": N_("This case is closed or not held by your institution."),
        "not_asked": N_("This procedure records no such traffic accident dates."),
        "bad_kind": N_("Choose one of the kinds of loss listed."),
        "in_the_future": N_("A recorded day cannot be later than today."),
        "applied_before_certificate": N_(
            "The application cannot come before the accident liability certificate was "
            "received."),
        "not_accepted": N_("Record the loss event once the application is accepted."),
        "person_too_long": N_("Name the person whose loss it is in at most 50 characters."),
        "insurer_name_missing": N_("Give the name of the insurance company taking part."),
        "insurer_name_too_long": N_("The insurance company's name is at most 100 characters."),
        "policy_number_missing": N_(
            "Give the number of the compulsory traffic accident liability insurance policy."),
        "policy_number_bad": N_(
            "The policy number is 8 to 30 letters and digits, as printed on the policy."),
    },
    "traffic_insurer": {
        "present": N_("An insurer takes part in the mediation"),
        "none": N_("No insurer takes part in the mediation"),
    },
    "police_refusal": {
        "not_holder": N_("This case is closed or not held by your institution."),
        "not_asked": N_("This procedure records no such police mediation facts."),
        "bad_circumstance": N_("Choose one of the circumstances listed."),
        "bad_exclusion": N_("Choose only exclusions from the list."),
        "not_a_party": N_("That person is not a party to this case."),
        "not_a_minor": N_("By their ID number this party is not under 18."),
        "guardian_required": N_("Give the name of the parent or other guardian."),
        "waiver_too_young": N_(
            "Only a party of 16 or 17 living on their own earnings may agree that the "
            "guardian is not told."),
    },
    "refusal": {
        "not_holder": N_("This case is closed or not held by your institution."),
        "still_held": N_("The case is still held by another institution."),
        "concurrent": N_("Someone else changed this case a moment ago. Reload and try again."),
        "referral_pending": N_(
            "A referral of this case waits for an answer: withdraw it before ending the handling."),
        "unknown": N_("There is no such step in this case's workflow."),
        "wrong_state": N_("This step is not possible in the case's current state."),
        "wrong_role": N_("Your role may not take this step."),
        "not_sendable": N_("This referral cannot be sent from the case's current state."),
        "bad_receiver": N_("That institution cannot receive this kind of referral."),
        "already_pending": N_("A referral of this case is already waiting for an answer."),
        "already_decided": N_("This referral has already been answered or withdrawn."),
        "not_receiver": N_("Only the receiving institution can answer this referral."),
        "no_procedure": N_("Your institution has no procedure for this kind of referral."),
        "no_reason": N_("Choose a reason for returning the referral."),
        "not_sender": N_("Only the sender can withdraw a referral not yet accepted."),
        "off_list_reason_required": N_(
            "That institution is not among the expected receivers: state why you send it there."),
        "note_required": N_("Explain what is missing or why, for this reason."),
        "consent_required": N_(
            "This handover needs the parties' consent: confirm that they agree to it."),
        "reason_required": N_("Choose the reason the handling ends this way."),
        "unknown_reason": N_("That reason is not one this procedure lists."),
        "prevented_invalid": N_(
            "What the mediation prevented does not add up: check the cases and people."),
        "prevented_not_concluding": N_(
            "What the mediation prevented is recorded only when a mediation is concluded."),
    },
    "period_refusal": {
        "no_period": N_("This handling has no court mediation period."),
        "closed": N_("The handling has ended; its period cannot be extended."),
        "not_later": N_("The new end must be later than the current one."),
        "consent_missing": N_("Both sides must consent: choose at least one party of each side."),
        "not_holder": N_("Only the institution handling the case can extend its period."),
    },
    "notification_topic": {
        "referral": N_("Referrals sent to us or by us (sent, accepted, returned, withdrawn, expired)"),
        "outcome": N_("Outcomes of cases we referred"),
        "deadline": N_("Deadlines and performance"),
        "warning": N_("Early warnings"),
        "delivery": N_("Email or text messages that could not be delivered"),
        "review": N_("Reviews of our case files (案件评查)"),
    },
    "notification_channel": {
        "inbox": N_("In-app"),
        "email": N_("Email"),
        "sms": N_("Text message"),
    },
    "outbox_status": {
        "queued": N_("Queued"),
        "sending": N_("Sending"),
        "sent": N_("Sent out"),
        "retried": N_("Failed, will retry"),
        "failed": N_("Failed"),
        "unread": N_("Delivered, unread"),
        "read": N_("Read"),
    },
    "password_refusal": {
        "too_short": N_("A password has at least 8 characters."),
        "too_few_kinds": N_(
            "A password mixes at least three of: capital letters, small letters, digits and "
            "symbols."),
        "contains_username": N_("A password must not contain the username."),
        "wrong_current": N_("The current password is wrong."),
        "reused": N_("Choose a password other than your last three."),
    },
    "agreement_refusal": {
        "not_holder": N_("This case is closed or not held by your institution."),
        "session_limit": N_("This procedure allows no more mediation sessions."),
        "ends_before_start": N_("A session ends after it starts."),
        "not_a_recorder": N_("The recorder must be a mediator or liaison of your institution."),
        "not_editable": N_("A signed agreement cannot be changed: correct it with a new version."),
        "live_exists": N_("This case already has an agreement; edit or correct that one."),
        "bad_signature": N_("The signature could not be read. Please sign again."),
        "not_a_party": N_("That person is not a party to this case."),
        "already_signed": N_("This person has already signed."),
        "not_signed": N_("Only a signed agreement of a successful mediation can be used here."),
        "no_such_document": N_("This procedure issues no agreement in that form."),
        "not_a_court": N_(
            "Choose one of the courts with jurisdiction (or the court that received the "
            "referral for judicial confirmation)."),
        "not_present": N_("That person is not listed as present at this session."),
        "record_issued": N_("The record of this session has already been issued."),
        "refusal_needs_note": N_("Write down how the person refused to sign."),
        "no_record_document": N_("This procedure issues no record of the session."),
        "record_signed": N_("Those present have begun to sign this session record: it can no "
                            "longer be changed."),
    },
    "record_signer_role": {
        "party": N_("Party"),
        "mediator": N_("People's mediator"),
        "recorder": N_("Recorder"),
        "other": N_("Other person present"),
    },
    "notification": {
        "deadline.reminder": N_("A deadline is near"),
        "deadline.overdue": N_("Past its deadline: escalated (督办)"),
        "referral.expired": N_("A referral was not accepted in time"),
        "referral.received": N_("A referral waits for your answer"),
        "warning.raised": N_("Early warning"),
        "warning.dismissed": N_("An early warning on your case was dismissed"),
        "warning.assigned": N_("A warning case was assigned to you"),
        "supervision.issued": N_("Supervision order (督办单) for your institution"),
        "supervision.replied": N_("A supervision order was answered"),
        "supervision.closed": N_("A supervision order was closed"),
        "supervision.overdue": N_("A supervision order is past its due date"),
        "supervision.due_soon": N_("A supervision order to answer is due soon"),
        "supervision.listed": N_("A major case was listed for supervision (挂牌督办)"),
        "supervision.lifted": N_("A listed supervision was lifted (摘牌)"),
        "referral.escalated": N_("A referral was not answered in time: escalated (督办)"),
        "performance.overdue": N_("An agreement is not performed on time"),
        "referral.accepted": N_("Your referral was accepted"),
        "referral.returned": N_("Your referral was returned"),
        "referral.withdrawn": N_("A referral to you was withdrawn"),
        "outcome.reported": N_("Outcome of a case you referred (办理结果反馈)"),
        "outbox_failed": N_("A message could not be delivered"),
        "case.assigned": N_("A case was assigned to you"),
        "recusal.requested": N_("A party asked that the mediator step aside (回避)"),
        "mediator.chosen": N_("A party chose a mediator from the roster"),
        "review.recorded": N_("A case file of your institution was reviewed (案件评查)"),
        "document.voided": N_("A document sent to you was voided"),
        "outcome.archived": N_("A case your institution worked on was archived: its case file "
                               "is closed (归档)"),
    },
    # why a document stopped being in force (documents/voiding.py)
    "void_reason": {
        "replaced": N_("replaced by a later copy of the same document"),
        "referral_withdrawn": N_("the referral it went with was withdrawn"),
        "referral_returned": N_("the referral it went with was returned"),
        "referral_expired": N_("the referral it went with was not accepted in time"),
        "application_withdrawn": N_("the applicants withdrew the application"),
    },
    # the channel details an agreement document prints (workflow `fields:`), as the form asks them
    "agreement_detail": {
        "host": N_("Presiding officer"),
        "present": N_("Others present"),
        "occurred": N_("When the incident happened"),
        "place": N_("Where the incident happened"),
        "cause": N_("Cause of the incident"),
        "course": N_("Course and circumstances of the incident"),
        "result": N_("Consequences of the incident"),
        "certificate_on": N_("Day the accident determination was served"),
        "basis": N_("Basis of the mediation"),
        "losses": N_("Facts found and losses"),
        "items": N_("Compensation items and amounts (one a line: item, amount)"),
        "insurer_items": N_("Items and amounts the insurer pays (one a line: item, amount)"),
        "liability": N_("Each side's liability and its share (one a line: party, share)"),
        "claims": N_("Claims brought"),
        "judge": N_("Presiding judge"),
        "clerk": N_("Court clerk"),
        "arbitrator": N_("Arbitrator of the case"),
    },
    "warning": {
        "group": N_("Group dispute"),
        "major_group": N_("Major group dispute"),
        "large_amount": N_("Large amount"),
        "repeat": N_("Repeat dispute between the same parties"),
        "risk_words": N_("Risk words"),
    },
    "risk_rule": {
        "group": N_("Number of parties"),
        "major_group": N_("Number of parties"),
        "large_amount": N_("Amount in dispute"),
        "repeat": N_("Earlier case between the same parties"),
        "self_harm": N_("Threat of suicide or self-harm"),
        "violence": N_("Threat of violence"),
        "crowd": N_("Gathering of many people"),
        "protest": N_("Petitioning or protest"),
        "corpse": N_("Body used to press a claim"),
        "word": N_("Configured risk word"),
    },
    "warning_status": {
        "open": N_("Waiting for a decision"),
        "assigned": N_("Assigned"),
        "dismissed": N_("Dismissed as false"),
        "cleared": N_("No longer met"),
    },
    "supervision_status": {
        "open": N_("Waiting for the reply"),
        "replied": N_("Answered"),
        "closed": N_("Closed"),
        "overdue": N_("Reply overdue"),
    },
    "supervision_source": {
        "manual": N_("Issued by the dispatcher"),
        "overdue": N_("Handling past its deadline"),
        "referral": N_("Referral not answered in time"),
        "warning": N_("Early warning assigned (交办)"),
    },
    "supervision_refusal": {
        "not_supervisor": N_("Only a dispatcher of the governance centre above the case can do this."),
        "no_instruction": N_("Write what must be done."),
        "due_in_past": N_("The due date must be in the future."),
        "not_supervised": N_("Only the supervised institution can answer this order."),
        "no_reply": N_("Write the reply first."),
        "not_issuer": N_("Only the centre that issued the order can close it."),
        "already_answered": N_("This supervision order has already been answered or closed."),
        "already_decided": N_("This warning has already been dealt with."),
        "no_reason": N_("Give the reason why the warning is false."),
        "bad_target": N_("This case cannot be given to that institution."),
        "listing_unchanged": N_("This order is already listed, not listed, or closed."),
    },
    "case_badge": {
        "overdue": N_("Overdue"),
        "supervised": N_("Under supervision"),
        "listed": N_("Listed supervision"),
    },
    "difficulty": {
        "simple": N_("simple"),
        "normal": N_("normal"),
        "complex": N_("complex"),
    },
    "grouping": {
        "channel": N_("By channel"),
        "dispute_type": N_("By dispute type"),
        "region": N_("By region"),
        "institution": N_("By institution"),
        "month": N_("By month"),
    },
    "prevented": {
        "criminal_cases": N_("Civil disputes kept from turning criminal: cases"),
        "criminal_people": N_("Civil disputes kept from turning criminal: people"),
        "petition_cases": N_("Group petitions prevented: cases"),
        "petition_people": N_("Group petitions prevented: people"),
        "fight_cases": N_("Group fights prevented: cases"),
        "fight_people": N_("Group fights prevented: people"),
    },
    "prevented_kind": {
        "criminal": N_("Civil disputes kept from turning criminal"),
        "petition": N_("Group petitions prevented"),
        "fight": N_("Group fights prevented"),
    },
    "prevented_problem": {
        "negative": N_("counts cannot be below zero"),
        "too_many": N_("the counts are too large for one dispute"),
        "people_without_cases": N_("give the number of cases as well as the people"),
        "cases_without_people": N_("give the number of people as well as the cases"),
        "fewer_people_than_cases": N_("there are at least as many people as cases"),
    },
    "figure": {
        "received": N_("Cases received"),
        "concluded": N_("Cases concluded"),
        "success": N_("Successes"),
        "failure": N_("Failures"),
        "withdrawn": N_("Cases withdrawn"),
        "transferred": N_("Cases transferred"),
        "overdue": N_("Overdue cases"),
        "durable_success": N_("Durable successes"),
    },
    "agreement_status": {
        "draft": N_("Draft"),
        "signed": N_("Signed and in force"),
        "voided": N_("Voided"),
    },
    "document_kind": {
        "agreement": N_("Mediation agreement"),
        "failure_notice": N_("Notice of failed mediation"),
        "confirmation_application": N_("Application for judicial confirmation"),
        "application": N_("Application for mediation"),
        "acceptance_register": N_("Acceptance register"),
        "rights_notice": N_("Notice of the parties' rights and duties"),
        "session_record": N_("Record of the mediation session"),
        "oral_agreement": N_("Record of an oral agreement"),
        "follow_up_record": N_("Record of the follow-up visit"),
        "ruling": N_("Civil ruling"),
    },
    "performance_status": {
        "pending": N_("Not yet due or not checked"),
        "full": N_("Performed in full"),
        "partial": N_("Performed in part"),
        "none": N_("Not performed"),
    },
    "referral_kind": {
        "delegate": N_("Pre-filing delegation (委派)"),
        "entrust": N_("In-suit entrustment (委托)"),
        "judicial_confirmation": N_("Judicial confirmation (司法确认)"),
        "police_mediation": N_("Police to mediation (公调对接)"),
        "petition_mediation": N_("Petition to mediation (访调对接)"),
        "procuratorate_mediation": N_("Procuratorate to mediation (检调对接)"),
        "dispatch": N_("Dispatch (分流)"),
        "escalate": N_("Report upwards (上报)"),
        "return_to_court": N_("Return to court (诉调对接)"),
        "traffic_peoples_mediation": N_(
            "Traffic police to the road traffic accident mediation committee"),
        "traffic_police_mediation": N_(
            "Road traffic accident mediation committee back to the traffic police"),
    },
    "referral_status": {
        "pending": N_("Waiting for acceptance"),
        "accepted": N_("Accepted"),
        "returned": N_("Returned"),
        "withdrawn": N_("Withdrawn"),
        "expired": N_("Expired"),
    },
    "return_reason": {
        "not_our_remit": N_("Not within our remit"),
        "outside_region": N_("Outside our region"),
        "incomplete_materials": N_("Materials incomplete"),
        "parties_refuse": N_("Parties refuse this channel"),
        "already_handled": N_("Already handled elsewhere"),
        "other": N_("Other reason"),
    },
    "field": {
        "criminal_cases": N_("Civil disputes kept from turning criminal: cases"),
        "criminal_people": N_("Civil disputes kept from turning criminal: people"),
        "petition_cases": N_("Group petitions prevented: cases"),
        "petition_people": N_("Group petitions prevented: people"),
        "fight_cases": N_("Group fights prevented: cases"),
        "fight_people": N_("Group fights prevented: people"),
        "dispute_type": N_("Dispute type"),
        "source": N_("Source"),
        "region_id": N_("Region"),
        "summary": N_("Summary"),
        "description": N_("Description"),
        "amount": N_("Amount in dispute"),
        "received_on": N_("Received on"),
        "assigned_mediator_id": N_("Mediator"),
        "state": N_("State"),
        "outcome": N_("Outcome"),
        "role": N_("Role"),
        "kind": N_("Kind"),
        "name": N_("Name"),
        "sex": N_("Sex"),
        "id_number": N_("ID number"),
        "phone": N_("Phone"),
        "representative_name": N_("Representative"),
        "representative_phone": N_("Representative's phone"),
        "held_on": N_("Date"),
        "place": N_("Place"),
        "mediators": N_("Mediators"),
        "ethnicity": N_("Ethnicity"),
        "birth_date": N_("Date of birth"),
        "occupation": N_("Occupation"),
        "employer": N_("Employer"),
        "start_time": N_("Start time"),
        "end_time": N_("End time"),
        "recorder_id": N_("Recorder"),
    },
}


_translated: dict[str, dict[str, str]] = {}


def _in_reader_language() -> dict[str, str]:
    """Messages already translated into the reader's language, kept per process and locale:
    a list shows the same few labels on every row, and the catalogues do not change while
    the process runs."""
    return once_per_request("mediation.labels",
                            lambda: _translated.setdefault(str(get_locale()), {}))


def once_per_request(key: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept for the rest of the request under `key` (outside a request,
    computed each time). For what depends on the reader only, such as their language."""
    if not has_request_context():
        return compute()
    kept = request.environ
    if key not in kept:
        kept[key] = compute()
    return kept[key]


def _translation(table: dict[str, str], message: str) -> str:
    found = table.get(message)
    if found is None:
        found = table[message] = gettext(message)
    return found


def translated(message: str) -> str:
    """A label's message in the reader's language."""
    return _translation(_in_reader_language(), message)


def labeller() -> Callable[[str, str | None], str]:
    """`label` with the reader's language looked up once: what a page's templates call."""
    table = _in_reader_language()

    def label_in(group: str, code: str | None) -> str:
        if code is None:
            return ""
        message = LABELS.get(group, {}).get(code)
        return _translation(table, message) if message else code
    return label_in


def label(group: str, code: str | None) -> str:
    """The label of a code in the reader's language (inside a request)."""
    return labeller()(group, code)


@lru_cache(maxsize=1)
def _chinese() -> Translations:
    return Translations.load(str(Path(__file__).parent / "translations"), ["zh_Hans_CN"])


def label_zh(group: str, code: str | None) -> str:
    """The Chinese label of a code, for printed documents and reports made outside a request."""
    if code is None:
        return ""
    message = LABELS.get(group, {}).get(code)
    return _chinese().gettext(message) if message else code


def explain(refusal) -> str:
    """A refusal (with .code and .guards) in the reader's language."""
    if refusal.code == "unmet":
        unmet = "；".join(label("guard_unmet", guard) for guard in refusal.guards)
        return gettext("First, %(what)s.", what=unmet)
    return label("refusal", refusal.code)


def options(pairs) -> list[SelectChoice]:
    """Select field choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def choices(group: str, *, blank: str | None = None) -> list[SelectChoice]:
    pairs = [(code, LazyString(translated, message)) for code, message in LABELS[group].items()]
    return options([("", blank)] + pairs if blank is not None else pairs)
