"""The app served for the load benchmarks (filing, mixed_load) on the kept history in
BENCH_DATABASE_URL (`python -m bench.seed_keep N`), with the bare endpoints beside it:

- GET /bench-baseline?user=<id> — the case list's SELECT on the driver, a minimal template
  (bench.case_list.baseline_view);
- GET /bench-detail-baseline/<id> — a case, its parties, handlings and audit events, four
  driver SELECTs, a minimal template (no login, no visibility check, no masking, no panels);
- POST /bench-filing-baseline — the filing form's case written with Core INSERTs: the
  counter bumped (UPDATE … RETURNING), the case, its handling, its parties (encrypted as
  the app stores them), COMMIT; answered with a redirect like the real view;
- GET /bench-stats-baseline — the statistics page's figure calls (rollups.page_figures,
  referral_statistics, durations) for this month in the mediator's scope, totals as text.

Served by gunicorn with the Procfile's settings (mediation_app.webserver: WEB_WORKERS sync
workers, default one per core and one more): `gunicorn 'bench.server:create()'`. Rows
written by the bare filing endpoint carry the description BARE_MARK; `delete_bare_filings`
removes them (and their parties and handlings)."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import requests
from flask import Flask, current_app, redirect, request
from sqlalchemy import delete, func, insert, select, text, update

from mediation_app import create_app
from mediation_app.auth.models import User
from mediation_app.casefile.models import Case, CaseCounter, Handling, Party
from mediation_app.db import db, utcnow
from mediation_app.domain.case_numbers import render_case_number
from mediation_app.handlings.catalog import catalog, stored_version
from mediation_app.stats.definitions import local_today, this_month
from mediation_app.stats.maintenance import rebuild
from mediation_app.stats.models import DirtyCase, HandlingFact, OverdueStretch
from mediation_app.stats.queries import Scope, referral_statistics
from mediation_app.stats.rollups import durations, page_figures
from mediation_app.webserver import gunicorn_settings

from .case_list import baseline_view, configure_baseline
from .seed import MEDIATOR_USERNAME

BARE_MARK = "[bench bare filing]"
DETAIL_TEMPLATE = """<!doctype html><title>{{ case.case_no }}</title><h1>{{ case.case_no }}</h1>
<p>{{ case.summary }} · {{ case.state }} · {{ (case.filed_at|string)[:10] }}</p>
<ul>{% for party in parties %}<li>{{ party.role }}: {{ party.name }}</li>{% endfor %}</ul>
<ol>{% for handling in handlings %}<li>{{ handling.state }} {{ handling.outcome or '' }}</li>
{% endfor %}</ol><ol>{% for event in events %}<li>{{ event.seq }} {{ event.action }}
{{ (event.at|string)[:16] }}</li>{% endfor %}</ol>"""


def config(url: str) -> dict:
    return {"TESTING": True, "SECRET_KEY": "bench-secret", "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "MEDIATION_STORAGE": tempfile.mkdtemp(prefix="bench-storage-")}


def create() -> Flask:
    app = create_app(config(os.environ["BENCH_DATABASE_URL"]))
    with app.app_context():
        mediator = db.session.scalar(select(User).where(User.username == MEDIATOR_USERNAME))
        if mediator is None:
            raise SystemExit("no seeded history in BENCH_DATABASE_URL "
                             "(python -m bench.seed_keep N first)")
        configure_baseline(mediator, db.engine.dialect)
        app.config["BENCH_FILER"] = _filer(mediator)
        db.session.remove()
        db.engine.dispose()       # no connection may be shared by the forked workers
    app.add_url_rule("/bench-baseline", "bench_baseline", baseline_view)
    app.add_url_rule("/bench-detail-baseline/<int:case_id>", "bench_detail_baseline",
                     detail_view)
    app.add_url_rule("/bench-filing-baseline", "bench_filing_baseline", filing_view,
                     methods=["POST"])
    app.add_url_rule("/bench-stats-baseline", "bench_stats_baseline", stats_view)
    return app


def _filer(mediator: User) -> dict:
    """What the bare filing needs of the mediator's institution, read once."""
    institution = mediator.institution
    definition = catalog().for_filing(institution.kind)[0]
    version = stored_version(db.session, catalog().sources[definition.name])
    db.session.commit()
    return {"user_id": mediator.id, "institution_id": institution.id,
            "region_id": institution.region_id, "format": institution.case_number_format,
            "short": institution.short_name, "version_id": version.id,
            "channel": definition.channel, "is_mediation": definition.counts_as_mediation,
            "state": definition.initial.name}


def _rows(sql: str, **values) -> list:
    return db.session.execute(text(sql), values).all()


def detail_view(case_id: int):
    found = _rows("SELECT * FROM cases WHERE id = :id", id=case_id)
    if not found:
        return "not found", 404
    template = current_app.config.setdefault(
        "BENCH_DETAIL_TEMPLATE", current_app.jinja_env.from_string(DETAIL_TEMPLATE))
    return template.render(
        case=found[0],
        parties=_rows("SELECT * FROM parties WHERE case_id = :id ORDER BY position", id=case_id),
        handlings=_rows("SELECT * FROM handlings WHERE case_id = :id ORDER BY id", id=case_id),
        events=_rows("SELECT * FROM case_events WHERE case_id = :id ORDER BY seq", id=case_id))


