import io
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from mediation_app.audit.models import GENESIS, CaseEvent
from mediation_app.audit.services import verify_chains
from mediation_app.casefile.models import Case, CaseCounter, Handling, WorkflowVersion
from mediation_app.cases.services import next_case_number
from mediation_app.handlings.catalog import catalog
from mediation_app.ledger.jobs import jurisdiction
from mediation_app.ledger.models import LedgerStagingRow
from mediation_app.ledger.services import ImportRefused, import_ledger, read_csv

from .conftest import csv_text

NOW = datetime(2026, 6, 1, 2, 0)


def _import(session, text, *, dry_run=False, **options):
    options.setdefault("filename", "台账.csv")
    result = import_ledger(session, read_csv(io.StringIO(text)), dry_run=dry_run,
                           catalog=catalog(), now=NOW, **options)
    session.flush()
    return result


def _refusal(session, text, **options):
    with pytest.raises(ImportRefused) as refused:
        _import(session, text, **options)
    return refused.value


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def _handling(session, case_no):
    return session.scalar(select(Handling).join(Case).where(Case.case_no == case_no))


def test_a_good_ledger_creates_a_case_and_a_handling_per_row(session, row, world):
    rows = [
        row(case_no="A-1"),
        row(case_no="A-2", outcome="failure", agreement_amount="", amount=""),
        row(case_no="A-3", outcome="withdrawn", agreement_amount="", parties="5"),
        row(case_no="A-4", outcome="pending", concluded_on="", agreement_amount=""),
    ]
    result = _import(session, csv_text(rows))
    assert (result.checked, result.imported, result.dry_run) == (4, 4, False)

    success = _handling(session, "A-1")
    assert (success.outcome, success.state, success.agreement_amount) == (
        "success", "succeeded", Decimal("1000.00"))
    assert success.accepted_at == datetime(2025, 3, 2, 1, 0)      # 09:00 in China
    assert success.concluded_at == datetime(2025, 3, 20, 10, 0)   # 18:00 in China
    assert success.is_mediation and success.channel == "peoples"
    assert success.workflow_version.name == "peoples_committee"
    case = success.case
    assert (case.state, case.channel, case.holder_institution_id) == (
        "succeeded", "peoples", world.committee.id)
    assert case.closed_at == success.concluded_at and case.deadline_at is None
    assert (case.amount, case.party_count, case.summary) == (Decimal("1200.00"), 2, "邻里排水纠纷")
    assert case.filed_at == datetime(2025, 3, 2, 1, 0)

    assert _handling(session, "A-2").outcome == "failure"
    assert _handling(session, "A-2").case.amount is None
    assert _handling(session, "A-3").case.party_count == 5
    pending = _handling(session, "A-4")
    assert (pending.outcome, pending.state, pending.concluded_at) == (None, "accepted", None)
    assert pending.case.closed_at is None
    # accepted 2025-03-02: 30 days from the next day, ending with 1 April (Beijing), 23:59:59
    assert pending.case.deadline_at == datetime(2025, 4, 1, 15, 59, 59)


def test_each_imported_case_starts_its_audit_chain_and_the_chain_verifies(session, row):
    _import(session, csv_text([row(case_no="A-1"), row(case_no="A-2")]))
    session.commit()
    events = session.scalars(select(CaseEvent).order_by(CaseEvent.id)).all()
    assert [(e.seq, e.action, e.prev_hash) for e in events] == [(1, "case.imported", GENESIS)] * 2
    assert events[1].data == {"source": "ledger", "file": "台账.csv", "row": 3, "case_no": "A-2"}
    assert all(event.hash == event.compute_hash() for event in events)
    report = verify_chains(session)
    assert report.intact and (report.checked, report.cases) == (2, 2)


def test_bad_rows_are_each_reported_with_row_and_column_and_nothing_is_written(session, row, world):
    rows = [
        row(case_no="OK-1"),
        row(received_on="2025-02-30"),
        row(institution_code="NOPE"),
        row(parties="1", region_code="999"),
        row(outcome="failure"),
        row(outcome="success", concluded_on=""),
        row(outcome="pending", agreement_amount=""),
        row(amount="12.345"),
        row(channel="judicial"),
        row(concluded_on="2025-03-01"),
        row(institution_code=world.centre.code),
    ]
    refusal = _refusal(session, csv_text(rows))
    assert [str(problem) for problem in refusal.problems] == [
        "row 3, column received_on: '2025-02-30': no such date",
        "row 4, column institution_code: unknown institution NOPE",
        "row 5, column region_code: unknown region 999",
        "row 5, column parties: a dispute has at least 2 parties",
        "row 6, column agreement_amount: only for the outcome success",
        "row 7, column concluded_on: empty: required when the outcome is success",
        "row 8, column concluded_on: must be empty while the outcome is pending",
        "row 9, column amount: at most two decimals (fen)",
        (f"row 10, column channel: institution {world.committee.code} mediates under the channel "
         "peoples, not judicial"),
        "row 11, column concluded_on: is before received_on",
        (f"row 12, column institution_code: institution {world.centre.code} (governance_centre) "
         "does not mediate: its workflow governance_dispatch is not a mediation"),
    ]
    assert refusal.total == 11
    assert _count(session, Case) == 0 and _count(session, LedgerStagingRow) == 0


def test_a_dry_run_checks_every_row_and_writes_nothing(session, row):
    result = _import(session, csv_text([row(), row(outcome="pending", concluded_on="",
                                                    agreement_amount="")]), dry_run=True)
    assert (result.checked, result.imported, result.dry_run) == (2, 0, True)
    for model in (Case, Handling, CaseEvent, CaseCounter, LedgerStagingRow, WorkflowVersion):
        assert _count(session, model) == 0


