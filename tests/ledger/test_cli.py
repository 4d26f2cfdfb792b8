import json

from sqlalchemy import func, select

from mediation_app.casefile.models import Case
from mediation_app.stats.jobs import run_sync
from mediation_app.stats.models import DirtyCase, HandlingFact

from .conftest import csv_text


def _invoke(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def _file(tmp_path, text, name="台账.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8-sig")
    return str(path)


def _cases(session):
    session.rollback()
    return session.scalar(select(func.count()).select_from(Case))


def test_ledger_import_imports_every_row_and_says_how_many(app, session, row, tmp_path):
    path = _file(tmp_path, csv_text([row(case_no="A-1"), row(case_no="A-2")]))
    result = _invoke(app, "ledger", "import", path)
    assert result.exit_code == 0, result.output
    assert "imported 2 cases" in result.output
    assert _cases(session) == 2
    verified = _invoke(app, "audit", "verify")
    assert verified.exit_code == 0 and "2 events checked" in verified.output


def test_ledger_import_leaves_the_roll_up_queued_and_says_when_figures_include_it(
        app, session, row, tmp_path):
    path = _file(tmp_path, csv_text([row(case_no="A-1"), row(case_no="A-2")]))

    result = _invoke(app, "ledger", "import", path)

    assert "the statistics will include the import within a minute" in result.output
    session.rollback()
    assert session.scalar(select(func.count(func.distinct(DirtyCase.case_id)))) == 2
    assert session.scalar(select(func.count()).select_from(HandlingFact)) == 0


def test_the_schedulers_next_roll_up_includes_the_imported_cases(app, session, row, tmp_path):
    _invoke(app, "ledger", "import", _file(tmp_path, csv_text([row(case_no="A-1"),
                                                                row(case_no="A-2")])))
    session.rollback()

    assert run_sync(app) == 2

    assert session.scalar(select(func.count()).select_from(DirtyCase)) == 0
    assert session.scalar(select(func.count()).select_from(HandlingFact)) == 2
    assert _received_in_march_2025(app) == 2


def test_a_reader_before_the_roll_up_counts_the_imported_cases(app, session, row, tmp_path):
    _invoke(app, "ledger", "import", _file(tmp_path, csv_text([row(case_no="A-1"),
                                                                row(case_no="A-2")])))
    session.rollback()

    assert _received_in_march_2025(app) == 2


def _received_in_march_2025(app) -> int:
    result = _invoke(app, "stats", "--from", "2025-03-01", "--to", "2025-03-31",
                     "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["totals"]["received"]


def test_ledger_import_dry_run_checks_and_writes_nothing(app, session, row, tmp_path):
    path = _file(tmp_path, csv_text([row(), row(), row()]))
    result = _invoke(app, "ledger", "import", path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "3 rows checked: no problems (dry run, nothing written)" in result.output
    assert _cases(session) == 0


def test_ledger_import_names_each_bad_row_exits_1_and_writes_nothing(app, session, row, tmp_path):
    path = _file(tmp_path, csv_text([row(), row(received_on="3月2日"), row(parties="1")]))
    result = _invoke(app, "ledger", "import", path)
    assert result.exit_code == 1
    assert "row 3, column received_on: '3月2日': must be a date YYYY-MM-DD" in result.output
    assert "row 4, column parties: a dispute has at least 2 parties" in result.output
    assert "nothing imported: 2 problem(s)" in result.output
    assert _cases(session) == 0


def test_ledger_import_refuses_a_file_that_is_not_utf8(app, session, row, tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(csv_text([row()]).encode("gbk"))
    result = _invoke(app, "ledger", "import", str(path))
    assert result.exit_code == 1 and "the file is not UTF-8 text" in result.output


def test_ledger_import_reads_xlsx_by_its_extension(app, session, row, tmp_path):
    from openpyxl import Workbook

    from mediation_app.ledger.columns import COLUMNS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    values = row(case_no="X-1", parties=3, amount=1200.5)
    sheet.append([values.get(column) for column in COLUMNS])
    workbook.save(tmp_path / "台账.xlsx")
    result = _invoke(app, "ledger", "import", str(tmp_path / "台账.xlsx"))
    assert result.exit_code == 0, result.output
    assert str(session.scalar(select(Case.amount))) == "1200.50"


def test_ledger_export_writes_the_file_and_says_how_many(app, session, row, tmp_path):
    _invoke(app, "ledger", "import", _file(tmp_path, csv_text([row(case_no="A-1")])))
    result = _invoke(app, "ledger", "export", str(tmp_path / "out.csv"), "--from", "2025-01-01",
                     "--region", "3208")
    assert result.exit_code == 0, result.output
    assert "exported 1 cases" in result.output
    lines = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("A-1,")
    xlsx = _invoke(app, "ledger", "export", str(tmp_path / "out.xlsx"))
    assert xlsx.exit_code == 0 and (tmp_path / "out.xlsx").stat().st_size > 0


def test_ledger_export_refuses_an_unknown_institution(app, world, tmp_path):
    result = _invoke(app, "ledger", "export", str(tmp_path / "out.csv"), "--institution", "NOPE")
    assert result.exit_code == 2 and "no institution with code NOPE" in result.output
    assert not (tmp_path / "out.csv").exists()
