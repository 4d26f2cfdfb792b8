"""A PDF rendered for download (督办单, 以案定补 statement, draft preview) is kept a day under
rendered/; the scheduler's hourly sweep deletes those past their day, whether or not
anything is rendered later."""

import os
import time

from mediation_app.jobs.queue import RESULT_TTL_SECONDS
from mediation_app.rendered import FOLDER, forget_expired
from mediation_app.scheduler import RECURRING, build_scheduler
from mediation_app.storage import Storage


def test_the_sweep_deletes_the_rendered_pdfs_past_their_day_and_keeps_the_others(
        other_app, tmp_path):
    app = other_app(MEDIATION_STORAGE=str(tmp_path))
    storage = Storage(str(tmp_path))
    old_key, _ = storage.put(FOLDER, b"%PDF-1.7 old")
    new_key, _ = storage.put(FOLDER, b"%PDF-1.7 new")
    a_day_ago = time.time() - RESULT_TTL_SECONDS - 60
    os.utime(storage.path_of(old_key), (a_day_ago, a_day_ago))
    assert forget_expired(app) == 1
    assert not storage.path_of(old_key).exists()
    assert storage.read(new_key) == b"%PDF-1.7 new"


def test_the_scheduler_runs_the_sweep_every_hour(other_app):
    sweeps = {job_id: interval for _job, job_id, _name, interval in RECURRING}
    assert sweeps["rendered_files"] == {"hours": 1}
    assert "rendered_files" in [job.id for job in build_scheduler(other_app()).get_jobs()]