def _amount(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def filing_view():
    """The same case as the filing form's, written with Core INSERTs and one COMMIT."""
    filer, form, now = current_app.config["BENCH_FILER"], request.form, utcnow()
    seq = db.session.execute(
        update(CaseCounter).where(CaseCounter.institution_id == filer["institution_id"],
                                  CaseCounter.year == now.year)
        .values(last_seq=CaseCounter.last_seq + 1).returning(CaseCounter.last_seq)).scalar_one()
    parties = _parties(form)
    case_id = db.session.execute(insert(Case.__table__).returning(Case.id), {
        "case_no": render_case_number(filer["format"], year=now.year, short=filer["short"],
                                      seq=seq),
        "numbering_institution_id": filer["institution_id"], "year": now.year, "seq": seq,
        "dispute_type": form["dispute_type"], "source": form["source"],
        "region_id": int(form["region_id"]), "summary": form["summary"],
        "description": BARE_MARK, "amount": _amount(form.get("amount")),
        "party_count": len(parties), "received_on": date.fromisoformat(form["received_on"]),
        "filed_at": now, "updated_at": now, "filed_by_id": filer["user_id"],
        "holder_institution_id": filer["institution_id"], "channel": filer["channel"],
        "state": filer["state"]}).scalar_one()
    db.session.execute(insert(Handling.__table__), {
        "case_id": case_id, "institution_id": filer["institution_id"],
        "workflow_version_id": filer["version_id"], "channel": filer["channel"],
        "is_mediation": filer["is_mediation"], "state": filer["state"], "started_at": now})
    db.session.execute(insert(Party.__table__), [{**party, "case_id": case_id}
                                                 for party in parties])
    db.session.commit()
    return redirect(f"/cases/{case_id}")


def _parties(form) -> list[dict]:
    found, position = [], 0
    while f"parties-{position}-name" in form:
        prefix = f"parties-{position}-"
        found.append({"position": position, "role": form[prefix + "role"],
                      "kind": form[prefix + "kind"], "name": form[prefix + "name"],
                      **{name: form.get(prefix + name) or None
                         for name in ("sex", "id_number", "phone", "address")}})
        position += 1
    return found


def stats_view():
    """The statistics page's figure calls for this month, the mediator's scope, as text."""
    filer = current_app.config["BENCH_FILER"]
    user = db.session.get(User, filer["user_id"])
    now = utcnow()
    period = this_month(local_today(now))
    scope = Scope(region=user.institution.region, institution_id=filer["institution_id"])
    months = current_app.config["DURABLE_MONTHS"]
    found = page_figures(db.session, period, scope, now=now, durable_months=months,
                         trend_in_full=False)
    referral_statistics(db.session, period, scope, now=now)
    durations(db.session, period, scope, first_sync=False)
    return repr(found.report.totals)


def delete_bare_filings(session) -> int:
    """Remove the cases the bare filing endpoint wrote, with their parties and handlings.
    A statistics reading rolls up the cases sharing a person with those it rolls up: were
    any of these rolled up so, their facts are removed and the rollups rebuilt without
    them (the bench's sides file different people, so this is only a safeguard)."""
    ids = select(Case.id).where(Case.description == BARE_MARK).scalar_subquery()
    rolled_up = session.scalar(select(func.count()).select_from(HandlingFact)
                               .where(HandlingFact.case_id.in_(ids)))
    for model in (HandlingFact, OverdueStretch, DirtyCase, Party, Handling):
        session.execute(delete(model).where(model.case_id.in_(ids)))
    removed = session.execute(delete(Case).where(Case.description == BARE_MARK)).rowcount
    if rolled_up:
        print(f"  {rolled_up} bare handlings had been rolled up: rebuilding the rollups",
              flush=True)
        rebuild(session)
    session.commit()
    return removed


# --- serving it ----------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(url: str, *, ready_within: float = 180.0):
    """gunicorn serving create() on a free local port, as the Procfile serves the app;
    yields its base URL and stops it on leaving."""
    port = _free_port()
    settings = gunicorn_settings()
    command = [sys.executable, "-m", "gunicorn", "--workers", str(settings["workers"]),
               "--threads", str(settings["threads"]), "--timeout", str(settings["timeout"]),
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
               "bench.server:create()"]
    env = {**os.environ, "BENCH_DATABASE_URL": url,
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_within
        while True:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn stopped ({process.returncode})")
            try:
                if requests.get(base + "/login", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not answer within {ready_within:.0f} s")
            time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def signed_in(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    response = session.post(base + "/login", data={"username": username, "password": password},
                            allow_redirects=False)
    if response.status_code != 302:
        raise SystemExit(f"sign-in of {username} failed: {response.status_code}")
    return session


def filing_form(session) -> dict:
    """The filing form as a mediator of the kept history's first committee fills it: a
    neighbour dispute in the committee's town, two people (new_people gives each filing its
    own ID numbers and phones)."""
    from mediation_app.domain.codes import Source, values

    mediator = session.scalar(select(User).where(User.username == MEDIATOR_USERNAME))
    workflow = catalog().for_filing(mediator.institution.kind)[0].name
    form = {"workflow": workflow, "dispute_type": "neighbour", "source": values(Source)[0],
            "region_id": str(mediator.institution.region_id),
            "received_on": local_today(utcnow()).isoformat(), "summary": "邻里排水纠纷",
            "description": "", "amount": "1200.00", "assigned_mediator_id": "0"}
    for position, (role, name, sex) in enumerate((("applicant", "王建国", "male"),
                                                  ("respondent", "李秀英", "female"))):
        prefix = f"parties-{position}-"
        form.update({prefix + "role": role, prefix + "kind": "person", prefix + "name": name,
                     prefix + "sex": sex, prefix + "address": "淮安市清江浦区健康西路1号"})
    return form


def new_people(form: dict, rng: random.Random) -> dict:
    """The form with fresh ID numbers and phones for its two people: each filing brings
    people the history has not seen, as most filings do."""
    from .seed import _id_number

    return {**form, **{f"parties-{position}-{name}": value for position in (0, 1)
                       for name, value in (("id_number", _id_number(rng)),
                                           ("phone", f"139{rng.randint(0, 99_999_999):08d}"))}}
