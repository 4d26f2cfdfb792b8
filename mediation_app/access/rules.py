"""Conditions that hold between a user and a case, each written in both forms it is asked
in: a Python test on loaded objects, and an SQL clause over `cases` for lists, search,
statistics and exports. Rules (policy.py) combine them; tests/access run every rule both
ways over the demo city and compare.

A condition reads only the user's role-free facts (institution, region); which roles a
rule applies to is said by `when(role_test, condition)`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlalchemy import and_, exists, false, or_, select, union_all
from sqlalchemy.orm import object_session
from sqlalchemy.sql import ColumnElement, Select

from ..casefile.models import Case, Handling, Referral
from ..directory.models import Region


def region_subtree_clause(region: Region, region_column=None) -> ColumnElement[bool]:
    """Rows whose region lies in `region`'s subtree (the region itself included)."""
    column = Case.region_id if region_column is None else region_column
    return column.in_(select(Region.id).where(Region.path.startswith(region.path)))


class Condition:
    """A fact about (user, case). `test` on objects, `clause` in SQL; `probe` is the
    correlated SELECT of an EXISTS condition, so alternatives can be merged into one."""

    def test(self, user, case: Case) -> bool:
        raise NotImplementedError

    def clause(self, user, dialect: str) -> ColumnElement[bool]:
        raise NotImplementedError

    def probe(self, user) -> Select | None:
        return None


@dataclass(frozen=True)
class InUserRegion(Condition):
    """The dispute lies in the user's institution's region subtree."""

    def test(self, user, case: Case) -> bool:
        return user.institution.region.contains(case.region)

    def clause(self, user, dialect: str) -> ColumnElement[bool]:
        return region_subtree_clause(user.institution.region)


@dataclass(frozen=True)
class HeldByUserInstitution(Condition):
    """The user's institution holds the case now."""

    def test(self, user, case: Case) -> bool:
        return case.holder_institution_id == user.institution_id

    def clause(self, user, dialect: str) -> ColumnElement[bool]:
        return Case.holder_institution_id == user.institution_id


@dataclass(frozen=True)
class Open(Condition):
    """The case is not closed: its mediation has not ended."""

    def test(self, user, case: Case) -> bool:
        return case.closed_at is None

    def clause(self, user, dialect: str) -> ColumnElement[bool]:
        return Case.closed_at.is_(None)


@dataclass(frozen=True)
class Concluded(Condition):
    """The case's mediation has ended: its last handling reached a terminal outcome other
    than a transfer (closed_at is set then, and cleared when another handling opens)."""

    def test(self, user, case: Case) -> bool:
        return case.closed_at is not None

    def clause(self, user, dialect: str) -> ColumnElement[bool]:
        return Case.closed_at.is_not(None)


@dataclass(frozen=True)
class NotArchived(Condition):
    """The case is not archived (归档): an archived case is read-only for everyone."""

    def test(self, user, case: Case) -> bool:
        return case.archived_at is None

    def clause(self, user, dialect: str) -> ColumnElement[bool]:
        return Case.archived_at.is_(None)


@dataclass(frozen=True)
class Archived(Condition):
    """The case is archived: its case file (卷宗) exists."""

    def test(self, user, case: Case) -> bool:
        return case.archived_at is not None

    def clause(self, user, dialect: str) -> ColumnElement[bool]:
        return Case.archived_at.is_not(None)


class _Exists(Condition):
    """A condition that is a correlated EXISTS probe."""

    def clause(self, user, dialect: str) -> ColumnElement[bool]:
        # correlated to `cases` only, so the clause keeps its meaning in a query that joins
        # the probed table itself (a ledger row joins the case's latest handling)
        return self.probe(user).correlate(Case).exists()


@dataclass(frozen=True)
class HandledByUserInstitution(_Exists):
    """The user's institution has (or had) a handling of the case."""

    def test(self, user, case: Case) -> bool:
        return any(handling.institution_id == user.institution_id
                   for handling in case.handlings)

    def probe(self, user) -> Select:
        return select(Handling.case_id).where(Handling.case_id == Case.id,
                                              Handling.institution_id == user.institution_id)


@dataclass(frozen=True)
class NotHandledByUserInstitution(Condition):
    """The user's institution never had a handling of the case (it judges others' work)."""

    def test(self, user, case: Case) -> bool:
        return not HandledByUserInstitution().test(user, case)

    def clause(self, user, dialect: str) -> ColumnElement[bool]:
        return ~HandledByUserInstitution().clause(user, dialect)


@dataclass(frozen=True)
class OfferedToUserInstitution(_Exists):
    """A referral of the case waits for the user's institution's answer."""

    def test(self, user, case: Case) -> bool:
        query = select(exists().where(Referral.case_id == case.id,
                                      Referral.status == "pending",
                                      Referral.to_institution_id == user.institution_id))
        return bool(object_session(case).scalar(query))

    def probe(self, user) -> Select:
        return select(Referral.case_id).where(Referral.case_id == Case.id,
                                              Referral.status == "pending",
                                              Referral.to_institution_id == user.institution_id)


@dataclass(frozen=True)
class When(Condition):
    """`condition`, for users passing `role_test`; nobody else."""

    role_test: Callable
    condition: Condition

    def test(self, user, case: Case) -> bool:
        return bool(self.role_test(user)) and self.condition.test(user, case)

    def clause(self, user, dialect: str) -> ColumnElement[bool]:
        return self.condition.clause(user, dialect) if self.role_test(user) else false()

    def applies(self, user) -> bool:
        return bool(self.role_test(user))


@dataclass(frozen=True)
class AnyOf(Condition):
    """At least one holds. In SQL, EXISTS alternatives become one EXISTS over a UNION ALL
    on PostgreSQL (its planner then probes per row, as on SQLite with separate EXISTS)."""

    parts: tuple[Condition, ...]

    def test(self, user, case: Case) -> bool:
        return any(part.test(user, case) for part in self.parts)

    def clause(self, user, dialect: str) -> ColumnElement[bool]:
        live = [part for part in self.parts
                if not isinstance(part, When) or part.applies(user)]
        if not live:
            return false()
        probes = [part.probe(user) for part in live]
        if dialect != "sqlite" and len(live) > 1 and all(p is not None for p in probes):
            return union_all(*(probe.correlate(Case) for probe in probes)).exists()
        clauses = [part.clause(user, dialect) for part in live]
        return clauses[0] if len(clauses) == 1 else or_(*clauses)


@dataclass(frozen=True)
class AllOf(Condition):
    parts: tuple[Condition, ...]

    def test(self, user, case: Case) -> bool:
        return all(part.test(user, case) for part in self.parts)

    def clause(self, user, dialect: str) -> ColumnElement[bool]:
        if any(isinstance(part, When) and not part.applies(user) for part in self.parts):
            return false()
        return and_(*(part.clause(user, dialect) for part in self.parts))


def when(role_test: Callable, condition: Condition) -> When:
    return When(role_test, condition)


def any_of(*parts: Condition) -> AnyOf:
    return AnyOf(tuple(parts))


def all_of(*parts: Condition) -> AllOf:
    return AllOf(tuple(parts))
