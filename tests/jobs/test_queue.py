"""enqueue(): on the RQ queue with REDIS_URL, in-process without it, and the worker command."""

from mediation_app.jobs import enqueue, outcome
from mediation_app.jobs.cli import NO_REDIS


def test_without_redis_a_threaded_job_runs_in_a_thread_of_this_process(other_app, monkeypatch):
    calls = []
    monkeypatch.setattr("mediation_app.ledger.jobs.run", lambda app, import_id: calls.append(
        (app.name, import_id)))
    app = other_app(REDIS_URL=None)
    with app.app_context():
        handle = enqueue("ledger_import", import_id=7)
    handle.thread.join(10)
    assert handle.mode == "thread" and calls == [(app.name, 7)]


def test_without_redis_a_requested_report_is_left_for_the_scheduler(other_app):
    with other_app(REDIS_URL=None).app_context():
        handle = enqueue("monthly_request", request_id=7)
    assert (handle.mode, handle.thread, handle.job_id) == ("scheduler", None, None)


def test_an_unreachable_redis_runs_the_job_in_process(other_app, monkeypatch):
    calls = []
    monkeypatch.setattr("mediation_app.ledger.jobs.run", lambda app, import_id: calls.append(
        import_id))
    with other_app(REDIS_URL="redis://127.0.0.1:1/0").app_context():
        handle = enqueue("ledger_import", import_id=8)
    handle.thread.join(10)
    assert handle.mode == "thread" and calls == [8]


def test_the_worker_command_without_redis_says_no_worker_is_needed(other_app):
    result = other_app(REDIS_URL=None).test_cli_runner().invoke(args=["jobs", "worker"])
    assert result.exit_code == 0
    assert result.output.strip() == NO_REDIS and "REDIS_URL" in result.output


def test_without_redis_a_document_to_issue_is_left_to_the_request(other_app):
    with other_app(REDIS_URL=None).app_context():
        handle = enqueue("document_issue", case_id=7, what="step", actor_id=1,
                         public_url="http://verify.test/", kind="application")
    assert (handle.mode, handle.thread, handle.job_id) == ("inline", None, None)


def test_without_redis_no_queued_job_is_found(other_app):
    assert outcome(other_app(REDIS_URL=None), "0b6f4e2c-1111-4222-8333-444455556666") is None
