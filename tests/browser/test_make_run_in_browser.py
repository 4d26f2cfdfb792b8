"""`make run` on a fresh machine, as the committee reader meets it on the first of a month:
the demo is loaded, the web server and the scheduler run side by side, and 月度报告 lists
last month's report without any command typed. The make target runs as it is, on a database,
a storage folder and keys of its own (make run serves the embedded SQLite database, so this
runs once, on the SQLite leg of the suite)."""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mediation_app.demo import DEMO_PASSWORD
from mediation_app.workflow.calendar import CHINA

from .signing_in import sign_in

CHECKOUT = Path(__file__).resolve().parents[2]
STARTING_SECONDS = 900  # migrations, the demo and its 24 past monthly reports, on a busy machine

pytestmark = [
    pytest.mark.xdist_group("make-run"),  # its module fixture runs once, on one worker
    pytest.mark.browser,
    pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")),
                       reason="make run serves the embedded SQLite database"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def _environment(folder: Path) -> dict:
    outside = {name: value for name, value in os.environ.items()
               if not name.startswith(("FLASK_", "TEST_DATABASE"))}
    return {**outside,
            "DATABASE_URL": f"sqlite:///{folder / 'mediation.db'}",
            "MEDIATION_STORAGE": str(folder / "storage"),
            "SECRET_KEY": secrets.token_hex(16),
            "DATA_KEY": secrets.token_hex(32),
            "DATA_INDEX_KEY": secrets.token_hex(32),
            "AUDIT_KEY": secrets.token_hex(32)}


@pytest.fixture(scope="module")
def made_run(tmp_path_factory):
    """`make run` started as a user starts it; yields (its URL, its output so far)."""
    folder = tmp_path_factory.mktemp("make-run")
    port, log = _free_port(), folder / "make-run.log"
    venv = Path(sys.executable).parent.parent
    with log.open("wb") as output:
        process = subprocess.Popen(["make", f"VENV={venv}", f"PORT={port}", "run"],
                                   cwd=CHECKOUT, env=_environment(folder), stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTING_SECONDS
        while not _answers(f"{url}/login"):
            assert process.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(1)
        yield url, lambda: log.read_text(errors="replace")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _last_month() -> str:
    today = datetime.now(UTC).astimezone(CHINA).date()
    last = today.replace(day=1) - timedelta(days=1)
    return f"{last.year}年{last.month}月"


def test_the_committee_reader_finds_last_months_report_on_a_fresh_make_run(made_run, page):
    url, _output = made_run
    sign_in(page, url, "committee", DEMO_PASSWORD)

    page.get_by_role("link", name="月度报告").first.click()

    first_row = page.locator("table.list tbody tr").first
    assert first_row.locator("td").first.inner_text() == _last_month()
    assert first_row.locator("td").nth(3).inner_text().endswith("定时任务")
    href = first_row.get_by_role("link", name="PDF").get_attribute("href")
    download = page.request.get(f"{url}{href}")
    assert download.headers["content-type"] == "application/pdf"
    assert download.body().startswith(b"%PDF")


def test_make_run_starts_the_scheduler_beside_the_web_server(made_run):
    _url, output = made_run

    assert "scheduler starting: monthly reports" in output()
    assert re.search(r"monthly reports of past months: [1-9]\d* made, 0 failed", output())
