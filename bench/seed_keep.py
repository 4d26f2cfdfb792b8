"""`python -m bench.seed_keep N` — seed the two-year history of N cases ONCE into
BENCH_DATABASE_URL (PostgreSQL: COPY) and keep it; benchmarks that honour BENCH_REUSE=1
(rollups) then run against it without reseeding. Writes what was seeded to
bench/results/history-<database>.json. The database's public schema is recreated."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from mediation_app import create_app
from mediation_app.db import db

from .case_list import _analyze, _reset_postgres
from .seed import seed_history

RESULTS = Path(__file__).resolve().parent / "results"


def history_file(url: str) -> Path:
    return RESULTS / f"history-{url.rsplit('/', 1)[-1]}.json"


def main() -> int:
    n_cases = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    url = os.environ["BENCH_DATABASE_URL"]
    if not url.startswith("postgresql"):
        raise SystemExit("BENCH_DATABASE_URL must name a PostgreSQL scratch database")
    _reset_postgres(url)
    app = create_app({"TESTING": True, "SECRET_KEY": "bench-secret",
                      "SQLALCHEMY_DATABASE_URI": url,
                      "MEDIATION_STORAGE": tempfile.mkdtemp(prefix="bench-storage-")})
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        print(f"seeding {n_cases:,} cases of history with COPY ...", flush=True)
        seeded = seed_history(n_cases)
        started = time.perf_counter()
        _analyze(db.engine)
        analyzed = time.perf_counter() - started
    found = {**asdict(seeded), "analyze_seconds": round(analyzed, 1), "url": url}
    RESULTS.mkdir(exist_ok=True)
    history_file(url).write_text(json.dumps(found, ensure_ascii=False, indent=2))
    print(f"seeded in {seeded.seconds:.1f} s (+ ANALYZE {analyzed:.1f} s): "
          f"{seeded.handlings:,} handlings, {seeded.parties:,} parties, "
          f"referrals {seeded.referrals}, escalations {seeded.escalations:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
