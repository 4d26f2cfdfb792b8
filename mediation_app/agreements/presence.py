"""Who was present at a mediation session, read from its record: the parties named among
those who attended (all of them where the record says 双方当事人), the mediators, the
recorder (记录人), and the other people the record names. Each of them signs the session's
调解笔录 (人民调解法 第二十七条 as practised: those present check and sign the record).
Pure: no Flask, no database."""

from __future__ import annotations

import re
from dataclasses import dataclass

SEPARATORS = re.compile(r"[、，,；;：:。\s/]+")
# words that speak of all the parties at once
ALL_PARTIES = ("双方", "各方", "三方", "全体当事人", "当事人")
# role words standing alone, not people
ROLE_WORDS = {"调解员", "人民调解员", "记录人", "记录员", "申请人", "被申请人", "见证人",
              "代理人", "第三人", "及", "和", "等"}


@dataclass(frozen=True)
class Present:
    """One person present: `key` is stable across requests and names them on the form."""

    key: str
    name: str
    role: str  # party, mediator, recorder, other


def names_in(text: str) -> list[str]:
    """The names a free-text list holds, in order, each once."""
    seen: list[str] = []
    for token in SEPARATORS.split(text or ""):
        token = token.strip()
        if token and token not in ROLE_WORDS and token not in seen:
            seen.append(token)
    return seen


def _parties_present(parties: list[tuple[int, str]], attendees: str) -> list[tuple[int, str]]:
    named = [(pid, name) for pid, name in parties if name and name in attendees]
    if named:
        return named
    return list(parties) if any(word in attendees for word in ALL_PARTIES) else []


def _is_about_parties(token: str, party_names: set[str]) -> bool:
    return token in party_names or any(word in token for word in ALL_PARTIES) or any(
        name and name in token for name in party_names)


def present_at(*, parties: list[tuple[int, str]], mediators: str, attendees: str,
               recorder: tuple[int, str] | None) -> list[Present]:
    """Everyone who signs the session's record, parties first, then the mediators, the
    recorder (unless already a mediator) and the others present."""
    people = [Present(f"party:{pid}", name, "party")
              for pid, name in _parties_present(parties, attendees or "")]
    mediator_names = names_in(mediators)
    people += [Present(f"mediator:{name}", name, "mediator") for name in mediator_names]
    if recorder is not None and recorder[1] not in mediator_names:
        people.append(Present(f"recorder:{recorder[0]}", recorder[1], "recorder"))
    party_names = {name for _pid, name in parties}
    taken = set(mediator_names) | ({recorder[1]} if recorder else set())
    people += [Present(f"other:{name}", name, "other") for name in names_in(attendees)
               if name not in taken and not _is_about_parties(name, party_names)]
    return people
