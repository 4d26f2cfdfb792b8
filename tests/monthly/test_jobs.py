"""The scheduled jobs are idempotent: a unique claim per region and month, taken in the
database, so reruns, catch-ups and a second scheduler process make each report once."""

import subprocess
import sys
import textwrap
import threading
import time
from datetime import timedelta
from typing import ClassVar

import pytest
from sqlalchemy import func, select

from mediation_app.auth.models import User
from mediation_app.monthly import jobs, mail, services
from mediation_app.monthly.models import JobRun, MonthlyReport
from mediation_app.stats.definitions import shift_month
from mediation_app.storage import Storage

from .helpers import MONTH, RUN_AT, archive, build_world


def _count(session, model=MonthlyReport) -> int:
    count = session.scalar(select(func.count()).select_from(model))
    session.rollback()  # hold no transaction while jobs run (SQLite locks on begin)
    return count


def test_last_complete_month_follows_the_calendar_in_china():
    assert jobs.last_complete_month(RUN_AT) == MONTH  # 1 November, 02:00 in China
    assert jobs.last_complete_month(RUN_AT - timedelta(hours=3)) == "2026-09"


def test_running_the_monthly_job_twice_yields_one_report(monthly_app, session, make):
    world = build_world(make)
    first = jobs.run_monthly_reports(monthly_app, now=RUN_AT)
    second = jobs.run_monthly_reports(monthly_app, now=RUN_AT + timedelta(minutes=5))
    assert [o.status for o in first] == ["generated"] and first[0].month == MONTH
    assert [o.status for o in second] == ["skipped"]
    report = session.scalar(select(MonthlyReport))
    assert (report.region_id, report.month, report.version, report.generated_by_id) == (
        world.district_id, MONTH, 1, None)
    claim = session.scalar(select(JobRun))
    assert (claim.key, claim.status) == (f"monthly:{world.district_code}:{MONTH}", "done")


def test_two_schedulers_started_together_yield_one_report(monthly_app, session, make):
    build_world(make)
    barrier = threading.Barrier(2)
    results = []

    def scheduler():
        barrier.wait(timeout=30)
        results.append(jobs.run_monthly_reports(monthly_app, now=RUN_AT))

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(o.status for outcomes in results for o in outcomes) == ["generated", "skipped"]
    assert _count(session) == 1 and _count(session, JobRun) == 1


PROCESS = textwrap.dedent("""
    import sys, time
    from datetime import datetime
    from pathlib import Path
    from mediation_app import create_app
    from mediation_app.monthly import jobs

    url, storage, ready, go = sys.argv[1:]
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                      "SQLALCHEMY_DATABASE_URI": url, "MEDIATION_STORAGE": storage})
    Path(ready).touch()
    while not Path(go).exists():
        time.sleep(0.005)
    outcomes = jobs.run_monthly_reports(app, now=datetime(2026, 10, 31, 18, 0))
    print(",".join(outcome.status for outcome in outcomes))
""")


