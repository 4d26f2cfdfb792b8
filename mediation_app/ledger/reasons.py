"""A problem's reason: English text that reads as before, carrying its msgid and values so
that a page shows it in the reader's language (codes among the values as their labels)."""

from __future__ import annotations

from collections.abc import Callable, Mapping


class Reason(str):
    """`Reason(N_("'%(value)s': must be a date"), value="x")` is the string
    "'x': must be a date"; `coded` names values that are codes of a label group."""

    msgid: str
    params: dict
    coded: dict

    def __new__(cls, msgid: str, *, coded: Mapping[str, str] | None = None, **params):
        text = msgid % params if params else msgid
        reason = super().__new__(cls, text)
        reason.msgid, reason.params, reason.coded = msgid, params, dict(coded or {})
        return reason


def as_record(reason: str) -> dict:
    """What is kept of a reason with an import's problems (JSON)."""
    if isinstance(reason, Reason):
        return {"reason": str(reason), "msgid": reason.msgid, "params": reason.params,
                "coded": reason.coded}
    return {"reason": str(reason)}


def shown(record: Mapping, gettext: Callable[[str], str],
          label: Callable[[str, str], str]) -> str:
    """A kept reason in the reader's language; the English text when it has no msgid."""
    msgid = record.get("msgid")
    if not msgid:
        return gettext(record.get("reason", ""))
    params = dict(record.get("params") or {})
    for name, group in (record.get("coded") or {}).items():
        if params.get(name) is not None:
            params[name] = label(group, params[name])
    translated = gettext(msgid)
    return translated % params if params else translated
