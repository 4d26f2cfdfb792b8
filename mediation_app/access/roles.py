"""What each role may do, by role: the only module that names roles.

A user acts for their institution (mediator, liaison, dispatcher), reads a region subtree
(dispatcher, committee reader), or administers the system (admin, who reads no case data).
Each test below is a role set with a name; `staff_clause(test)` is the same set in SQL."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy.sql import ColumnElement

from ..auth.models import User
from ..domain.codes import Role

RoleTest = Callable[[object], bool]
_ROLE_SETS: dict[RoleTest, frozenset[str]] = {}


def _role_test(name: str, doc: str, *members: Role) -> RoleTest:
    allowed = frozenset(member.value for member in members)

    def test(user) -> bool:
        return user is not None and getattr(user, "role", None) in allowed

    test.__name__ = test.__qualname__ = name
    test.__doc__ = doc
    _ROLE_SETS[test] = allowed
    return test


acts_for_institution = _role_test(
    "acts_for_institution", "Mediators, liaisons and dispatchers handle cases for their "
    "institution.", Role.MEDIATOR, Role.LIAISON, Role.DISPATCHER)
reads_region = _role_test(
    "reads_region", "Dispatchers and committee readers read their region's subtree (masked).",
    Role.DISPATCHER, Role.COMMITTEE)
reads_cases = _role_test(
    "reads_cases", "Everyone but the admin may open case lists.",
    Role.MEDIATOR, Role.LIAISON, Role.DISPATCHER, Role.COMMITTEE)
works_cases = _role_test(
    "works_cases", "Mediators and liaisons do the mediation work itself (sessions, 履行, 回访, "
    "notices).", Role.MEDIATOR, Role.LIAISON)
is_mediator = _role_test("is_mediator", "A mediator (调解员).", Role.MEDIATOR)
is_dispatcher = _role_test("is_dispatcher", "A governance centre's dispatcher.", Role.DISPATCHER)
is_admin = _role_test("is_admin", "An administrator (reads no case data).", Role.ADMIN)
may_be_assigned_cases = _role_test(
    "may_be_assigned_cases", "Only mediators are assigned to a case (承办调解员).", Role.MEDIATOR)
reads_figures = _role_test(
    "reads_figures", "Statistics are read by everyone who reads cases.",
    Role.MEDIATOR, Role.LIAISON, Role.DISPATCHER, Role.COMMITTEE)
figures_limited_to_institution = _role_test(
    "figures_limited_to_institution", "Mediators and liaisons see their own institution's "
    "figures only.", Role.MEDIATOR, Role.LIAISON)
reads_monthly_reports = _role_test(
    "reads_monthly_reports", "Monthly reports are read by committee readers, dispatchers and "
    "the admin.", Role.COMMITTEE, Role.DISPATCHER, Role.ADMIN)
receives_monthly_reports = _role_test(
    "receives_monthly_reports", "Committee readers get the monthly report by email.",
    Role.COMMITTEE)
requests_monthly_reports = _role_test(
    "requests_monthly_reports", "Committee readers and dispatchers may ask for a finished "
    "month's report (again).", Role.COMMITTEE, Role.DISPATCHER)
manages_monthly_reports = _role_test(
    "manages_monthly_reports", "The admin makes a monthly report again.", Role.ADMIN)
told_of_listed_supervision = _role_test(
    "told_of_listed_supervision", "Committee readers (政法委) are told when a major case is "
    "listed for supervision (挂牌督办) and when the listing is lifted.", Role.COMMITTEE)
imports_ledgers = _role_test(
    "imports_ledgers", "Ledgers are imported by those who file cases, and the admin.",
    Role.MEDIATOR, Role.LIAISON, Role.DISPATCHER, Role.ADMIN)
exports_ledgers = _role_test(
    "exports_ledgers", "Ledgers are exported by everyone who reads cases.",
    Role.MEDIATOR, Role.LIAISON, Role.DISPATCHER, Role.COMMITTEE)
ledger_limited_to_institution = _role_test(
    "ledger_limited_to_institution", "Mediators and liaisons import and export their own "
    "institution's ledger only.", Role.MEDIATOR, Role.LIAISON)
sees_subsidies = _role_test(
    "sees_subsidies", "Subsidy amounts and case counts are case data: the admin does not read "
    "them.", Role.MEDIATOR, Role.LIAISON, Role.DISPATCHER, Role.COMMITTEE)
subsidy_limited_to_institution = _role_test(
    "subsidy_limited_to_institution", "Mediators and liaisons see their own institution's "
    "subsidy statement.", Role.MEDIATOR, Role.LIAISON)
reviews_case_files = _role_test(
    "reviews_case_files", "Region readers (the 司法所/司法局 staff above the committees: "
    "committee readers and dispatchers) review archived case files (案件评查).",
    Role.DISPATCHER, Role.COMMITTEE)
subsidy_limited_to_self = _role_test(
    "subsidy_limited_to_self", "A mediator sees only their own lines of it.", Role.MEDIATOR)


def staff_clause(role_test: RoleTest) -> ColumnElement[bool]:
    """SQL over users.role: the users passing `role_test` (one of the tests above)."""
    return User.role.in_(sorted(_ROLE_SETS[role_test]))


def holds_role_of(user, roles: Iterable[str]) -> bool:
    """For role lists that are data (a workflow transition's `roles:`)."""
    return user is not None and user.role in set(roles)
