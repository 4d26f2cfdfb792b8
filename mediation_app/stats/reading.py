"""Where the figures are read: the rollups are brought up to date on the primary, then read
through the read replica when one is configured (mediation_app.replica), else the primary."""

from __future__ import annotations

from sqlalchemy.orm import Session

from .. import replica
from .maintenance import sync


def figures_reading(session: Session) -> Session:
    """Roll up what changed since the last reading, then the session to read figures
    through. A roll-up is committed at once: the lock it took is released before the page
    is drawn (readers queue on it only while one rolls up, not while another's page is
    drawn), and a replica replays it. The roll-up is derived data: committing it early
    loses nothing if the caller fails; callers read figures with nothing else pending."""
    if sync(session) or replica.configured():
        session.commit()
    return replica.reads()
