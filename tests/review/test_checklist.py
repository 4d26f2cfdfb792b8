"""The review checklist is data (workflows/review/checklist.yaml), checked once at start:
a bad file stops the app naming file:line, as a bad workflow does. Its items follow 司法局
case-file reviews of people's mediation (颍东区司法局人民调解案卷质量评查,
https://www.ydnews.net/cms/show-104409.html: 受理、材料齐全、文书规范、证据、协议合法、回访、
装订), 人民调解法第二十八、二十九条 (协议书内容、签名盖章)."""

from decimal import Decimal
from pathlib import Path

import pytest

from mediation_app import create_app
from mediation_app.review.checklist import ChecklistInvalid, load_checklist, parse_checklist

SHIPPED = Path(__file__).resolve().parents[2] / "workflows" / "review" / "checklist.yaml"

BAD = """\
name: 评查表
grades:
  - {code: excellent, label: 优秀, en: Excellent, min: 90}
  - {code: pass, label: 合格, en: Pass, min: 60}
items:
  - code: registration
    label: 受理登记规范
    en: Registered
    points: 10
  - code: signatures
    label: 签名盖章齐全
    en: Signed
    points: ten
    channels: [peoples, people]
"""


def test_the_shipped_checklist_scores_a_peoples_mediation_file_out_of_a_hundred():
    checklist = load_checklist(SHIPPED)
    items = checklist.items_for("peoples", "peoples_committee")
    assert sum(item.points for item in items) == 100
    labels = [item.label for item in items]
    assert {"受理登记规范", "当事人信息完整", "调解笔录完整", "签名盖章齐全",
            "回访及时并有记录", "归档及时、装订规范"} <= set(labels)
    assert [grade.label for grade in checklist.grades] == ["优秀", "良好", "合格", "不合格"]


def test_items_for_one_channel_are_left_out_of_another_channels_case_files():
    checklist = load_checklist(SHIPPED)
    court = [item.code for item in checklist.items_for("judicial", "court")]
    assert "rights_notice" not in court and "session_record" in court


def test_a_grade_starts_at_its_threshold():
    checklist = load_checklist(SHIPPED)
    assert [checklist.grade_for(Decimal(rate)).label for rate in ("90", "89.99", "60", "59.99")] \
        == ["优秀", "良好", "合格", "不合格"]


def test_a_bad_checklist_names_the_file_and_line_of_each_problem():
    with pytest.raises(ChecklistInvalid) as refused:
        parse_checklist(BAD, "review/checklist.yaml")
    assert str(refused.value).splitlines() == [
        "review/checklist.yaml:10: 'points' must be a whole number above 0",
        "review/checklist.yaml:10: unknown channels: people",
        "review/checklist.yaml:1: the lowest grade must start at 0",
    ]


def test_the_app_does_not_start_with_a_bad_checklist(tmp_path, database_url):
    bad = tmp_path / "checklist.yaml"
    bad.write_text(BAD, encoding="utf-8")
    with pytest.raises(ChecklistInvalid, match=f"{bad}:10:"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                    "REVIEW_CHECKLIST": str(bad)})
