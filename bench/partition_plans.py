"""`python -m bench.partition_plans` — what partitioning `handlings` and `case_events` by
year on PostgreSQL would have to speed up, on the kept history (BENCH_DATABASE_URL, seeded
by `python -m bench.seed_keep N` and rolled up by `flask stats rebuild`).

Prints the rows per year of both tables, then EXPLAIN (ANALYZE, BUFFERS) of every SELECT
that (1) the case list page 1 sends, for the committee's mediator (one dispute type) and
for the committee reader, (2) the statistics page of the last full month sends, for the
committee reader, and (3) the bare GROUP BY over the raw tables computing the month's
figures (bench.stats.figures_sql, without durable success): for each, its execution time,
the tables it reads and whether a date range on handlings or case_events could prune
yearly partitions."""

from __future__ import annotations

import os
import re
import sys
import tempfile
from datetime import timedelta

from sqlalchemy import event, select, text

from mediation_app import create_app
from mediation_app.auth.models import User
from mediation_app.db import db, utcnow
from mediation_app.directory.models import Region

from .case_list import DISPUTE_TYPE, READER_USERNAME, _signed_in
from .seed import MEDIATOR_USERNAME, PASSWORD
from .stats import _last_full_month, figures_sql

TABLES = ("cases", "handlings", "case_events", "stats_daily", "stats_handling_facts",
          "stats_overdue_stretches", "referrals", "parties", "regions", "institutions")


class _Captured:
    def __init__(self, engine):
        self.on = False
        self.found: list[tuple[str, object]] = []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, parameters, _context, _many):
        if self.on and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            self.found.append((statement, parameters))


def _explain(statement: str, parameters) -> dict:
    connection = db.session.connection()
    if parameters is None:  # literal SQL: the driver still reads % as a placeholder
        statement, parameters = statement.replace("%", "%%"), ()
    plan = [row[0] for row in connection.exec_driver_sql(
        "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).all()]
    db.session.rollback()
    time = next((line for line in plan if line.startswith("Execution Time")), "")
    scans = sorted({match for line in plan for match in
                    re.findall(r"(?:Seq|Index Only|Index|Bitmap Heap) Scan (?:using \w+ )?on "
                               r"(\w+)", line)})
    return {"ms": float(re.findall(r"[\d.]+", time)[0]) if time else None, "tables": scans,
            "plan": plan}


def _show(label: str, statement: str, parameters) -> float:
    found = _explain(statement, parameters)
    touches = [table for table in found["tables"] if table in ("handlings", "case_events")]
    print(f"  {label}: {found['ms']:.1f} ms; reads {', '.join(found['tables']) or '-'}"
          + (f"; of the yearly candidates: {', '.join(touches)}" if touches else
             "; neither handlings nor case_events"))
    if os.environ.get("BENCH_PLANS") == "1" or touches:
        for line in found["plan"]:
            if "Scan" in line or "Execution Time" in line or "Filter" in line \
                    or "Index Cond" in line or "Buffers" in line:
                print("      " + line.strip()[:160])
    return found["ms"] or 0.0


def _page(app, captured, client, url: str) -> list[tuple[str, object]]:
    captured.found, captured.on = [], True
    try:
        response = client.get(url)
    finally:
        captured.on = False
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code}")
    return captured.found


def _kept_history_app():
    """The app on the kept PostgreSQL history (BENCH_DATABASE_URL), storage in a temp dir."""
    url = os.environ["BENCH_DATABASE_URL"]
    if not url.startswith("postgresql"):
        raise SystemExit("BENCH_DATABASE_URL must name the kept PostgreSQL history")
    return create_app({"TESTING": True, "SECRET_KEY": "bench-secret", "WTF_CSRF_ENABLED": False,
                       "SQLALCHEMY_DATABASE_URI": url,
                       "MEDIATION_STORAGE": tempfile.mkdtemp(prefix="bench-storage-")})


def main() -> int:
    app = _kept_history_app()
    with app.app_context():
        print("rows per year (started_at of handlings, at of case_events):")
        for table, column in (("handlings", "started_at"), ("case_events", "at")):
            years = db.session.execute(text(
                f"SELECT extract(year FROM {column})::int, count(*) FROM {table} "
                "GROUP BY 1 ORDER BY 1")).all()
            print(f"  {table}: " + ", ".join(f"{year} {count:,}" for year, count in years))
        refs = db.session.execute(text(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint "
            "WHERE contype = 'f' AND confrelid = ANY('{handlings,case_events}'::regclass[]) "
            "ORDER BY 1, 2")).all()
        print(f"foreign keys referring to handlings or case_events ({len(refs)}): "
              + ", ".join(f"{table}.{name}" for table, name in refs))
        reader = db.session.scalar(select(User).where(User.username == READER_USERNAME))
        region = db.session.get(Region, reader.institution.region_id)
        month = _last_full_month(utcnow())
        db.session.remove()
        captured = _Captured(db.engine)
        clients = {"mediator": _signed_in(app, MEDIATOR_USERNAME, PASSWORD),
                   "reader": _signed_in(app, READER_USERNAME, PASSWORD)}
        pages = [("case list page 1, mediator, one dispute type", "mediator",
                  f"/cases/?dispute_type={DISPUTE_TYPE}"),
                 ("case list page 1, committee reader", "reader", "/cases/"),
                 (f"statistics page {month.start:%Y-%m}, committee reader", "reader",
                  f"/stats/?start={month.start}&end={month.end}")]
        for label, who, page in pages:
            _page(app, captured, clients[who], page)              # warm
            statements = _page(app, captured, clients[who], page)
            print(f"{label} ({page}): {len(statements)} SELECTs")
            total = sum(_show(f"#{number}", statement, parameters)
                        for number, (statement, parameters) in enumerate(statements, 1))
            print(f"  sum of execution times {total:.1f} ms")
        bare = figures_sql("postgresql", group=None, durable=False, months=6)
        parameters = {"root_like": region.path + "%", "root_id": region.id,
                      "root_code": region.code, "start": month.starts_at, "end": month.ends_at,
                      "judged": min(month.ends_at, utcnow()),
                      "span_start": month.starts_at, "span_end": month.ends_at}
        compiled = text(bare).bindparams(**{key: value for key, value in parameters.items()
                                            if f":{key}" in bare}).compile(
            dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
        print(f"bare GROUP BY over the raw tables, {month.start:%Y-%m}, "
              f"{region.name}'s subtree, without durable success:")
        _show("figures", str(compiled), None)
        year_only = str(compiled).replace(
            "WHERE h.is_mediation",
            f"WHERE h.started_at >= '{month.starts_at - timedelta(days=366)}' "
            "AND h.is_mediation")
        _show("the same, handlings started in the last year only (what pruning could skip)",
              year_only, None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
