"""The agreement PDF end to end against a bare WeasyPrint render of the same HTML.

Sets up, through the services (tests/factories.py), one case in mediation with an agreement
signed by both parties and the mediator, and the committee's demo certificate. From the
context issue_agreement() builds, renders the HTML once, then times, interleaved (the order
rotates each repetition), in one process:

  (a) bare:    weasyprint.HTML(string=html, base_url=reports/).write_pdf(font_config=shared)
               — default fetcher, so it loads reports/print.css just as the app does;
  (b) render:  documents.rendering.render_pdf(template, **context) — Jinja + the app's
               fetcher and shared FontConfiguration; no signing;
  (c) sign:    documents.signing.sign_pdf on the PDF of (b) with the demo PKCS#12;
  (d) issue:   documents.services.issue_agreement — render, certificate lookup and unlock,
               sign, hash, store, Document row and audit event — inside a SAVEPOINT that is
               rolled back afterwards (and the stored file deleted), so the DB stays small.
               The COMMIT of the signing request is not included.

Figures: (b)/(a) against the 1.2× target, (c) in ms and as a share of (d), (d)/(a), and
pages per second for (b) and (d). Results go to bench/results/agreement_pdf.json.
Inside (d) the time spent in render_pdf and sign_pdf is measured too (services' references to
them are wrapped with timers in this process), which splits (d) into render, sign and the rest.
Environment: BENCH_PDF_REPS (default 30), BENCH_DATABASE_URL (as the other benchmarks),
BENCH_PROFILE=1 (cProfile a few (a) and (b) renders and print where they differ).
"""

from __future__ import annotations

import cProfile
import gc
import io
import json
import logging
import os
import platform
import pstats
import secrets
import statistics
import sys
import tempfile
import time
import warnings
from io import BytesIO
from pathlib import Path

import weasyprint
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from sqlalchemy import func, select
from weasyprint.text.fonts import FontConfiguration

from mediation_app import create_app
from mediation_app.agreements.issuing import agreement_html_context, issue_agreement
from mediation_app.agreements.models import Agreement
from mediation_app.auth.models import User
from mediation_app.casefile.models import Handling
from mediation_app.db import db, utcnow
from mediation_app.documents import services as document_services
from mediation_app.documents.certificates import demo_pkcs12, store_certificate
from mediation_app.documents.models import Document
from mediation_app.documents.rendering import REPORTS, render_html, render_pdf
from mediation_app.documents.services import Issuer, common_context, new_code, spec_for
from mediation_app.documents.signing import check_signature, sign_pdf
from mediation_app.storage import Storage

from .case_list import StatementCounter, _env_int, _reset_postgres

RESULTS = Path(__file__).resolve().parent / "results" / "agreement_pdf.json"
TARGET = 1.2
WARMUP = 3
SCENARIOS = ("bare", "render", "sign", "issue")
LABELS = {
    "bare": "(a) bare WeasyPrint write_pdf",
    "render": "(b) app render_pdf (Jinja + WeasyPrint)",
    "sign": "(c) sign_pdf alone",
    "issue": "(d) issue_agreement end to end",
}


def pages(pdf: bytes) -> int:
    return int(PdfFileReader(BytesIO(pdf)).root["/Pages"]["/Count"])


class _Problems(logging.Handler):
    """WeasyPrint logs (rather than raises) a stylesheet or image it could not load."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _setup(issuer: Issuer, now):
    """One mediating case, its agreement signed by everyone, the committee's certificate."""
    from tests import factories

    make = factories.Factories(db.session)
    mediator = make.user(role="mediator", username="bench_pdf_mediator")
    case, _ = make.mediating_case(by=mediator)
    agreement = make.agreement(case, mediator)
    make.sign_everyone(agreement, case, mediator)           # no issuer: no document yet
    institution = next(h.institution for h in case.handlings if h.id == agreement.handling_id)
    passphrase = secrets.token_urlsafe(24).encode()
    p12 = demo_pkcs12(institution, passphrase, now=now)
    store_certificate(db.session, institution, p12, passphrase, storage=issuer.storage,
                      secret_key=issuer.secret_key, is_demo=True, now=now)
    db.session.commit()
    return mediator, case, agreement, institution, p12, passphrase


def _profile(call, times: int) -> cProfile.Profile:
    profiler = cProfile.Profile()
    for _ in range(times):
        profiler.enable()
        call()
        profiler.disable()
    return profiler