def _wait_for(paths, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not all(path.exists() for path in paths):
        assert time.monotonic() < deadline, "the scheduler processes did not start"
        time.sleep(0.01)


def test_two_scheduler_processes_started_together_yield_one_report(monthly_app, session, make,
                                                                    tmp_path):
    build_world(make)
    script, go = tmp_path / "scheduler_process.py", tmp_path / "go"
    script.write_text(PROCESS)
    ready = [tmp_path / f"ready-{n}" for n in range(2)]
    processes = [subprocess.Popen(
        [sys.executable, str(script), monthly_app.config["SQLALCHEMY_DATABASE_URI"],
         monthly_app.config["MEDIATION_STORAGE"], str(flag), str(go)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for flag in ready]
    _wait_for(ready)
    go.touch()
    outputs = [process.communicate(timeout=180) for process in processes]
    assert [p.returncode for p in processes] == [0, 0], [err for _, err in outputs]
    assert sorted(out.strip() for out, _ in outputs) == ["generated", "skipped"]
    assert _count(session) == 1


def test_catch_up_after_downtime_makes_the_missing_months_once(monthly_app, session, make):
    world = build_world(make, cases=False)
    storage = Storage(monthly_app.config["MEDIATION_STORAGE"])
    missed = {"2026-08", "2026-09", MONTH}  # the scheduler was down on three firsts
    for offset in range(12):
        month = shift_month(MONTH, -offset)
        if month not in missed:
            archive(session, storage, world.district_id, month)
    session.commit()
    first = jobs.catch_up(monthly_app, RUN_AT)
    second = jobs.catch_up(monthly_app, RUN_AT + timedelta(hours=1))
    assert sorted(o.month for o in first if o.status == "generated") == sorted(missed)
    assert second == []
    months = session.scalars(select(MonthlyReport.month)).all()
    assert len(months) == len(set(months)) == 12
    session.rollback()


def test_a_crashed_claim_is_taken_over_but_a_live_one_is_left_alone(monthly_app, session,
                                                                     make):
    world = build_world(make, cases=False)
    key = jobs.monthly_key(world.district_code, MONTH)
    session.add(JobRun(job="monthly", key=key, status="running", owner="gone:1",
                       started_at=RUN_AT - timedelta(minutes=30)))
    session.commit()
    assert [o.status for o in jobs.run_monthly_reports(monthly_app, now=RUN_AT)] == ["skipped"]
    later = RUN_AT + timedelta(hours=3)
    assert [o.status for o in jobs.run_monthly_reports(monthly_app, now=later)] == ["generated"]
    assert _count(session) == 1


def test_a_failed_run_is_recorded_and_retried(monthly_app, session, make, monkeypatch):
    world = build_world(make, cases=False)

    def broken(*args, **kwargs):
        raise RuntimeError("printer on fire")

    monkeypatch.setattr(services, "render_report", broken)
    assert [o.status for o in jobs.run_monthly_reports(monthly_app, now=RUN_AT)] == ["failed"]
    claim = session.scalar(select(JobRun))
    assert claim.status == "failed" and "printer on fire" in claim.error
    session.rollback()
    monkeypatch.undo()
    assert [o.status for o in jobs.run_monthly_reports(monthly_app, now=RUN_AT)] == ["generated"]
    assert session.scalar(select(MonthlyReport)).region_id == world.district_id


def test_only_regions_with_active_committee_readers_get_a_report(monthly_app, session, make):
    world = build_world(make, cases=False)
    quiet = make.region(level="district", parent=make.region(), name="无读者区")
    make.user(role="committee", is_active=False,
              institution=make.institution(kind="committee", region=quiet))
    make.user(role="dispatcher",
              institution=make.institution(kind="governance_centre", region=quiet))
    make.commit()
    outcomes = jobs.run_monthly_reports(monthly_app, now=RUN_AT)
    assert [o.region_code for o in outcomes] == [world.district_code]


class FakeSMTP:
    sent: ClassVar[list] = []
    fail = False

    def __init__(self, host, port, timeout):
        self.host = host

    def __enter__(self):
        if FakeSMTP.fail:
            raise ConnectionRefusedError("smtp.test refused")
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, username, password):
        pass

    def send_message(self, message):
        FakeSMTP.sent.append(message)


@pytest.fixture
def smtp(monkeypatch, monthly_app):
    FakeSMTP.sent, FakeSMTP.fail = [], False
    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(monthly_app.config, "MAIL_SERVER", "smtp.test")
    return FakeSMTP


def test_a_new_report_is_mailed_to_the_regions_committee_readers(monthly_app, session, make,
                                                                smtp):
    world = build_world(make, cases=False)
    session.get(User, world.reader_id).email = "reader@example.test"
    make.user(role="committee", institution=session.get(User, world.reader_id).institution)
    session.commit()  # the second reader has no address: skipped
    jobs.run_monthly_reports(monthly_app, now=RUN_AT)
    jobs.run_monthly_reports(monthly_app, now=RUN_AT)
    assert len(smtp.sent) == 1
    message = smtp.sent[0]
    assert message["To"] == "reader@example.test" and "2026年10月" in message["Subject"]
    attachment = next(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content().startswith(b"%PDF")


def test_a_mail_failure_does_not_break_the_job(monthly_app, session, make, smtp):
    world = build_world(make, cases=False)
    session.get(User, world.reader_id).email = "reader@example.test"
    session.commit()
    smtp.fail = True
    assert [o.status for o in jobs.run_monthly_reports(monthly_app, now=RUN_AT)] == ["generated"]
    assert _count(session) == 1 and smtp.sent == []


def test_nothing_is_mailed_without_a_mail_server(monthly_app, session, make, smtp,
                                                 monkeypatch):
    world = build_world(make, cases=False)
    session.get(User, world.reader_id).email = "reader@example.test"
    session.commit()
    monkeypatch.setitem(monthly_app.config, "MAIL_SERVER", None)
    monkeypatch.delenv("MAIL_SERVER", raising=False)
    jobs.run_monthly_reports(monthly_app, now=RUN_AT)
    assert smtp.sent == [] and _count(session) == 1


def test_the_deadline_sweep_runs_under_a_lease(monthly_app, session, monkeypatch):
    calls = []

    def sweep(session, *, now, config):
        calls.append(now)
        return "swept"

    monkeypatch.setattr(jobs, "sweep", sweep)
    assert jobs.run_deadline_sweep(monthly_app, RUN_AT) == "swept"
    assert jobs.run_deadline_sweep(monthly_app, RUN_AT + timedelta(minutes=15)) == "swept"
    session.add(JobRun(job="other", key="x", owner="me", started_at=RUN_AT))  # unrelated
    session.commit()
    session.execute(JobRun.__table__.update().where(JobRun.job == jobs.SWEEP)
                    .values(status="running", owner="elsewhere:1"))
    session.commit()
    assert jobs.run_deadline_sweep(monthly_app, RUN_AT + timedelta(minutes=16)) is None
    assert len(calls) == 2


def test_the_deadline_sweep_calls_the_deadlines_package(monthly_app, session, make):
    build_world(make)
    assert jobs.run_deadline_sweep(monthly_app, RUN_AT) is not None
    assert session.scalar(select(JobRun.status).where(JobRun.job == jobs.SWEEP)) == "done"
