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
# their request: here 984,334 cases took 25 s as CSV, and XLSX ran at 5,000 rows/s (a
# million rows would take about 200 s).
TIMEOUT_SECONDS = 600


def web_workers() -> int:
    """WEB_WORKERS, or one worker per core and one more (to use the cores while another
    waits for the database)."""
    return int(os.environ.get("WEB_WORKERS") or (os.cpu_count() or 1) + 1)


def web_threads() -> int:
    """WEB_THREADS, or 1 (sync workers); more makes gunicorn's threaded worker."""
    return int(os.environ.get("WEB_THREADS") or 1)


def gunicorn_settings() -> dict:
    return {"workers": web_workers(), "threads": web_threads(), "timeout": TIMEOUT_SECONDS,
            "access_log_format": ACCESS_LOG_FORMAT}
