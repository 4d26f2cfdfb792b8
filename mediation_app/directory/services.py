"""Creating regions and institutions, one at a time or from CSV (all or nothing)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import IO, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.case_numbers import DEFAULT_FORMAT, InvalidNumberFormat, validate_format
from ..domain.codes import REGION_LEVEL_ORDER, InstitutionKind, RegionLevel, values
from .models import Institution, Region


class DirectoryError(ValueError):
    pass


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.reason}"


class ImportRefused(Exception):
    def __init__(self, problems: list[RowProblem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def create_region(session: Session, *, code: str, name: str, level: str,
                  parent: Region | None) -> Region:
    if level not in values(RegionLevel):
        raise DirectoryError(f"unknown level {level}")
    if parent is None and level != RegionLevel.CITY:
        raise DirectoryError("only a city may have no parent")
    if parent is not None and REGION_LEVEL_ORDER.index(RegionLevel(level)) <= \
            REGION_LEVEL_ORDER.index(RegionLevel(parent.level)):
        raise DirectoryError(f"a {level} cannot sit under a {parent.level}")
    region = Region(code=code, name=name, level=level, parent=parent)
    session.add(region)
    session.flush()
    region.set_path()
    return region


def create_institution(session: Session, *, code: str, name: str, kind: str, region: Region,
                       short_name: str | None = None,
                       case_number_format: str = DEFAULT_FORMAT) -> Institution:
    if kind not in values(InstitutionKind):
        raise DirectoryError(f"unknown kind {kind}")
    try:
        validate_format(case_number_format)
    except InvalidNumberFormat as problem:
        raise DirectoryError(str(problem)) from None
    institution = Institution(code=code, name=name, kind=kind, region=region,
                              short_name=short_name or name[:6],
                              case_number_format=case_number_format)
    session.add(institution)
    session.flush()
    return institution


def _read_rows(stream: IO[str], columns: list[str]) -> Iterable[tuple[int, dict]]:
    reader = csv.DictReader(stream)
    missing = [column for column in columns if column not in (reader.fieldnames or [])]
    if missing:
        raise ImportRefused([RowProblem(1, column, "missing from the header") for column in missing])
    for number, row in enumerate(reader, start=2):
        yield number, {key: (row.get(key) or "").strip() for key in columns}


def import_regions(session: Session, stream: IO[str]) -> int:
    """CSV code,name,level,parent_code; parents may come earlier in the file or exist already."""
    problems: list[RowProblem] = []
    known = {code: level for code, level in session.execute(select(Region.code, Region.level))}
    rows = []
    for number, row in _read_rows(stream, ["code", "name", "level", "parent_code"]):
        problems += _region_row_problems(number, row, known)
        known.setdefault(row["code"], row["level"])
        rows.append(row)
    if problems:
        raise ImportRefused(problems)
    for row in rows:
        parent = session.scalar(select(Region).where(Region.code == row["parent_code"])) \
            if row["parent_code"] else None
        create_region(session, code=row["code"], name=row["name"], level=row["level"],
                      parent=parent)
    return len(rows)


def _region_row_problems(number: int, row: dict, known: dict) -> list[RowProblem]:
    problems = []
    if not row["code"]:
        problems.append(RowProblem(number, "code", "empty"))
    elif row["code"] in known:
        problems.append(RowProblem(number, "code", f"{row['code']} already exists"))
    if not row["name"]:
        problems.append(RowProblem(number, "name", "empty"))
    if row["level"] not in values(RegionLevel):
        problems.append(RowProblem(number, "level", f"must be one of {', '.join(values(RegionLevel))}"))
    parent_level = known.get(row["parent_code"])
    if row["parent_code"] and parent_level is None:
        problems.append(RowProblem(number, "parent_code", f"unknown region {row['parent_code']}"))
    elif not row["parent_code"] and row["level"] != RegionLevel.CITY:
        problems.append(RowProblem(number, "parent_code", "only a city may have no parent"))
    elif parent_level and row["level"] in values(RegionLevel) and \
            REGION_LEVEL_ORDER.index(RegionLevel(row["level"])) <= \
            REGION_LEVEL_ORDER.index(RegionLevel(parent_level)):
        problems.append(RowProblem(number, "level", f"a {row['level']} cannot sit under a {parent_level}"))
    return problems


def import_institutions(session: Session, stream: IO[str]) -> int:
    """CSV code,name,kind,region_code (optional short_name, case_number_format)."""
    problems: list[RowProblem] = []
    regions = {code: region_id for code, region_id in session.execute(select(Region.code, Region.id))}
    existing = set(session.scalars(select(Institution.code)))
    rows = []
    for number, row in _read_rows(stream, ["code", "name", "kind", "region_code"]):
        if not row["code"]:
            problems.append(RowProblem(number, "code", "empty"))
        elif row["code"] in existing:
            problems.append(RowProblem(number, "code", f"{row['code']} already exists"))
        if not row["name"]:
            problems.append(RowProblem(number, "name", "empty"))
        if row["kind"] not in values(InstitutionKind):
            problems.append(RowProblem(number, "kind", f"unknown kind {row['kind'] or '(empty)'}"))
        if row["region_code"] not in regions:
            problems.append(RowProblem(number, "region_code",
                                       f"unknown region {row['region_code'] or '(empty)'}"))
        existing.add(row["code"])
        rows.append(row)
    if problems:
        raise ImportRefused(problems)
    for row in rows:
        create_institution(session, code=row["code"], name=row["name"], kind=row["kind"],
                           region=session.get(Region, regions[row["region_code"]]))
    return len(rows)