def _profile_diff(bare_profile: cProfile.Profile, render_profile: cProfile.Profile,
                  times: int) -> str:
    """Functions whose cumulative time per render differs most between (b) and (a)."""
    def per_call(profiler):
        table = {}
        for (filename, line, name), (_cc, _nc, _tt, cumulative, _callers) \
                in pstats.Stats(profiler).stats.items():
            key = f"{Path(filename).name}:{line}({name})"
            table[key] = table.get(key, 0.0) + cumulative / times
        return table

    bare, render = per_call(bare_profile), per_call(render_profile)
    rows = sorted(((render.get(key, 0.0) - bare.get(key, 0.0), key) for key in set(bare) | set(render)),
                  reverse=True)
    lines = ["    extra cumulative ms per render in (b) over (a), top 20:"]
    lines += [f"    {delta * 1000:9.2f}  (b) {render.get(key, 0) * 1000:8.2f}  "
              f"(a) {bare.get(key, 0) * 1000:8.2f}  {key}" for delta, key in rows[:20]]
    out = io.StringIO()
    pstats.Stats(render_profile, stream=out).strip_dirs().sort_stats("cumulative").print_stats(25)
    lines += ["", "    (b) render_pdf, cumulative:", out.getvalue()]
    return "\n".join(lines)


