"""Benchmarks run by `make bench` (python -m bench), in sequence; BENCH_ONLY=name,name picks some.

case_list: the case list page against a bare Flask endpoint running the same SELECT with a
minimal template. Environment: BENCH_CASES (default 100000), BENCH_DATABASE_URL (default: a
fresh SQLite file in a temporary directory), BENCH_REUSE=1 (read the history kept there by
`python -m bench.seed_keep N` instead of seeding; adds page 1 unfiltered for the committee's
mediator and for the committee reader), BENCH_REPS (timed repetitions, default 40),
BENCH_DEEP_PAGE (default 200), BENCH_ANALYZE (1/0; default: on for PostgreSQL, off for SQLite),
BENCH_SETUP_SQL (statements separated by ';' run after seeding, e.g. a candidate index).

transition: POST /cases/<id>/transitions/accept against a bare endpoint doing the same
UPDATEs and COMMIT on other cases. BENCH_TRANSITIONS (timed requests per side, default 300).

agreement_pdf: the agreement PDF (render, sign, store) against a bare WeasyPrint render of
the same HTML. BENCH_PDF_REPS (default 30).

stats: the statistics page's queries (statistics, referral_statistics, the trend chart) for a
month and a year against hand-written GROUP BY statements computing the same figures on the
same seeded history (target ≤ 1.5×). BENCH_CASES (default 100000), BENCH_STATS_REPS,
BENCH_STATS_BUDGET, BENCH_STATS_TIMEOUT (app calls are interrupted after it, default 10 s),
BENCH_STATS_SHAPES.

monthly_report: generate_monthly_report end to end against bare SQL for the same numbers plus
a bare WeasyPrint render of the same HTML. BENCH_MONTHLY_CASES (default 20000),
BENCH_MONTHLY_REPS (default 5).

ledger_import: `flask ledger import FILE` rows/s and peak memory (ru_maxrss of the
subprocess, tracemalloc) against bare executemany INSERTs of the same CSV rows.
BENCH_LEDGER_ROWS (default 100000; e.g. 1000000), BENCH_LEDGER_REPS; on PostgreSQL also bare
COPY into cases + handlings. BENCH_REUSE=1 imports on top of the kept history and removes
what each run wrote.

On the kept history only (BENCH_DATABASE_URL as seeded by bench.seed_keep; the app served by
gunicorn with the Procfile's settings, WEB_WORKERS sync workers; bench/server.py):
filing: POST /cases/new from 4 clients against a bare INSERT endpoint, filings/s.
BENCH_FILING_CLIENTS (4), BENCH_FILING_SECONDS (10 a window), BENCH_FILING_WINDOWS (3 a side).
mixed_load: locust, headless and bounded (bench/locustfile.py): 20 users, 40 % list, 40 %
detail, 15 % filing, 5 % statistics, against the same mix on bare endpoints.
BENCH_MIXED_USERS (20), BENCH_MIXED_SECONDS (60 a side), BENCH_MIXED_SIDES (real,bare),
BENCH_LOCUST (the locust executable; setup.cfg's `bench` extra installs locust).

transition, agreement_pdf, stats, monthly_report and ledger_import also honour
BENCH_DATABASE_URL, and BENCH_PROFILE=1 (cProfile) where it says so.
A PostgreSQL BENCH_DATABASE_URL must name a scratch database: its public schema is recreated.
Results are printed and written as JSON under bench/results/ (not versioned).
"""