def test_importing_the_same_case_numbers_again_is_refused(session, row):
    _import(session, csv_text([row(case_no="A-1"), row(case_no="A-2")]))
    refusal = _refusal(session, csv_text([row(case_no="A-3"), row(case_no="A-2")]))
    assert [str(p) for p in refusal.problems] == [
        "row 3, column case_no: A-2 already exists for this institution (imported before?)"]
    assert _count(session, Case) == 2


def test_a_case_number_twice_in_the_file_is_refused(session, row):
    rows = [row(case_no="A-1"), row(case_no="A-2"), row(case_no="A-1"), row(case_no="A-1")]
    refusal = _refusal(session, csv_text(rows))
    assert [str(p) for p in refusal.problems] == [
        "row 4, column case_no: A-1 is already on row 2",
        "row 5, column case_no: A-1 is already on row 2",
    ]
    assert _count(session, Case) == 0


def test_the_same_number_at_two_institutions_is_two_cases(session, row, world):
    _import(session, csv_text([row(case_no="7"), row(case_no="7", institution_code=world.faraway.code,
                                                    region_code="320803")]))
    assert _count(session, Case) == 2


def test_an_empty_case_no_gets_a_number_after_those_the_file_brings(session, row, world):
    rows = [row(case_no=""), row(case_no="（2025）浦楼调字第0007号"), row(case_no="")]
    _import(session, csv_text(rows))
    numbers = session.scalars(select(Case.case_no).order_by(Case.id)).all()
    assert numbers == ["（2025）浦楼调字第0008号", "（2025）浦楼调字第0007号",
                       "（2025）浦楼调字第0009号"]
    assert next_case_number(session, world.committee, 2025) == (10, "（2025）浦楼调字第0010号")


def test_a_number_of_another_form_keeps_its_text_and_takes_a_sequence(session, row):
    _import(session, csv_text([row(case_no="浦楼2025-17"), row(case_no="")]))
    cases = session.scalars(select(Case).order_by(Case.id)).all()
    assert [(c.case_no, c.year, c.seq) for c in cases] == [
        ("浦楼2025-17", 2025, 1), ("（2025）浦楼调字第0002号", 2025, 2)]


def test_chinese_headers_are_accepted(session, row):
    chinese = ["案号", "机构代码", "调解渠道", "来源", "纠纷类型", "地区代码", "受理日期", "结果",
               "办结日期", "当事人数", "涉及金额", "协议金额", "摘要"]
    assert _import(session, csv_text([row(case_no="A-1")], header=chinese)).imported == 1


def test_a_missing_column_is_reported_on_the_header_row(session, row):
    header = [column for column in csv_text([]).strip().split(",") if column != "parties"]
    refusal = _refusal(session, ",".join(header) + "\n")
    assert [str(p) for p in refusal.problems] == ["row 1, column parties: missing from the header"]


def test_blank_lines_keep_the_row_numbers_a_spreadsheet_shows(session, row):
    text = csv_text([row()]) + "\n" + csv_text([row(parties="x")]).split("\n", 1)[1]
    refusal = _refusal(session, text)
    assert [str(p) for p in refusal.problems] == [
        "row 4, column parties: 'x': must be a whole number"]


def test_rows_of_other_institutions_are_outside_a_mediators_jurisdiction(session, row, world, make):
    mediator = make.user(institution=world.committee)
    rows = [row(), row(institution_code=world.faraway.code, region_code="320803")]
    refusal = _refusal(session, csv_text(rows), may_import=jurisdiction(mediator), actor=mediator)
    assert [str(p) for p in refusal.problems] == [
        "row 3, column institution_code: institution outside your jurisdiction"]


def test_a_dispatcher_imports_anywhere_in_their_region(session, row, world, make):
    dispatcher = make.user(role="dispatcher", institution=world.centre)
    rows = [row(), row(institution_code=world.police.code, channel="administrative"),
            row(institution_code=world.faraway.code, region_code="320803")]
    refusal = _refusal(session, csv_text(rows), may_import=jurisdiction(dispatcher))
    assert [p.row for p in refusal.problems] == [4]
    result = _import(session, csv_text(rows[:2]), may_import=jurisdiction(dispatcher),
                     actor=dispatcher)
    assert result.imported == 2
    assert set(session.scalars(select(Case.filed_by_id))) == {dispatcher.id}


def test_problems_are_all_counted_but_only_the_first_thousand_kept(session, row):
    refusal = _refusal(session, csv_text([row(parties="1")] * 1200))
    assert (len(refusal.problems), refusal.total) == (1000, 1200)
    assert refusal.problems[-1].row == 1001


def test_progress_is_reported_per_batch_while_checking_then_writing(session, row):
    calls, phases = [], []
    _import(session, csv_text([row(case_no=f"A-{n}") for n in range(5)]), batch_size=2,
            progress=lambda done, total: calls.append((phases[-1], done, total)),
            on_phase=phases.append, total_rows=5)
    assert calls == [("checking", 2, 5), ("checking", 4, 5), ("checking", 5, 5),
                     ("writing", 2, 5), ("writing", 4, 5), ("writing", 5, 5)]


def test_rows_may_come_as_bare_dicts_with_chinese_keys(session, row):
    chinese = {"案号": "A-1", "机构代码": row()["institution_code"], "调解渠道": "peoples",
               "来源": "walk_in", "纠纷类型": "neighbour", "地区代码": "320812001",
               "受理日期": "2025-03-02", "结果": "pending", "办结日期": "", "当事人数": 3,
               "涉及金额": None, "协议金额": None, "摘要": "邻里纠纷"}
    result = import_ledger(session, iter([chinese]), dry_run=False, catalog=catalog(), now=NOW)
    assert result.imported == 1 and session.scalar(select(Case.party_count)) == 3