def run(tmp: str) -> dict:
    reps = _env_int("BENCH_PDF_REPS", 30)
    profile = os.environ.get("BENCH_PROFILE", "") == "1"
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'bench.db'}"
    dialect = "postgresql" if url.startswith("postgresql") else url.split(":", 1)[0]
    if dialect == "postgresql":
        print(f"resetting schema public of {url.rsplit('/', 1)[-1]} (BENCH_DATABASE_URL)")
        _reset_postgres(url)
    storage_root = Path(tmp) / "storage"
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "bench-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "MEDIATION_STORAGE": str(storage_root),
    })
    issuer = Issuer(storage=Storage(storage_root), secret_key="bench-secret",
                    public_url="http://127.0.0.1:5000/")
    problems = _Problems()
    logging.getLogger("weasyprint").addHandler(problems)

    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        now = utcnow()
        started = time.perf_counter()
        mediator, case, agreement, institution, p12, passphrase = _setup(issuer, now)
        setup_seconds = time.perf_counter() - started
        session = db.session
        mediator = session.get(User, mediator.id)
        agreement = session.get(Agreement, agreement.id)
        handling = session.get(Handling, agreement.handling_id)
        spec = spec_for(handling, "agreement", any_state=True)
        template, title = spec.template, spec.title
        context = {**common_context(case, handling, spec, issuer, new_code(), now),
                   **agreement_html_context(agreement, spec, draft=False)}
        html = render_html(template, **context)
        base_url = REPORTS.as_uri() + "/"
        shared_fonts = FontConfiguration()
        counter = StatementCounter(db.engine)

        def bare() -> bytes:
            return weasyprint.HTML(string=html, base_url=base_url).write_pdf(
                font_config=shared_fonts)

        def render() -> bytes:
            return render_pdf(template, **context)

        def sign() -> bytes:
            return sign_pdf(render_output, p12, passphrase, reason=title,
                            location=institution.name)

        issued: dict = {}
        inside: dict = {}          # seconds spent in render_pdf / sign_pdf during one (d)

        def timed(name, function):
            def wrapper(*args, **kwargs):
                started = time.perf_counter()
                try:
                    return function(*args, **kwargs)
                finally:
                    inside[name] = inside.get(name, 0.0) + time.perf_counter() - started
            return wrapper

        def issue() -> bytes:
            inside.clear()
            savepoint = session.begin_nested()
            try:
                document = issue_agreement(session, issuer, agreement, actor=mediator,
                                           now=utcnow())
                signed = issuer.storage.read(document.storage_key)
                issued["key"] = document.storage_key
            finally:
                savepoint.rollback()
            return signed

        calls = {"bare": bare, "render": render, "sign": sign, "issue": issue}

        # Warm up (the first render loads and indexes the fonts), and check the outputs.
        first_seconds = {}
        for name in ("bare", "render"):
            started = time.perf_counter()
            calls[name]()
            first_seconds[name] = time.perf_counter() - started
        if render_html(template, **context) != html:
            raise SystemExit("render_html is not deterministic for the same context")
        render_output = render()
        outputs = {}
        for _ in range(WARMUP):
            for name in SCENARIOS:
                outputs[name] = calls[name]()
                if name == "issue":
                    issuer.storage.delete(issued.pop("key"))
        if problems.messages:
            raise SystemExit(f"WeasyPrint could not load everything: {problems.messages[:3]}")
        page_counts = {name: pages(pdf) for name, pdf in outputs.items()}
        sizes = {name: len(pdf) for name, pdf in outputs.items()}
        if len(set(page_counts.values())) != 1:
            raise SystemExit(f"page counts differ: {page_counts}")
        weasyprint_log = logging.getLogger("weasyprint")
        weasyprint_log.disabled = True       # it says, rightly, that print.css has no base
        try:
            unstyled = weasyprint.HTML(string=html).write_pdf(font_config=shared_fonts)
        finally:
            weasyprint_log.disabled = False
        check = check_signature(outputs["issue"], (p12, passphrase))
        if not (check.unaltered and check.trusted):
            raise SystemExit(f"the issued PDF does not verify: {check}")

        statements = {}
        for name in SCENARIOS:
            with counter.capture():
                calls[name]()
                if name == "issue":
                    issuer.storage.delete(issued.pop("key"))
            statements[name] = list(counter.statements)

        samples = {name: [] for name in SCENARIOS}
        split = {"render": [], "sign": [], "rest": []}          # of each timed (d)
        parts = {"jinja": [], "open_pkcs12": []}
        originals = document_services.render_pdf, document_services.sign_pdf
        document_services.render_pdf = timed("render", originals[0])
        document_services.sign_pdf = timed("sign", originals[1])
        gc.collect()
        started_all = time.perf_counter()
        try:
            for rep in range(reps):
                order = SCENARIOS[rep % 4:] + SCENARIOS[:rep % 4]
                for name in order:
                    started = time.perf_counter()
                    calls[name]()
                    samples[name].append(time.perf_counter() - started)
                    if name == "issue":
                        issuer.storage.delete(issued.pop("key"))
                        split["render"].append(inside["render"])
                        split["sign"].append(inside["sign"])
                        split["rest"].append(samples[name][-1] - inside["render"]
                                             - inside["sign"])
                # the two cheap parts of (b) and (c), alone
                started = time.perf_counter()
                render_html(template, **context)
                parts["jinja"].append(time.perf_counter() - started)
                started = time.perf_counter()
                signers.SimpleSigner.load_pkcs12_data(p12, other_certs=[], passphrase=passphrase)
                parts["open_pkcs12"].append(time.perf_counter() - started)
        finally:
            document_services.render_pdf, document_services.sign_pdf = originals
        timed_seconds = time.perf_counter() - started_all

        profile_text = None
        if profile:
            times = 5
            profile_text = _profile_diff(_profile(bare, times), _profile(render, times), times)
            out = io.StringIO()
            stats = pstats.Stats(_profile(sign, times), stream=out).strip_dirs()
            stats.sort_stats("tottime").print_stats(12)
            profile_text += "\n    (c) sign_pdf, by own time:\n" + out.getvalue()

        documents_left = session.scalar(select(func.count()).select_from(Document))
        stored_left = sum(1 for path in (storage_root / "documents").rglob("*") if path.is_file()) \
            if (storage_root / "documents").exists() else 0
        session.rollback()
        db.session.remove()
        db.engine.dispose()
    logging.getLogger("weasyprint").removeHandler(problems)

    medians = {name: statistics.median(values) for name, values in samples.items()}
    n_pages = page_counts["render"]
    ms = {name: round(value * 1000, 1) for name, value in medians.items()}
    return {
        "benchmark": "agreement_pdf",
        "database": dialect,
        "python": platform.python_version(),
        "weasyprint": weasyprint.__version__,
        "template": template,
        "html_chars": len(html),
        "signatures_on_page": len(context["signatures"]),
        "setup_seconds": round(setup_seconds, 2),
        "first_render_ms": {name: round(value * 1000, 1) for name, value in first_seconds.items()},
        "repetitions": reps,
        "timed_seconds": round(timed_seconds, 1),
        "pages": n_pages,
        "pdf_bytes": sizes,
        "pdf_bytes_without_print_css": len(unstyled),
        "pages_without_print_css": pages(unstyled),
        "median_ms": ms,
        "p90_ms": {name: round(statistics.quantiles(values, n=10)[-1] * 1000, 1)
                   for name, values in samples.items()},
        "min_ms": {name: round(min(values) * 1000, 1) for name, values in samples.items()},
        "parts_median_ms": {name: round(statistics.median(values) * 1000, 2)
                            for name, values in parts.items()},
        "target_ratio": TARGET,
        "ratio_render_over_bare": round(medians["render"] / medians["bare"], 3),
        "ratio_issue_over_bare": round(medians["issue"] / medians["bare"], 3),
        "paired_ratio_render_over_bare": round(statistics.median(
            b / a for b, a in zip(samples["render"], samples["bare"])), 3),
        "paired_ratio_issue_over_bare": round(statistics.median(
            d / a for d, a in zip(samples["issue"], samples["bare"])), 3),
        "sign_share_of_issue": round(medians["sign"] / medians["issue"], 3),
        "issue_split_median_ms": {part: round(statistics.median(values) * 1000, 1)
                                  for part, values in split.items()},
        "issue_sign_share_measured_inside": round(
            statistics.median(s / t for s, t in zip(split["sign"], samples["issue"])), 3),
        "pages_per_second": {"render": round(n_pages / medians["render"], 2),
                             "issue": round(n_pages / medians["issue"], 2),
                             "bare": round(n_pages / medians["bare"], 2)},
        "sql_statements": {name: len(found) for name, found in statements.items()},
        "issue_sql": statements["issue"],
        "signature_check": {"unaltered": check.unaltered, "trusted": check.trusted,
                            "signer": check.signer},
        "left_behind": {"documents": documents_left, "stored_files": stored_left},
        "profile": profile_text,
    }


