"""One scheduler process: monthly reports on the 1st, sweeps every 15 minutes, catch-up
at start; started by `flask scheduler run`, never by the web app."""

from datetime import timedelta

from apscheduler.schedulers.blocking import BlockingScheduler

from mediation_app import scheduler


def _fields(trigger) -> dict:
    return {field.name: str(field) for field in trigger.fields}


def test_the_scheduler_has_the_monthly_sweep_and_catch_up_jobs(monthly_app):
    built = scheduler.build_scheduler(monthly_app)
    assert isinstance(built, BlockingScheduler)
    assert str(built.timezone) == "Asia/Shanghai"
    jobs = {job.id: job for job in built.get_jobs()}
    assert {"monthly_reports", "deadline_sweep", "catch_up", "report_requests"} <= set(jobs)
    assert jobs["report_requests"].trigger.interval == timedelta(seconds=10)
    monthly = jobs["monthly_reports"]
    assert {k: v for k, v in _fields(monthly.trigger).items()
            if k in ("day", "hour", "minute")} == {"day": "1", "hour": "2", "minute": "0"}
    assert str(monthly.trigger.timezone) == "Asia/Shanghai"
    assert monthly.coalesce and monthly.max_instances == 1
    assert monthly.misfire_grace_time >= 24 * 3600
    assert jobs["deadline_sweep"].trigger.interval == timedelta(minutes=15)
    assert jobs["catch_up"].misfire_grace_time is None


def test_scheduler_run_command_starts_the_scheduler(monthly_app, monkeypatch):
    started = []
    monkeypatch.setattr(scheduler, "run", lambda app: started.append(app))
    result = monthly_app.test_cli_runner().invoke(args=["scheduler", "run"])
    assert result.exit_code == 0, result.output
    assert started == [monthly_app]


def test_the_web_app_starts_no_scheduler(app):
    assert not any(isinstance(value, BlockingScheduler) for value in app.extensions.values())
