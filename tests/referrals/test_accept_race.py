"""Fifty receivers press 签收 on the same referral at the same moment: exactly one wins,
the others are refused cleanly, and the case gets exactly one new handling."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from sqlalchemy import func, select

from mediation_app.auth.models import User
from mediation_app.casefile.models import Handling, Referral
from mediation_app.extensions import db
from mediation_app.handlings.catalog import catalog
from mediation_app.referrals.services import ReferralError, accept_referral

from ..factories import Factories
from .helpers import database, file_case, send

THREADS = 50
SENT = datetime(2026, 3, 2, 9, 0)
ACCEPTED = datetime(2026, 3, 3, 10, 0)


def _pending_referral(app) -> tuple[int, int, list[int]]:
    """A police case with a pending 公调对接 referral to a committee with 50 mediators;
    committed and closed before any thread starts (no session here holds a lock)."""
    with database(app) as session:
        make = Factories(session)
        district = make.district()
        police = make.institution(kind="police", region=district, name="派出所")
        committee = make.institution(kind="peoples_committee", region=district, name="调委会")
        sender = make.user(role="liaison", institution=police)
        receivers = [make.user(role="mediator", institution=committee) for _ in range(THREADS)]
        case = file_case(session, sender, now=SENT)
        referral = send(session, case, "police_mediation", committee, sender, SENT)
        ids = referral.id, case.id, [user.id for user in receivers]
        session.commit()
    return ids


def _accept(app, barrier: threading.Barrier, referral_id: int, user_id: int):
    """One receiver's request: ('accepted', handling id), ('refused', code) or
    ('error', the unexpected exception)."""
    with app.app_context():
        try:
            barrier.wait(timeout=30)
            referral = db.session.get(Referral, referral_id)
            actor = db.session.get(User, user_id)
            handling = accept_referral(db.session, catalog(), referral, actor=actor,
                                       now=ACCEPTED)
            db.session.commit()
            return "accepted", handling.id
        except ReferralError as refusal:
            db.session.rollback()
            return "refused", refusal.code
        except Exception as error:  # noqa: BLE001 - reported to the test, not swallowed
            db.session.rollback()
            return "error", repr(error)
        finally:
            db.session.remove()


def _race(app):
    referral_id, case_id, user_ids = _pending_referral(app)
    with app.app_context():
        catalog()  # load the workflow files once, not from fifty threads at a time
    barrier = threading.Barrier(THREADS)
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(lambda uid: _accept(app, barrier, referral_id, uid), user_ids))
    return referral_id, case_id, results


def _outcome(app, referral_id: int, case_id: int):
    with database(app) as session:
        referral = session.get(Referral, referral_id)
        new_handlings = session.scalar(select(func.count()).select_from(Handling).where(
            Handling.case_id == case_id, Handling.arrived_by == "police_mediation"))
        open_handlings = session.scalar(select(func.count()).select_from(Handling).where(
            Handling.case_id == case_id, Handling.outcome.is_(None)))
        return referral.status, referral.new_handling_id, new_handlings, open_handlings


def test_fifty_concurrent_accepts_exactly_one_wins(app):
    referral_id, case_id, results = _race(app)

    errors = [detail for kind, detail in results if kind == "error"]
    assert errors == []
    winners = [detail for kind, detail in results if kind == "accepted"]
    refusals = [detail for kind, detail in results if kind == "refused"]
    assert len(winners) == 1 and len(refusals) == THREADS - 1
    assert refusals == ["already_decided"] * (THREADS - 1)
    status, new_handling_id, new_handlings, open_handlings = _outcome(app, referral_id, case_id)
    assert status == "accepted" and new_handling_id == winners[0]
    assert new_handlings == 1 and open_handlings == 1
