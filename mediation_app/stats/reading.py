"""Where the figures are read: the rollups are brought up to date on the primary, then read
through the read replica when one is configured (mediation_app.replica), else the primary."""

from __future__ import annotations

from sqlalchemy.orm import Session

from .. import replica
from .maintenance import sync


def figures_reading(session: Session) -> Session:
    """Roll up what changed since the last reading, then the session to read figures
    through. With a replica the roll-up is committed first, so that the replica replays it
    (the roll-up is derived data: committing it early loses nothing if the caller fails)."""
    sync(session)
    if replica.configured():
        session.commit()
    return replica.reads()
