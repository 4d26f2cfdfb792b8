"""The access policy: who may see a case or a record, who may change it, and who sees
personal data whole. Each rule is stated once, as a combination of the conditions in
rules.py, and answers both in Python (`can_*`, `sees_*`) and in SQL (`*_clause`).

DESIGN.md §1 and §8:
- the institution holding a case changes it (while it is open);
- institutions that handled it (or to which a referral of it is pending) read it, and
  those that handled it see its parties' personal data whole;
- a record (session, agreement, document, 履行, 回访) belongs to the institution whose
  handling made it: that institution sees it whole whoever holds the case later, and only
  it changes it, only while its handling is open;
- region readers (dispatcher, committee reader) read their region's subtree, masked;
- the admin reads no case data;
- a closed case its holder has archived (归档) is read-only: every rule that lets someone
  change a case or one of its records asks `writable(case)` (DESIGN.md §2)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session, object_session
from sqlalchemy.sql import ColumnElement

from ..casefile.models import Case, Handling
from ..directory.models import Region
from ..domain.codes import InstitutionKind
from ..labels import N_
from . import roles
from .rules import (
    Archived,
    Concluded,
    HandledByUserInstitution,
    HeldByUserInstitution,
    InUserRegion,
    NotArchived,
    NotHandledByUserInstitution,
    OfferedToUserInstitution,
    Open,
    all_of,
    any_of,
    when,
)

VIEW_CASE = any_of(
    when(roles.reads_region, InUserRegion()),
    when(roles.acts_for_institution,
         any_of(HandledByUserInstitution(), OfferedToUserInstitution())),
)
CHANGE_CASE = when(roles.acts_for_institution,
                   all_of(HeldByUserInstitution(), Open(), NotArchived()))
SEE_CASE_WHOLE = when(roles.acts_for_institution, HandledByUserInstitution())
ARCHIVE_CASE = when(roles.acts_for_institution,
                    all_of(HeldByUserInstitution(), Concluded(), NotArchived()))

# 防止民转刑/群体性上访/群体性械斗: after closing, the holder's mediators correct what the
# mediation prevented, until the case is archived.
CORRECT_PREVENTED = when(roles.is_mediator,
                         all_of(HeldByUserInstitution(), Concluded(), NotArchived()))

# 案件评查: a region reader above the case reviews its case file once archived, never the
# institution that handled it (a dispatcher's centre that held the case does not review it).
REVIEW_CASE = when(roles.reviews_case_files,
                   all_of(InUserRegion(), Archived(), NotHandledByUserInstitution()))

CASE_RULES = {"view": VIEW_CASE, "change": CHANGE_CASE, "whole": SEE_CASE_WHOLE,
              "archive": ARCHIVE_CASE, "review": REVIEW_CASE,
              "correct_prevented": CORRECT_PREVENTED}

ARCHIVED_REFUSAL = N_("This case has been archived: its case file is closed and nothing in it "
                      "can be changed any more.")


def _dialect(dialect_or_session) -> str:
    if isinstance(dialect_or_session, str):
        return dialect_or_session
    return dialect_or_session.get_bind().dialect.name


# -- cases -----------------------------------------------------------------------------

def can_view_case(user, case: Case) -> bool:
    """May the user open this case (page, API, documents, exports)?"""
    return VIEW_CASE.test(user, case)


def can_change_case(user, case: Case) -> bool:
    """May the user change the case itself (its details, parties, workflow steps)?"""
    return CHANGE_CASE.test(user, case)


def writable(case: Case | None) -> bool:
    """Is the case still open to changes of any kind (not archived)?"""
    return case is not None and NotArchived().test(None, case)


def refusal(case: Case) -> str | None:
    """Why every change to the case is refused, when it is (a message id to translate)."""
    return None if writable(case) else ARCHIVED_REFUSAL


def can_archive_case(user, case: Case) -> bool:
    """归档: the holder's staff file a case whose mediation has ended, once."""
    return ARCHIVE_CASE.test(user, case)


