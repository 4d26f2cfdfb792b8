"""Filing from many threads at once: distinct, consecutive numbers, no gaps."""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from mediation_app.auth.models import User
from mediation_app.cases import services
from mediation_app.extensions import db

from ..factories import Factories, filing_workflow

THREADS = 20


def _file_one(app, user_id: int, index: int) -> int:
    with app.app_context():
        user = db.session.get(User, user_id)
        make = Factories(db.session)
        case = services.file_case(
            db.session,
            services.NewCase(dispute_type="neighbour", source="walk_in",
                             region=user.institution.region, summary=f"并发{index}",
                             received_on=datetime(2026, 6, 1).date(),
                             parties=[make.party("applicant"), make.party("respondent")]),
            actor=user, now=datetime(2026, 6, 1, 9, 0), workflow=filing_workflow(user))
        db.session.commit()
        seq = case.seq
        db.session.remove()
        return seq


def test_twenty_threads_filing_at_once_get_twenty_consecutive_numbers(app, make):
    user_id = make.user().id
    make.commit()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        numbers = list(pool.map(lambda i: _file_one(app, user_id, i), range(THREADS)))
    assert sorted(numbers) == list(range(1, THREADS + 1))
