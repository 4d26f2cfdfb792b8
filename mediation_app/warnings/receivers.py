"""Early warnings raised by events of other packages (blinker signals)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from ..casefile.signals import case_details_changed, case_filing
from .rules import WarningRules
from .services import answer_filing, evaluate


@case_details_changed.connect
def reread_case(app, *, session: Session, case, now: datetime) -> None:
    evaluate(session, case, WarningRules.from_config(app.config), now=now)


@case_filing.connect
def read_case_being_filed(_sender, *, session: Session, case, now: datetime):
    return answer_filing(session, case, WarningRules.from_config(current_app.config), now=now)