def can_correct_prevented(user, case: Case) -> bool:
    """What a closed mediation prevented is corrected by the holder's mediators, not once
    the case is archived."""
    return CORRECT_PREVENTED.test(user, case)


def can_review_case(user, case: Case) -> bool:
    """案件评查: scores an archived case file (the reviewed institution reads its reviews)."""
    return REVIEW_CASE.test(user, case)


def can_read_reviews(user, case: Case) -> bool:
    """Whoever reads the case reads its reviews: the institutions that handled it (the one
    under review among them) and the region readers."""
    return can_view_case(user, case)


def sees_personal_data(user, case: Case) -> bool:
    """Does the user see the parties' ID numbers and phones whole (else masked)?"""
    return SEE_CASE_WHOLE.test(user, case)


def visible_cases_clause(user, dialect="sqlite") -> ColumnElement[bool]:
    """SQL over `cases`: the cases the user may see (lists, search, exports, API)."""
    return VIEW_CASE.clause(user, _dialect(dialect))


def changeable_cases_clause(user, dialect="sqlite") -> ColumnElement[bool]:
    return CHANGE_CASE.clause(user, _dialect(dialect))


def whole_cases_clause(user, dialect="sqlite") -> ColumnElement[bool]:
    return SEE_CASE_WHOLE.clause(user, _dialect(dialect))


def visible_case(session: Session, user, case_id: int, *, load=()) -> Case | None:
    """`load`: loader options for what the caller reads of the case next."""
    case = session.get(Case, case_id, options=list(load))
    return case if case is not None and can_view_case(user, case) else None


def can_file_in(user, region) -> bool:
    """Filing (by page, API or ledger import) is for institutions that handle cases, and only
    for disputes within their own region's subtree."""
    return roles.acts_for_institution(user) and user.institution.region.contains(region)


@dataclass(frozen=True)
class ImportJurisdiction:
    """Where a ledger import may file cases: the filing rule for each row. Mediators and
    liaisons import into their own institution; dispatchers and the admin into any
    institution of their region's subtree; the dispute's region lies in that subtree."""

    region_path: str
    institution_id: int | None

    def admits_institution(self, institution_id: int, region_path: str) -> bool:
        if self.institution_id is not None:
            return institution_id == self.institution_id
        return region_path.startswith(self.region_path)

    def admits_dispute_region(self, region_path: str) -> bool:
        return region_path.startswith(self.region_path)


def import_jurisdiction(user) -> ImportJurisdiction | None:
    """None for users who may not import ledgers."""
    if not roles.imports_ledgers(user):
        return None
    own = user.institution_id if roles.ledger_limited_to_institution(user) else None
    return ImportJurisdiction(region_path=user.institution.region.path, institution_id=own)


# -- statistics ------------------------------------------------------------------------

@dataclass(frozen=True)
class FiguresJurisdiction:
    """What a user's statistics may cover: a region subtree (SQL: rules.region_subtree_clause)
    and, for mediators and liaisons, only their own institution's handlings."""

    region: Region
    institution_id: int | None


def figures_jurisdiction(user) -> FiguresJurisdiction | None:
    """None for users who read no figures (the admin)."""
    if not roles.reads_figures(user):
        return None
    own = user.institution_id if roles.figures_limited_to_institution(user) else None
    return FiguresJurisdiction(region=user.institution.region, institution_id=own)


def may_request_monthly_report_of(user, region) -> bool:
    """Committee readers and dispatchers ask for a finished month's report of their region
    or a region below it."""
    return roles.requests_monthly_reports(user) and user.institution.region.contains(region)


# -- the referral loop -----------------------------------------------------------------

def sends_referral(user, referral) -> bool:
    """The staff of the sending institution speak for a referral they sent."""
    return roles.acts_for_institution(user) and user.institution_id == referral.from_institution_id


