"""A web import whose process died is marked failed with its staging rows deleted, at the
scheduler's start and on its schedule; imports still within their time are left alone."""

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from mediation_app import scheduler
from mediation_app.ledger.models import LedgerImport, LedgerStagingRow
from mediation_app.ledger.reaping import reap_stale_imports, run_reaper

NOW = datetime(2026, 12, 1, 9, 0)


def _import(session, make, *, started: datetime, status: str = "running") -> LedgerImport:
    record = LedgerImport(user_id=make.user().id, filename="台账.csv", file_kind="csv",
                          storage_key="ledger/x", import_key=f"key-{started:%H%M}-{status}",
                          status=status, created_at=started)
    session.add(record)
    session.add(LedgerStagingRow(
        import_key=record.import_key, row_number=2, institution_id=1, channel="peoples",
        source="walk_in", dispute_type="neighbour", region_id=1, received_on=date(2026, 1, 1),
        outcome="pending", parties=2, summary="邻里纠纷", year=2026))
    session.flush()
    return record


def _staging(session, record) -> int:
    return session.scalar(select(func.count()).select_from(LedgerStagingRow)
                          .where(LedgerStagingRow.import_key == record.import_key))


def test_an_import_running_past_its_time_is_failed_and_its_staging_rows_deleted(session, make):
    dead = _import(session, make, started=NOW - timedelta(hours=3))
    assert reap_stale_imports(session, now=NOW, stale_after=timedelta(hours=1)) == [dead.id]
    session.refresh(dead)
    assert (dead.status, dead.finished_at) == ("failed", NOW)
    assert "restarted" in dead.message and _staging(session, dead) == 0


def test_a_recent_import_and_a_finished_one_are_left_alone(session, make):
    recent = _import(session, make, started=NOW - timedelta(minutes=5))
    finished = _import(session, make, started=NOW - timedelta(hours=3), status="done")
    assert reap_stale_imports(session, now=NOW, stale_after=timedelta(hours=1)) == []
    session.refresh(recent)
    assert recent.status == "running" and _staging(session, recent) == 1
    assert _staging(session, finished) == 1


def test_the_scheduler_job_reaps_in_its_own_transaction(session, make, app):
    dead = _import(session, make, started=datetime(2020, 1, 1), status="queued")
    make.commit()
    assert run_reaper(app, NOW) == [dead.id]
    session.expire_all()
    assert session.get(LedgerImport, dead.id).status == "failed"


def test_the_scheduler_reaps_at_start_and_every_ten_minutes(app):
    jobs = {job.id: job for job in scheduler.build_scheduler(app).get_jobs()}
    assert jobs["reap_imports"].trigger.interval == timedelta(minutes=10)
    assert "reap_imports_at_start" in jobs
    assert jobs["audit_checkpoint"].trigger.interval == timedelta(hours=1)


def test_an_import_reaped_before_its_job_started_is_not_run(session, make, app):
    """A queued import waits for a worker or a thread; once reaped, its job leaves it be."""
    from mediation_app.ledger import jobs

    dead = _import(session, make, started=datetime(2020, 1, 1), status="queued")
    dead_id = dead.id
    make.commit()
    run_reaper(app, NOW)
    session.rollback()
    jobs.run(app, dead_id)
    reaped = session.get(LedgerImport, dead_id)
    assert (reaped.status, reaped.phase, reaped.total_rows) == ("failed", None, None)
