"""Early warnings raised by events of other packages (blinker signals)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..casefile.signals import case_details_changed
from .rules import WarningRules
from .services import evaluate


@case_details_changed.connect
def reread_case(app, *, session: Session, case, now: datetime) -> None:
    evaluate(session, case, WarningRules.from_config(app.config), now=now)
