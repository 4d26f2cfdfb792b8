from datetime import date

import pytest

from mediation_app.agreements.services import record_follow_up
from mediation_app.db import utcnow
from mediation_app.handlings.services import fire_transition

from ..pdfs import pdf_fonts, pdf_text  # noqa: F401  (fixtures)


@pytest.fixture
def closed(make, session, issuer):
    """A committee's case mediated with success: a session record, a signed and issued
    agreement, the handling closed, and a follow-up visit (回访) recorded."""
    case, mediator = make.mediating_case()
    make.sign_everyone(make.agreement(case, mediator), case, mediator, issuer=issuer)
    fire_transition(session, case, "close_success", actor=mediator, now=utcnow())
    record_follow_up(session, case, visited_on=date.today(), satisfaction=5,
                     notes="双方已按协议履行完毕。", actor=mediator, now=utcnow())
    session.commit()
    return case, mediator
