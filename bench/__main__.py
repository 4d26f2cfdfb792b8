"""`python -m bench` — run every benchmark in sequence: case_list, transition, agreement_pdf,
stats, monthly_report, ledger_import.

BENCH_ONLY=transition,agreement_pdf (comma-separated names) runs only those, in that order.
filing and mixed_load run only when named there: they need the history kept in
BENCH_DATABASE_URL (python -m bench.seed_keep N) and serve the app with gunicorn.
"""

import importlib
import os
import sys

BENCHMARKS = ("case_list", "transition", "agreement_pdf", "stats", "monthly_report",
              "ledger_import")
ON_KEPT_HISTORY = ("filing", "mixed_load")


def selected() -> list[str]:
    wanted = [name.strip() for name in os.environ.get("BENCH_ONLY", "").split(",")
              if name.strip()]
    known = BENCHMARKS + ON_KEPT_HISTORY
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise SystemExit(f"BENCH_ONLY: unknown benchmark(s) {', '.join(unknown)}; "
                         f"choose from {', '.join(known)}")
    return wanted or list(BENCHMARKS)


def main() -> int:
    status = 0
    names = selected()
    for position, name in enumerate(names):
        if position:
            print()
        print(f"=== {name} ===", flush=True)
        module = importlib.import_module(f"{__package__}.{name}")
        status = module.main() or status
    return status


if __name__ == "__main__":
    sys.exit(main())
