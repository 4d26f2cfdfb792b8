"""The regions and institutions under a region, for filter dropdowns: read once per process
and region, read again after this process changes a region or an institution, and at most
STALE_SECONDS after another process did."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from .models import Institution, Region

STALE_SECONDS = 60.0


@dataclass(frozen=True)
class Subtree:
    """Institutions by name and regions by path, as (id, name) and (id, name, path, level)."""

    institutions: tuple[tuple[int, str], ...]
    regions: tuple[tuple[int, str, str, str], ...]


_kept: dict[str, tuple[int, float, Subtree]] = {}
_generation = [0]


def subtree(session: Session, root: Region) -> Subtree:
    """The institutions and regions at or below `root`."""
    kept = _kept.get(root.path)
    if kept is not None and kept[0] == _generation[0] and time.monotonic() - kept[1] < STALE_SECONDS:
        return kept[2]
    generation, read_at = _generation[0], time.monotonic()
    found = _read(session, root)
    _kept[root.path] = (generation, read_at, found)
    return found


def _read(session: Session, root: Region) -> Subtree:
    institutions = session.execute(
        select(Institution.id, Institution.name).join(Region)
        .where(Region.path.startswith(root.path)).order_by(Institution.name))
    regions = session.execute(
        select(Region.id, Region.name, Region.path, Region.level)
        .where(Region.path.startswith(root.path)).order_by(Region.path))
    return Subtree(institutions=tuple(tuple(row) for row in institutions),
                   regions=tuple(tuple(row) for row in regions))


def forget() -> None:
    _generation[0] += 1
    _kept.clear()


@event.listens_for(Session, "after_flush")
def _changed(session, _context) -> None:
    touched = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(item, (Region, Institution)) for item in touched):
        session.info["directory_changed"] = True
        forget()


@event.listens_for(Session, "after_commit")
def _committed(session) -> None:
    """Again once committed: a request may have read the tree between flush and commit."""
    if session.info.pop("directory_changed", False):
        forget()


@event.listens_for(Session, "after_rollback")
def _rolled_back(session) -> None:
    session.info.pop("directory_changed", None)