def receives_referral(user, referral) -> bool:
    return roles.acts_for_institution(user) and user.institution_id == referral.to_institution_id


def may_send_referrals(user, case: Case) -> bool:
    """Staff who act for an institution send referrals of a case not archived (which kinds,
    from which state, the workflow says)."""
    return roles.acts_for_institution(user) and writable(case)


def can_decide_referral(user, referral) -> bool:
    """签收 or 退回: the receiver, while the referral waits."""
    return (referral.is_pending and receives_referral(user, referral)
            and writable(referral.case))


def can_withdraw_referral(user, referral) -> bool:
    return (referral.is_pending and sends_referral(user, referral)
            and writable(referral.case))


def can_extend_period(user, handling) -> bool:
    """The staff of the institution holding the open handling record an extension."""
    return (roles.acts_for_institution(user) and handling is not None
            and handling.outcome is None and user.institution_id == handling.institution_id
            and writable(handling.case))


def can_read_outcome_report(user, report) -> bool:
    """The sending and the receiving institution's staff read an outcome report."""
    return roles.acts_for_institution(user) and user.institution_id in (
        report.from_institution_id, report.to_institution_id)


# -- records made by a handling ----------------------------------------------------------

class CaseRecord(Protocol):
    """What the policy needs of a record (session, agreement, document, 履行, 回访): the case
    it belongs to, and the handling that made it, or, for records made outside a
    handling, the institution that made them."""

    case_id: int
    maker_handling_id: int | None
    maker_institution_id: int | None


def _handling_of(record: CaseRecord) -> Handling | None:
    if record.maker_handling_id is None:
        return None
    return object_session(record).get(Handling, record.maker_handling_id)


def maker_institution_id(record: CaseRecord) -> int | None:
    """The institution whose handling made the record."""
    handling = _handling_of(record)
    return handling.institution_id if handling is not None else record.maker_institution_id


def _maker_still_handles(record, case: Case, institution_id: int) -> bool:
    handling = _handling_of(record)
    if handling is not None:
        return handling.outcome is None
    return any(h.institution_id == institution_id and h.outcome is None for h in case.handlings)


def _case_of(record: CaseRecord) -> Case:
    return object_session(record).get(Case, record.case_id)


def can_view_record(user, record) -> bool:
    return can_view_case(user, _case_of(record))


def can_change_record(user, record) -> bool:
    """Only the institution whose handling made the record, while that handling is open
    (a court confirming an agreement cannot void the committee's agreement)."""
    if not roles.acts_for_institution(user):
        return False
    maker = maker_institution_id(record)
    case = _case_of(record)
    return (maker == user.institution_id and case.closed_at is None and writable(case)
            and _maker_still_handles(record, case, maker))


def sees_record_whole(user, record) -> bool:
    """The maker sees its record whole whoever holds the case later; so does anyone who
    sees the case's personal data whole. Everyone else gets it masked."""
    case = _case_of(record)
    if not can_view_case(user, case):
        return False
    return ((roles.acts_for_institution(user) and maker_institution_id(record) == user.institution_id)
            or sees_personal_data(user, case))


def records_changeable_by(user) -> ColumnElement[bool]:
    """SQL over `handlings`: the handlings whose records the user may change."""
    if not roles.acts_for_institution(user):
        return Handling.id.is_(None)
    return (Handling.institution_id == user.institution_id) & Handling.outcome.is_(None)


# -- aftercare: 履行 and 回访 -------------------------------------------------------------

def can_record_aftercare(user, case: Case) -> bool:
    """履行 and 回访 belong to the institution that mediated with success."""
    return roles.works_cases(user) and writable(case) and any(
        h.outcome == "success" and h.institution_id == user.institution_id
        for h in case.handlings)


def can_issue_notice(user, case: Case) -> bool:
    """Notices (终止调解告知书, 司法确认申请书) come from the institution of the last handling."""
    return (roles.works_cases(user) and bool(case.handlings) and writable(case)
            and case.handlings[-1].institution_id == user.institution_id)


