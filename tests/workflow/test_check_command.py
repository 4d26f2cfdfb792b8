"""`flask workflows check [FILES...]`: OK per definition and exit 0, or every problem as
path:line: message on its own line and exit 1, never a traceback."""

import shutil
from pathlib import Path

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
SHIPPED = sorted(WORKFLOWS.glob("*.yaml"))

BROKEN = """\
name: broken
version: 1
title: Broken
institution_kinds: [peoples_committee]
states:
  - {name: registered, label: 登记, initial: true, deadline: {days: 0}}
  - {name: done, label: 完成, outcome: success}
transitions:
  - {name: finish, label: 完成, from: [registered], to: done, roles: [judge]}
  - {name: finish_later, label: 稍后, from: [registered], to: finished, roles: [mediator]}
"""


def check(app, *files):
    return app.test_cli_runner().invoke(args=["workflows", "check", *map(str, files)])


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def assert_exited_cleanly(result, code):
    """Exited by sys.exit(code), not by an exception escaping the command."""
    assert result.exit_code == code, result.output
    if code:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    else:
        assert result.exception is None, repr(result.exception)
    assert "Traceback" not in result.output


def test_checking_the_shipped_folder_reports_every_workflow_ok(app):
    result = check(app)

    assert_exited_cleanly(result, 0)
    workflows = result.output.splitlines()[:-1]     # the review checklist's line comes last
    assert [line.split(" ")[1] for line in workflows] == [path.stem for path in SHIPPED]
    assert all(line.startswith("OK ") for line in result.output.splitlines())


def test_an_ok_line_names_the_workflow_its_version_and_title(app):
    result = check(app)

    assert "OK peoples_committee v2: 人民调解委员会调解" in result.output.splitlines()


def test_checking_every_shipped_file_by_name_passes(app):
    result = check(app, *SHIPPED)

    assert_exited_cleanly(result, 0)
    assert len(result.output.splitlines()) == len(SHIPPED)


def test_a_broken_file_fails_with_every_problem_as_path_line_message(app, tmp_path):
    path = write(tmp_path, "broken.yaml", BROKEN)

    result = check(app, path)

    assert_exited_cleanly(result, 1)
    assert result.output.splitlines() == [
        f"{path}:6: bad deadline: days must be a whole number 1–366, not 0",
        f"{path}:9: unknown role 'judge'",
        f"{path}:10: unknown state 'finished'",
    ]


def test_nothing_is_reported_ok_when_one_file_among_many_is_broken(app, tmp_path):
    path = write(tmp_path, "broken.yaml", BROKEN)

    result = check(app, *SHIPPED, path)

    assert_exited_cleanly(result, 1)
    assert "OK " not in result.output
    assert all(line.startswith(f"{path}:") for line in result.output.splitlines())


def test_a_missing_file_fails_as_cannot_be_read(app, tmp_path):
    missing = tmp_path / "missing.yaml"

    result = check(app, missing)

    assert_exited_cleanly(result, 1)
    assert result.output.splitlines() == [f"{missing}:1: cannot be read"]


def test_a_missing_file_is_reported_alongside_the_problems_of_the_others(app, tmp_path):
    missing = tmp_path / "missing.yaml"
    broken = write(tmp_path, "broken.yaml", BROKEN)

    result = check(app, missing, broken)

    assert_exited_cleanly(result, 1)
    assert result.output.splitlines()[0] == f"{missing}:1: cannot be read"
    assert f"{broken}:9: unknown role 'judge'" in result.output.splitlines()


def test_invalid_yaml_fails_with_the_line_of_the_error_and_no_traceback(app, tmp_path):
    path = write(tmp_path, "invalid.yaml", "name: invalid\nversion: 1\ntitle: a: b\n")

    result = check(app, path)

    assert_exited_cleanly(result, 1)
    assert result.output.splitlines() == [
        f"{path}:3: not valid YAML: mapping values are not allowed here"]


def test_two_files_with_the_same_workflow_name_fail(app, tmp_path):
    first = tmp_path / "a.yaml"
    second = tmp_path / "b.yaml"
    shutil.copy(WORKFLOWS / "governance_dispatch.yaml", first)
    shutil.copy(WORKFLOWS / "governance_dispatch.yaml", second)

    result = check(app, first, second)

    assert_exited_cleanly(result, 1)
    assert result.output.splitlines() == [
        f"{second}:1: name 'governance_dispatch' is also used by {first}"]


def test_a_folder_where_a_sent_referral_kind_has_no_receiver_fails(other_app, tmp_path):
    folder = tmp_path / "workflows"
    for beside in ("routing", "review", "translations"):  # what the app reads besides workflows
        shutil.copytree(WORKFLOWS / beside, folder / beside)
    for name in ("procuratorate.yaml", "governance_dispatch.yaml"):
        shutil.copy(WORKFLOWS / name, folder / name)

    result = check(other_app(WORKFLOWS_DIR=str(folder)))

    assert_exited_cleanly(result, 1)
    assert result.output.splitlines() == [
        (f"{folder / 'procuratorate.yaml'}:1: sends 'procuratorate_mediation' but no workflow "
        "receives it")]


