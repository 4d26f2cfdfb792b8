"""PDFs rendered on demand (the 督办单, the 以案定补 statement, the draft agreement's preview)
as jobs. With REDIS_URL set, the page that would render one queues it and answers with a
page that follows the job; a queue worker renders it and keeps the file a day under
rendered/ (the job's result, kept as long, names it); the page then offers it, to the user
who asked for it, after the same access check as the page that queued it. Without
REDIS_URL the request renders it, as it always did."""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import Flask, abort, current_app, render_template
from flask_login import current_user

from .auth.models import User
from .db import db
from .downloads import pdf_response
from .jobs import Outcome, enqueue, outcome, redis_url
from .jobs.queue import RESULT_TTL_SECONDS
from .jobs.runtime import job_app
from .storage import Storage

FOLDER = "rendered"
REFRESH_SECONDS = 2


def queue_render(job: str, **kwargs) -> str | None:
    """The id of the render `job` queued for the current user; None when the request is to
    render it itself (no REDIS_URL, or Redis could not take the job)."""
    if redis_url(current_app) is None:
        return None
    handle = enqueue(job, actor_id=current_user.id, **kwargs)
    return handle.job_id if handle.mode == "queue" else None


def render_in_worker(actor_id: int, render: Callable[[User], tuple[bytes, str] | None]) -> dict:
    """The body of a render job: `render(actor)` in the worker's app for the user who asked,
    giving the PDF and its file name, or None when that user may no longer have it; the
    job's result: the PDF kept for them, or {"refused": True}."""
    app = job_app()
    with app.app_context():
        try:
            actor = db.session.get(User, actor_id)
            made = render(actor) if actor is not None else None
            return {"refused": True} if made is None else keep_rendered(app, *made)
        finally:
            db.session.remove()


def keep_rendered(app: Flask, pdf: bytes, filename: str) -> dict:
    """In the worker: store the PDF; the job's result. The scheduler deletes it past its
    day (forget_expired)."""
    key, _digest = Storage(app.config["MEDIATION_STORAGE"]).put(FOLDER, pdf)
    return {"storage_key": key, "filename": filename}


def forget_expired(app: Flask) -> int:
    """Delete the rendered PDFs past their day (their jobs' results are gone with them);
    the scheduler runs it hourly. Returns how many were deleted."""
    oldest = time.time() - RESULT_TTL_SECONDS
    deleted = 0
    for path in Storage(app.config["MEDIATION_STORAGE"]).path_of(FOLDER).glob("*/*"):
        try:
            if path.stat().st_mtime < oldest:
                path.unlink()
                deleted += 1
        except FileNotFoundError:     # deleted meanwhile by another sweep
            continue
    return deleted


def render_of(job_id: str, job: str, **kwargs) -> Outcome:
    """The render `job_id` if it is a `job` the current user asked for with these keywords;
    else 404 (another user's render, or another page's, is not found)."""
    found = outcome(current_app, job_id)
    if (found is None or found.name != job or found.kwargs.get("actor_id") != current_user.id
            or any(found.kwargs.get(name) != value for name, value in kwargs.items())):
        abort(404)
    return found


def is_ready(render: Outcome) -> bool:
    return render.state == "done" and bool((render.result or {}).get("storage_key"))


def following_page(render: Outcome, *, title: str, download_url: str, again_url: str,
                   back_url: str) -> str:
    """The page that follows the render: reloading while it is made, then the download
    link (or, should it have failed, a link to ask again)."""
    state = "ready" if is_ready(render) else "waiting" if render.state == "waiting" else "failed"
    return render_template("rendered.html", state=state, title=title,
                           download_url=download_url, again_url=again_url, back_url=back_url,
                           refresh_seconds=REFRESH_SECONDS)


def rendered_download(render: Outcome):
    """The file the render made; 404 until it is made, or once forgotten."""
    if not is_ready(render):
        abort(404)
    try:
        content = Storage(current_app.config["MEDIATION_STORAGE"]).read(
            render.result["storage_key"])
    except FileNotFoundError:
        abort(404)
    return pdf_response(content, render.result["filename"])
