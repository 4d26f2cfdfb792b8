"""Benchmarks run by `make bench` (python -m bench).

case_list: the case list page against a bare Flask endpoint running the same SELECT.
Environment: BENCH_CASES (default 100000), BENCH_DATABASE_URL (default: a fresh SQLite
file in a temporary directory), BENCH_REPS (timed repetitions, default 40),
BENCH_DEEP_PAGE (default 200), BENCH_ANALYZE (1/0; default: on for PostgreSQL, off for SQLite),
BENCH_SETUP_SQL (statements separated by ';' run after seeding, e.g. a candidate index).
A PostgreSQL BENCH_DATABASE_URL must name a scratch database: its public schema is recreated.
"""
