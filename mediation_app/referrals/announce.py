"""Every referral event tells the other side (DESIGN.md §8): sent → the receiver; accepted
and returned → the sender; withdrawn → the receiver; expired → both."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..casefile.models import Referral
from ..labels import label_zh
from ..notifications.dispatch import tell
from ..notifications.services import staff_of

# event -> (notification kind, who is told, whose action it was)
_EVENTS = {
    "sent": ("referral.received", ("to",), "from"),
    "accepted": ("referral.accepted", ("from",), "to"),
    "returned": ("referral.returned", ("from",), "to"),
    "withdrawn": ("referral.withdrawn", ("to",), "from"),
    "expired": ("referral.expired", ("from", "to"), "from"),
}


def _key(referral: Referral, event: str) -> str:
    # the deadline sweep tells the sender of an expiry under this same key: told once
    return f"expired:{referral.id}" if event == "expired" else f"referral:{referral.id}:{event}"


def _detail(referral: Referral, event: str) -> str:
    kind = label_zh("referral_kind", referral.kind)
    if event in ("sent", "withdrawn"):
        return f"{kind}，{referral.from_institution.name}"
    if event == "returned":
        reason = label_zh("return_reason", referral.return_reason)
        note = f"：{referral.return_note}" if referral.return_note else ""
        return f"{kind}，{referral.to_institution.name}退回（{reason}{note}）"
    return f"{kind}，{referral.to_institution.name}"


def announce(session: Session, referral: Referral, event: str, *, now: datetime) -> int:
    """Notify the other side of `event`; returns how many people were told now."""
    kind, sides, actor_side = _EVENTS[event]
    institutions = {"from": referral.from_institution_id, "to": referral.to_institution_id}
    people = [user for side in sides for user in staff_of(session, institutions[side])]
    return tell(session, people, kind=kind, key=_key(referral, event), now=now,
                case_id=referral.case_id, sender_institution_id=institutions.get(actor_side),
                case_no=referral.case.case_no, detail=_detail(referral, event),
                referral=referral.id)
