"""How gunicorn serves the web app, the same under the Procfile (`make run`, read from
gunicorn.conf.py), `mediation serve` and the benchmarks.

Sync workers, one request at a time each: a worker takes the next request only when it is
free, so requests queue in front of the workers in arrival order and a page never shares
its worker's interpreter with others. With several threads per worker the pages of one
worker run interleaved on one interpreter lock (a long statistics page stretches every page
beside it), and a busy worker keeps accepting connections that a free one could serve. Put
a buffering proxy in front (nginx, README: Deployment), as for any sync worker: it absorbs
slow clients."""

from __future__ import annotations

import os

from .logredaction import ACCESS_LOG_FORMAT

# A worker busy this long with one request is restarted. Ledger downloads are made within
# their request: a million cases took 25 s as CSV and 200 s as XLSX (5,000 rows/s) here.
TIMEOUT_SECONDS = 600


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def web_workers() -> int:
    """WEB_WORKERS, or one worker per core and one more (to use the cores while another
    waits for the database)."""
    return _env_int("WEB_WORKERS", (os.cpu_count() or 1) + 1)


def web_threads() -> int:
    """WEB_THREADS, or 1 (sync workers); more makes gunicorn's threaded worker."""
    return _env_int("WEB_THREADS", 1)


def gunicorn_settings() -> dict:
    return {"workers": web_workers(), "threads": web_threads(), "timeout": TIMEOUT_SECONDS,
            "access_log_format": ACCESS_LOG_FORMAT}
