"""`python -m bench` — run every benchmark in sequence: case_list, transition, agreement_pdf,
stats, monthly_report, ledger_import.

BENCH_ONLY=transition,agreement_pdf (comma-separated names) runs only those, in that order.
"""

import importlib
import os
import sys

BENCHMARKS = ("case_list", "transition", "agreement_pdf", "stats", "monthly_report",
              "ledger_import")


def selected() -> list[str]:
    wanted = [name.strip() for name in os.environ.get("BENCH_ONLY", "").split(",")
              if name.strip()]
    unknown = [name for name in wanted if name not in BENCHMARKS]
    if unknown:
        raise SystemExit(f"BENCH_ONLY: unknown benchmark(s) {', '.join(unknown)}; "
                         f"choose from {', '.join(BENCHMARKS)}")
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
