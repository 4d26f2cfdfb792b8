"""Telling people: the in-app inbox always, and email or text message through the outbox
when the user chose that topic (notification_preferences). Everything is queued in the
caller's transaction; the outbox sends after commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.masking import masked_values
from ..auth.models import User
from ..labels import label_zh
from ..outbox.services import queue_message
from .models import NotificationPreference
from .services import notify

TOPICS = ("referral", "outcome", "deadline", "warning", "delivery", "review")
_TOPIC_OF_PREFIX = {"referral": "referral", "period": "referral", "outcome": "outcome",
                    "deadline": "deadline", "performance": "deadline", "supervision": "deadline",
                    "warning": "warning", "outbox_failed": "delivery", "review": "review"}


def topic_of(kind: str) -> str:
    return _TOPIC_OF_PREFIX.get(kind.split(".", 1)[0], "referral")


def preferences_of(session: Session, user_ids: Iterable[int]
                   ) -> dict[int, NotificationPreference]:
    ids = list(set(user_ids))
    if not ids:
        return {}
    rows = session.scalars(select(NotificationPreference).where(
        NotificationPreference.user_id.in_(ids)))
    return {row.user_id: row for row in rows}


def message_text(kind: str, params: dict) -> tuple[str, str]:
    """Subject and body in Chinese: what happened and to which case, never personal data."""
    subject = label_zh("notification", kind)
    if params.get("case_no"):
        subject = f"{subject}：{params['case_no']}"
    lines = [subject]
    if params.get("detail"):
        lines.append(str(params["detail"]))
    lines.append("请登录矛盾纠纷多元化解平台查看。")
    return subject, "\n".join(lines)


def tell(session: Session, users: Iterable[User], *, kind: str, key: str, now: datetime,
         case_id: int | None = None, sender_institution_id: int | None = None,
         **params) -> int:
    """Notify each user once for `key` in the inbox, and by the channels they chose for the
    kind's topic; returns how many were told in the inbox now."""
    users = list({user.id: user for user in users}.values())
    told = notify(session, users, kind=kind, key=key, now=now, case_id=case_id, **params)
    topic = topic_of(kind)
    wanted = preferences_of(session, (user.id for user in users))
    subject, body = message_text(kind, masked_values(params))
    for user in users:
        choice = wanted.get(user.id)
        if choice is None:
            continue
        common = dict(subject=subject, body=body, kind=kind, case_id=case_id, now=now,
                      institution_id=sender_institution_id, recipient_user_id=user.id)
        if topic in (choice.email_topics or []) and user.email:
            queue_message(session, channel="email", recipient=user.email,
                          key=f"{key}:email:{user.id}", **common)
        if topic in (choice.sms_topics or []) and choice.phone:
            queue_message(session, channel="sms", recipient=choice.phone,
                          key=f"{key}:sms:{user.id}", **common)
    return told


def save_preferences(session: Session, user: User, *, phone: str | None, email_topics,
                     sms_topics, now: datetime) -> NotificationPreference:
    unknown = (set(email_topics) | set(sms_topics)) - set(TOPICS)
    if unknown:
        raise ValueError(f"unknown topics: {sorted(unknown)}")
    row = session.scalar(select(NotificationPreference).where(
        NotificationPreference.user_id == user.id))
    if row is None:
        row = NotificationPreference(user_id=user.id)
        session.add(row)
    row.phone = (phone or "").strip() or None
    row.email_topics = [t for t in TOPICS if t in email_topics]
    row.sms_topics = [t for t in TOPICS if t in sms_topics]
    row.updated_at = now
    session.flush()
    return row
