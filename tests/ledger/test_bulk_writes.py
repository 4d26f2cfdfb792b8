"""The import's bulk writes: COPY on PostgreSQL (ledger.bulk), executemany on SQLite. Either
way the writing is all or nothing, and the statistics rolled up from what it wrote are the
reference query's figures."""

import io
import os
import random
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, func, insert, select

from mediation_app.audit.models import AuditHead, CaseEvent
from mediation_app.audit.services import verify_chains
from mediation_app.casefile.models import Case, CaseCounter, Handling
from mediation_app.db import db
from mediation_app.handlings.catalog import catalog
from mediation_app.ledger import services
from mediation_app.ledger.models import LedgerStagingRow
from mediation_app.ledger.services import ImportRefused, import_ledger, read_csv
from mediation_app.stats import maintenance
from mediation_app.stats.models import DirtyCase, HandlingFact

from ..stats.test_rollups import NOW as STATS_NOW
from ..stats.test_rollups import _compare
from .conftest import csv_text

POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
on_postgres = pytest.mark.skipif(not POSTGRES, reason="COPY is PostgreSQL's")
WRITTEN = (Case, Handling, CaseEvent, AuditHead, LedgerStagingRow)


def _import(session, text, **options):
    options.setdefault("filename", "台账.csv")
    options.setdefault("now", datetime(2026, 6, 1, 2, 0))
    result = import_ledger(session, read_csv(io.StringIO(text)), dry_run=False,
                           catalog=catalog(), **options)
    session.flush()
    return result


def _counts(session) -> dict:
    return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (*WRITTEN, CaseCounter)}


@on_postgres
def test_on_postgresql_the_import_writes_its_rows_with_copy_not_insert(app, session, row):
    sent = []

    def remember(_connection, _cursor, statement, *_args):
        sent.append(statement.split("(", 1)[0].strip())

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        _import(session, csv_text([row(case_no=f"A-{n}") for n in range(5)]), batch_size=2)
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    inserts = {statement for statement in sent if statement.startswith("INSERT INTO")}
    assert not inserts & {f"INSERT INTO {model.__tablename__}" for model in WRITTEN}
    assert "INSERT INTO case_counters" in inserts   # the counter, created on first use
    assert _counts(session) == {"cases": 5, "handlings": 5, "case_events": 5, "audit_heads": 5,
                                "case_counters": 1, "ledger_staging_rows": 0}
    report = verify_chains(session)
    assert report.intact and report.checked == 5


def test_a_bad_row_in_the_middle_of_a_file_of_several_batches_writes_nothing(session, row):
    rows = [row(case_no=f"A-{n}") for n in range(7)]
    rows[3] = row(case_no="A-3", received_on="2025-02-30")
    with pytest.raises(ImportRefused) as refused:
        _import(session, csv_text(rows), batch_size=2)
    assert [str(problem) for problem in refused.value.problems] == [
        "row 5, column received_on: '2025-02-30': no such date"]
    assert _counts(session) == dict.fromkeys(
        ("cases", "handlings", "case_events", "audit_heads", "case_counters",
         "ledger_staging_rows"), 0)


@on_postgres
def test_a_number_taken_while_copying_the_second_batch_leaves_nothing_of_the_first(
        app, session, row, world, tmp_path, monkeypatch):
    original = services.create_cases

    def taken_meanwhile(session_, key, directory, **options):
        with db.engine.begin() as other:  # another filer takes row 5's number, and commits
            other.execute(insert(Case.__table__), [{
                "case_no": "A-3", "numbering_institution_id": world.committee.id,
                "year": 2025, "seq": 900, "dispute_type": "neighbour", "source": "walk_in",
                "region_id": world.town.id, "summary": "先登记的案件",
                "received_on": date(2025, 3, 1), "holder_institution_id": world.committee.id,
                "state": "accepted"}])
        return original(session_, key, directory, **{**options, "batch_size": 2})

    monkeypatch.setattr(services, "create_cases", taken_meanwhile)
    path = tmp_path / "台账.csv"
    path.write_text(csv_text([row(case_no=f"A-{n}") for n in range(5)]), encoding="utf-8")

    result = app.test_cli_runner().invoke(args=["ledger", "import", str(path)])

    assert result.exit_code == 1
    assert "nothing imported: a case number was taken while importing" in result.output
    session.rollback()
    assert session.scalars(select(Case.summary)).all() == ["先登记的案件"]
    assert _counts(session) == {"cases": 1, "handlings": 0, "case_events": 0, "audit_heads": 0,
                                "case_counters": 0, "ledger_staging_rows": 0}


def _varied_rows(world, n: int) -> list[dict]:
    """Rows over August–December 2026: every outcome, three dispute types, the town, the
    district and the other district, the committee and the police station."""
    rng = random.Random(7)
    rows = []
    for index in range(n):
        received = date(2026, 8, 1) + timedelta(days=rng.randint(0, 150))
        outcome = rng.choice(("success", "success", "failure", "withdrawn", "pending"))
        concluded = min(received + timedelta(days=rng.randint(0, 40)), date(2027, 1, 19))
        institution, channel = rng.choice(((world.committee, "peoples"),
                                           (world.police, "administrative")))
        region = rng.choice(("320812001", "320812", "320803"))
        rows.append({
            "case_no": f"S-{index}", "institution_code": institution.code, "channel": channel,
            "source": "walk_in", "dispute_type": rng.choice(("neighbour", "labour", "loan")),
            "region_code": region, "received_on": received.isoformat(), "outcome": outcome,
            "concluded_on": "" if outcome == "pending" else concluded.isoformat(),
            "parties": str(rng.choice((2, 3, 6))), "amount": f"{rng.randint(0, 9999)}.50",
            "agreement_amount": f"{rng.randint(0, 999)}.00" if outcome == "success" else "",
            "summary": "纠纷"})
    return rows


def test_the_figures_after_an_import_are_the_reference_querys(session, world):
    maintenance.rebuild(session)                    # the rollups as of before the import
    imported = _import(session, csv_text(_varied_rows(world, 60)), batch_size=25,
                       now=STATS_NOW).imported

    assert session.scalar(select(func.count(func.distinct(DirtyCase.case_id)))) == imported
    maintenance.sync(session)                       # as the next reader does

    assert session.scalar(select(func.count()).select_from(DirtyCase)) == 0
    assert session.scalar(select(func.count()).select_from(HandlingFact)) == imported
    _compare(session, world.district, [world.town], [(world.committee.id, "peoples_committee")])