def test_a_file_that_is_not_utf8_fails_as_a_problem_not_a_crash(app, tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: café\n".encode("latin-1"))

    result = check(app, path)

    assert_exited_cleanly(result, 1)
    assert result.output.startswith(f"{path}:")


def test_a_shipped_file_checked_on_its_own_passes(app):
    result = check(app, WORKFLOWS / "peoples_committee.yaml")

    assert_exited_cleanly(result, 0)
    assert result.output.splitlines() == ["OK peoples_committee v2: 人民调解委员会调解"]


def test_a_workflow_naming_a_missing_template_fails_with_file_and_line(app, tmp_path):
    """Documents are data: every template a workflow names must exist in reports/."""
    text = (WORKFLOWS / "labour.yaml").read_text(encoding="utf-8").replace(
        "template: agreement_labour.html", "template: no_such_form.html")
    path = write(tmp_path, "labour.yaml", text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "no_such_form.html" in row)

    result = check(app, path)

    assert_exited_cleanly(result, 1)
    assert f"{path}:{line}: template 'no_such_form.html' does not exist in reports/" in result.output


def test_a_label_without_english_is_reported_at_its_line(app, tmp_path):
    shutil.copy(WORKFLOWS / "peoples_committee.yaml", tmp_path / "peoples_committee.yaml")
    text = (tmp_path / "peoples_committee.yaml").read_text(encoding="utf-8")
    path = write(tmp_path, "peoples_committee.yaml", text.replace("label: 调解中", "label: 调解进行中"))
    line = next(n for n, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if "调解进行中" in row)

    result = check(app, path)

    assert_exited_cleanly(result, 1)
    assert (f"{path}:{line}: '调解进行中' has no English in workflows/translations/en.yaml"
            in result.output.splitlines())


def test_a_referral_enclosing_a_document_the_workflow_does_not_issue_fails_with_file_and_line(
        app, tmp_path):
    """A referral carries only documents its own workflow issues (the 司法确认申请书 of the
    people's-mediation committee, 民事诉讼法 第二百零五条): naming another fails the check."""
    text = (WORKFLOWS / "peoples_committee.yaml").read_text(encoding="utf-8")
    start = text.index("  - {kind: confirmation_application")
    text = text[:start] + text[text.index("outcome_reasons:"):]
    path = write(tmp_path, "peoples_committee.yaml", text)
    line = next(n for n, row in enumerate(text.splitlines(), 1)
                if "encloses: [confirmation_application]" in row)

    result = check(app, path)

    assert_exited_cleanly(result, 1)
    assert (f"{path}:{line}: enclosed document 'confirmation_application' is not among this "
            "workflow's documents") in result.output


# --- the review checklist (workflows/review/checklist.yaml) -------------------------------

CHECKLIST = WORKFLOWS / "review" / "checklist.yaml"
BAD_CHECKLIST = """\
name: 案件评查表
grades:
  - {code: good, label: 良好, en: Good, min: 80}
  - {code: good, label: 合格, en: Pass, min: 80, colour: green}
  - {code: fail, label: 不合格, en: Fail, min: 0}
items:
  - code: registration
    label: 受理登记规范
    en: Application and acceptance registered properly
    points: 10
    channels: [peoples]
    weight: 2
  - code: registration
    label: 当事人信息完整
    points: 10
    channels: [peoples]
"""


def write_checklist(folder: Path, text: str) -> Path:
    (folder / "review").mkdir()
    return write(folder / "review", "checklist.yaml", text)


def test_checking_the_shipped_folder_checks_the_review_checklist_too(app):
    result = check(app)

    assert_exited_cleanly(result, 0)
    assert result.output.splitlines()[-1] == "OK checklist.yaml 案件评查表: 9 items, 4 grades"


def test_the_shipped_checklist_checked_by_name_passes(app):
    result = check(app, CHECKLIST)

    assert_exited_cleanly(result, 0)
    assert result.output.splitlines() == ["OK checklist.yaml 案件评查表: 9 items, 4 grades"]


def test_a_bad_checklist_fails_with_every_problem_at_its_line(app, tmp_path):
    path = write_checklist(tmp_path, BAD_CHECKLIST)

    result = check(app, path)

    assert_exited_cleanly(result, 1)
    assert result.output.splitlines() == [
        f"{path}:12: unknown key 'weight' (known: channels, code, en, kinds, label, points)",
        f"{path}:13: 'en' is missing",
        f"{path}:13: item 'registration' appears twice",
        f"{path}:4: unknown key 'colour' (known: code, en, label, min)",
        f"{path}:4: grade 'good' appears twice",
        f"{path}:4: two grades start at 80: one could never be given",
        f"{path}:1: no item applies to channel 'administrative': its case files would have "
        "no points to score",
        f"{path}:1: no item applies to channel 'judicial': its case files would have no "
        "points to score",
    ]


def test_an_unknown_top_level_key_of_the_checklist_is_reported_at_its_line(app, tmp_path):
    text = CHECKLIST.read_text(encoding="utf-8") + "total_points: 100\n"
    path = write_checklist(tmp_path, text)

    result = check(app, path)

    assert_exited_cleanly(result, 1)
    line = len(text.splitlines())
    assert result.output.splitlines() == [
        f"{path}:{line}: unknown key 'total_points' (known: grades, items, name)"]


def test_a_checklist_with_a_workflow_is_checked_beside_it(app, tmp_path):
    path = write_checklist(tmp_path, BAD_CHECKLIST)

    result = check(app, WORKFLOWS / "peoples_committee.yaml", path)

    assert_exited_cleanly(result, 1)
    assert "OK " not in result.output
    assert f"{path}:12: unknown key 'weight' (known: channels, code, en, kinds, label, " \
        "points)" in result.output.splitlines()


def test_a_missing_checklist_the_app_is_set_to_read_fails_as_cannot_be_read(other_app,
                                                                             tmp_path):
    missing = tmp_path / "nowhere.yaml"
    app = other_app(REVIEW_CHECKLIST=str(CHECKLIST))
    app.config["REVIEW_CHECKLIST"] = str(missing)   # removed after the app started

    result = check(app)

    assert_exited_cleanly(result, 1)
    assert result.output.splitlines() == [f"{missing}:1: cannot be read"]
