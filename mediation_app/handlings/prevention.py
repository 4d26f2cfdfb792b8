"""What a concluded mediation prevented (防止民转刑, 防止群体性上访, 防止群体性械斗): a number
of cases and of people for each, as the 人民调解工作统计报表 counts them. Pure: the rule
the form, the service and the database constraints state alike."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

KINDS = ("criminal", "petition", "fight")   # 民转刑, 群体性上访, 群体性械斗
MOST = 100_000                              # more than any one dispute can involve


@dataclass(frozen=True)
class Prevented:
    criminal_cases: int = 0
    criminal_people: int = 0
    petition_cases: int = 0
    petition_people: int = 0
    fight_cases: int = 0
    fight_people: int = 0

    def __add__(self, other: Prevented) -> Prevented:
        return Prevented(**{item.name: getattr(self, item.name) + getattr(other, item.name)
                            for item in fields(self)})

    @property
    def is_empty(self) -> bool:
        return not any(asdict(self).values())

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def problems(prevented: Prevented) -> list[tuple[str, str]]:
    """(kind, code) of each broken rule: counts are whole numbers from 0 to MOST
    (`negative`, `too_many`); people are given exactly when cases are (`people_without_cases`,
    `cases_without_people`), and at least one person per case (`fewer_people_than_cases`)."""
    found = []
    for kind in KINDS:
        cases, people = (getattr(prevented, f"{kind}_{part}") for part in ("cases", "people"))
        found += [(kind, code) for code in _problems(cases, people)]
    return found


def _problems(cases: int, people: int) -> list[str]:
    if cases < 0 or people < 0:
        return ["negative"]
    if cases > MOST or people > MOST:
        return ["too_many"]
    if people and not cases:
        return ["people_without_cases"]
    if cases and not people:
        return ["cases_without_people"]
    if people < cases:
        return ["fewer_people_than_cases"]
    return []