def report(r: dict) -> str:
    ms, p90 = r["median_ms"], r["p90_ms"]
    ratio = r["ratio_render_over_bare"]
    verdict = "met" if ratio <= r["target_ratio"] else f"NOT met ({ratio:.2f}×)"
    lines = [
        (f"agreement PDF benchmark — WeasyPrint {r['weasyprint']}, Python {r['python']}, "
         f"{r['database']}"),
        (f"  {r['template']}: {r['html_chars']:,} characters of HTML, "
         f"{r['signatures_on_page']} signature images, {r['pages']} page(s); PDF "
         f"{r['pdf_bytes']['render']:,} bytes unsigned, {r['pdf_bytes']['issue']:,} signed "
         f"(without print.css it would be {r['pages_without_print_css']} page(s), "
         f"{r['pdf_bytes_without_print_css']:,} bytes)"),
        (f"  first renders (fonts loading): bare {r['first_render_ms']['bare']:.0f} ms, "
         f"app {r['first_render_ms']['render']:.0f} ms; then medians of {r['repetitions']} "
         f"interleaved repetitions ({r['timed_seconds']:.0f} s):"),
    ]
    for name in SCENARIOS:
        lines.append(f"  {LABELS[name]:<42} {ms[name]:8.1f} ms   (p90 {p90[name]:.1f}, "
                     f"min {r['min_ms'][name]:.1f}; SQL {r['sql_statements'][name]})")
    lines += [
        (f"  (b)/(a) = {ratio:.2f}× (median of per-repetition ratios "
         f"{r['paired_ratio_render_over_bare']:.2f}×)   "
         f"target ≤ {r['target_ratio']:g}× without signing: {verdict}"),
        (f"  (b) − (a) = {ms['render'] - ms['bare']:.1f} ms; Jinja render_html alone "
         f"{r['parts_median_ms']['jinja']:.2f} ms; opening the PKCS#12 alone "
         f"{r['parts_median_ms']['open_pkcs12']:.1f} ms (part of every sign_pdf)"),
        (f"  signing (c) = {ms['sign']:.1f} ms = {r['sign_share_of_issue']:.0%} of (d) "
         f"(medians); measured inside each (d): render {r['issue_split_median_ms']['render']:.1f}"
         f" ms, sign {r['issue_split_median_ms']['sign']:.1f} ms "
         f"({r['issue_sign_share_measured_inside']:.0%}), rest (certificate lookup and unlock, "
         f"hash, store, DB) {r['issue_split_median_ms']['rest']:.1f} ms"),
        (f"  (d)/(a) = {r['ratio_issue_over_bare']:.2f}× (median of per-repetition ratios "
         f"{r['paired_ratio_issue_over_bare']:.2f}×)"),
        (f"  pages per second: render (b) {r['pages_per_second']['render']:.2f}, "
         f"end to end (d) {r['pages_per_second']['issue']:.2f} "
         f"(bare (a) {r['pages_per_second']['bare']:.2f})"),
        (f"  issued PDF verifies: unaltered={r['signature_check']['unaltered']}, "
         f"trusted={r['signature_check']['trusted']}; left behind: "
         f"{r['left_behind']['documents']} documents, {r['left_behind']['stored_files']} files"),
    ]
    return "\n".join(lines)


def main() -> int:
    warnings.filterwarnings("ignore", message=".*in-memory storage.*")
    with tempfile.TemporaryDirectory(prefix="mediation-bench-") as tmp:
        results = run(tmp)
    print()
    print(report(results))
    if results["profile"]:
        print("\n  cProfile, 5 calls each of (a), (b) and (c):")
        print(results["profile"])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    shown = RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS
    print(f"  results written to {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