# -- the parties' front door: online applications, remote signing, delivery ------------

def answers_applications(user) -> bool:
    """Staff who act for an institution (mediator, liaison, dispatcher) read its inbox."""
    return roles.acts_for_institution(user)


def may_answer_application(user, application) -> bool:
    """Only the institution the application was addressed to accepts or declines it."""
    return answers_applications(user) and application.institution_id == user.institution_id


def may_send_signing_links(user, case: Case) -> bool:
    """Whoever may change the case may invite its parties to sign remotely."""
    return can_change_case(user, case)


def may_deliver(user, document) -> bool:
    """The institution that issued a document delivers it (电子送达), until the case is
    archived."""
    return (roles.acts_for_institution(user) and document.institution_id == user.institution_id
            and writable(object_session(document).get(Case, document.case_id)))


def schedules_sessions(user, case: Case) -> bool:
    """Whoever may change the case schedules its sessions."""
    return can_change_case(user, case)


# -- the roster of mediators -----------------------------------------------------------

def reads_roster(user) -> bool:
    """Staff who act for an institution, and region readers, read the roster."""
    return roles.acts_for_institution(user) or roles.reads_region(user)


def keeps_roster(user, mediator) -> bool:
    """Staff of the mediator's own institution keep the mediator's entry."""
    return roles.acts_for_institution(user) and user.institution_id == mediator.institution_id


def may_be_listed(user) -> bool:
    return roles.may_be_assigned_cases(user)


def assigns_mediators(user, case: Case) -> bool:
    """Whoever may change the case assigns its mediator and decides recusals."""
    return can_change_case(user, case)


# -- supervision: 督办 orders and early warnings ------------------------------------------
# A dispatcher of a governance centre supervises the cases of its region; the supervised
# institution answers; the staff of both and the region's readers read the order.

def can_supervise_anywhere(user) -> bool:
    """A dispatcher of a governance centre: has a warning desk for its region."""
    return roles.is_dispatcher(user) and user.institution.kind == InstitutionKind.GOVERNANCE_CENTRE


def can_supervise(user, case: Case) -> bool:
    """A dispatcher of a governance centre whose region contains the case's region."""
    return can_supervise_anywhere(user) and user.institution.region.contains(case.region)


def can_issue_supervision_to(user, case: Case, institution_id: int | None) -> bool:
    """A centre supervises others, never itself."""
    return (can_supervise(user, case) and institution_id is not None
            and institution_id != user.institution_id and writable(case))


def can_reply_to_supervision(user, order) -> bool:
    """The staff of the supervised institution answer while the order is open or overdue."""
    return (order.is_answerable and roles.acts_for_institution(user)
            and user.institution_id == order.institution_id and writable(order.case))


def can_close_supervision(user, order) -> bool:
    """The issuing centre's dispatchers close an order that is not closed yet."""
    return (order.is_active and roles.is_dispatcher(user)
            and user.institution_id == order.centre_id and writable(order.case))


def can_change_supervision_listing(user, order) -> bool:
    """The issuing centre's dispatchers list (挂牌) or lift (摘牌) an order still active."""
    return can_close_supervision(user, order)


def is_party_to_supervision(user, order) -> bool:
    """Staff of the issuing centre or of the supervised institution."""
    return roles.acts_for_institution(user) and user.institution_id in (order.centre_id,
                                                                        order.institution_id)


def can_print_supervision(user, order) -> bool:
    """The printed 督办单 goes to the two institutions it is between, no one else."""
    return is_party_to_supervision(user, order)


def can_read_supervision(user, order) -> bool:
    """The issuing centre, the supervised institution, and region readers above the case."""
    if is_party_to_supervision(user, order):
        return True
    return roles.reads_region(user) and can_view_case(user, order.case)


def reads_supervision(user) -> bool:
    """Who has a supervision list at all: everyone who reads cases."""
    return roles.reads_cases(user)
