"""Sending notifications to the people who must act, once per event."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..access import roles
from ..access.masking import masked_values
from ..access.roles import staff_clause
from ..auth.models import User
from ..db import insert_if_absent
from ..directory.models import Institution, Region
from .models import Notification


def notify(session: Session, users, *, kind: str, key: str, now: datetime, case_id=None,
           **params) -> int:
    """Notify each user once for `key`; returns how many users were notified now. ID
    numbers and phones written in the parameters are masked: notifications never carry them."""
    safe = masked_values(json.loads(json.dumps(params, ensure_ascii=False, default=str)))
    return sum(insert_if_absent(session, Notification, user_id=user.id, key=key, kind=kind,
                                case_id=case_id, params=safe, created_at=now)
               for user in users)


def staff_of(session: Session, institution_id: int,
             role_test=roles.acts_for_institution) -> list[User]:
    """Active users of the institution passing `role_test` (one of access.roles' tests)."""
    return list(session.scalars(select(User).where(User.institution_id == institution_id,
                                                   User.is_active, staff_clause(role_test))))


def _lineage_ids(region: Region) -> list[int]:
    """The region's ancestors' ids from the root down, the region's own last."""
    return [int(part) for part in region.path.strip("/").split("/") if part]


def governance_centre_above(session: Session, region: Region, *,
                            exclude_id: int | None = None) -> Institution | None:
    """The nearest governance centre (综治中心/矛调中心) at the region or above it."""
    lineage = _lineage_ids(region)
    centres = session.scalars(select(Institution).where(
        Institution.kind == "governance_centre", Institution.is_active,
        Institution.region_id.in_(lineage)))
    depth = {region_id: index for index, region_id in enumerate(lineage)}
    ranked = sorted((c for c in centres if c.id != exclude_id), key=lambda c: -depth[c.region_id])
    return ranked[0] if ranked else None


def dispatchers_above(session: Session, region: Region, *, exclude_id: int | None = None
                      ) -> list[User]:
    centre = governance_centre_above(session, region, exclude_id=exclude_id)
    return staff_of(session, centre.id, role_test=roles.is_dispatcher) if centre else []


def committee_readers_above(session: Session, region: Region, *, up_to: Region) -> list[User]:
    """The political-legal committees' readers (政法委) of every level from `region` up to
    `up_to` (an ancestor, both included): each has the case in its jurisdiction. When no
    committee sits on that stretch, the readers of the nearest committee above it."""
    lineage = _lineage_ids(region)
    depth = {region_id: index for index, region_id in enumerate(lineage)}
    top = depth.get(up_to.id, 0)
    rows = session.execute(
        select(User, Institution.region_id).join(Institution, Institution.id == User.institution_id)
        .where(Institution.region_id.in_(lineage), User.is_active,
               staff_clause(roles.told_of_listed_supervision)).order_by(User.id)).all()
    within = [user for user, region_id in rows if depth[region_id] >= top]
    if within or not rows:
        return within
    nearest = max(depth[region_id] for _, region_id in rows)
    return [user for user, region_id in rows if depth[region_id] == nearest]


def unread_count(session: Session, user: User) -> int:
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))


def unread_count_of_users():
    """The unread count as a column of `users` (loaded with the signed-in user)."""
    return (select(func.count()).select_from(Notification)
            .where(Notification.user_id == User.id, Notification.read_at.is_(None))
            .scalar_subquery())


def mark_read(session: Session, user: User, *, now: datetime, notification_id=None) -> None:
    query = update(Notification).where(Notification.user_id == user.id,
                                       Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    session.execute(query.values(read_at=now))
