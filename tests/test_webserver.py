"""How gunicorn serves the app: the Procfile's gunicorn.conf.py and `mediation serve` take
the same settings (mediation_app.webserver)."""

import os
import runpy
from pathlib import Path

import pytest
from gunicorn.config import Config

ROOT = Path(__file__).resolve().parents[1]


def _procfile_settings(monkeypatch, **env) -> Config:
    for name in ("WEB_WORKERS", "WEB_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = Config()
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_the_procfile_serves_with_sync_workers_one_per_core_and_one_more(monkeypatch):
    config = _procfile_settings(monkeypatch)
    assert config.worker_class_str == "sync"
    assert config.workers == (os.cpu_count() or 1) + 1
    assert config.threads == 1


def test_web_workers_and_threads_come_from_the_environment(monkeypatch):
    config = _procfile_settings(monkeypatch, WEB_WORKERS="5", WEB_THREADS="4")
    assert config.workers == 5 and config.threads == 4
    assert config.worker_class_str == "gthread"


def test_a_worker_may_spend_ten_minutes_on_one_download(monkeypatch):
    assert _procfile_settings(monkeypatch).timeout == 600


def test_mediation_serve_passes_gunicorn_the_same_settings(monkeypatch):
    from mediation_app import serve

    given = {}
    monkeypatch.setattr(serve._Gunicorn, "run", lambda self: given.update(self.options))
    monkeypatch.setenv("WEB_WORKERS", "3")
    with pytest.raises(SystemExit) as finished:
        serve.main(["serve", "--no-upgrade", "--port", "8123"])
    assert finished.value.code == 0
    assert given["workers"] == 3 and given["threads"] == 1 and given["timeout"] == 600
    assert given["bind"] == "127.0.0.1:8123"
    assert "%(U)s" in given["access_log_format"]
