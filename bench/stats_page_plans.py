"""`python -m bench.stats_page_plans` — EXPLAIN (ANALYZE, BUFFERS) of every statement the
statistics page of the last full month sends for the committee reader, on the kept history
(BENCH_DATABASE_URL, seeded by `python -m bench.seed_keep N` and rolled up by
`flask stats rebuild`): per statement its execution time and the tables it reads, then the
sum. BENCH_PLANS=1 prints each plan in full; BENCH_STATS_URL picks another page address
(default: /stats/ for the last full month)."""

from __future__ import annotations

import os
import sys

from sqlalchemy import select

from mediation_app.auth.models import User
from mediation_app.db import db, utcnow

from .case_list import READER_USERNAME, _signed_in
from .partition_plans import _Captured, _explain, _kept_history_app, _page
from .seed import PASSWORD
from .stats import _last_full_month


def main() -> int:
    app = _kept_history_app()
    full = os.environ.get("BENCH_PLANS") == "1"
    with app.app_context():
        if db.session.scalar(select(User.id).where(User.username == READER_USERNAME)) is None:
            raise SystemExit("no committee reader in the kept history")
        month = _last_full_month(utcnow())
        page = os.environ.get("BENCH_STATS_URL",
                              f"/stats/?start={month.start}&end={month.end}")
        db.session.remove()
        captured = _Captured(db.engine)
        client = _signed_in(app, READER_USERNAME, PASSWORD)
        _page(app, captured, client, page)                        # warm
        statements = _page(app, captured, client, page)
        print(f"statistics page {page}, committee reader: {len(statements)} SELECTs")
        total = 0.0
        for number, (statement, parameters) in enumerate(statements, 1):
            found = _explain(statement, parameters)
            total += found["ms"] or 0.0
            first = " ".join(statement.split())[:110]
            print(f"  #{number}: {found['ms']:.1f} ms; reads "
                  f"{', '.join(found['tables']) or '-'}; {first}")
            if full:
                for line in found["plan"]:
                    print("      " + line)
        print(f"  sum of execution times {total:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
