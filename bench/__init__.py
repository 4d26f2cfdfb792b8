"""Benchmarks run by `make bench` (python -m bench), in sequence; BENCH_ONLY=name,name picks some.

case_list: the case list page against a bare Flask endpoint running the same SELECT.
Environment: BENCH_CASES (default 100000), BENCH_DATABASE_URL (default: a fresh SQLite
file in a temporary directory), BENCH_REPS (timed repetitions, default 40),
BENCH_DEEP_PAGE (default 200), BENCH_ANALYZE (1/0; default: on for PostgreSQL, off for SQLite),
BENCH_SETUP_SQL (statements separated by ';' run after seeding, e.g. a candidate index).

transition: POST /cases/<id>/transitions/accept against a bare endpoint doing the same
UPDATEs and COMMIT on other cases. BENCH_TRANSITIONS (timed requests per side, default 300).

agreement_pdf: the agreement PDF (render, sign, store) against a bare WeasyPrint render of
the same HTML. BENCH_PDF_REPS (default 30).

transition and agreement_pdf also honour BENCH_DATABASE_URL, and BENCH_PROFILE=1 (cProfile).
A PostgreSQL BENCH_DATABASE_URL must name a scratch database: its public schema is recreated.
Results are printed and written as JSON under bench/results/ (not versioned).
"""
