from datetime import datetime

from sqlalchemy.orm import Session

from ..access import policy
from ..auth.models import User
from ..casefile.models import Case
from ..workflow import Option, available
from .facts import facts_for


def step_options(session: Session, case: Case, user: User, *, now: datetime,
                 facts_of=facts_for) -> list[Option]:
    """The workflow steps the user may take on the case now (blocked ones say why).
    `facts_of` reads the guards' facts (the case page passes one it shares with panels)."""
    handling = case.current_handling
    if handling is None or not policy.can_change_case(user, case):
        return []
    return available(handling.definition, handling.state, user.role,
                     facts_of(session, handling, now=now))
