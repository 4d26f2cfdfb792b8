"""The channel details an agreement document may ask for (治安调解的主持人, 交通事故的赔偿项目 …)
are codes of the domain core; their texts are the agreement form's labels, translated like
every other label, so a detail is named in one place only."""

import re
from pathlib import Path

import pytest

from mediation_app.domain import codes
from mediation_app.domain.codes import AgreementDetail, values
from mediation_app.labels import LABELS, label_zh
from mediation_app.workflow import DefinitionInvalid, parse_definition

from ..workflow.test_loader import variant

CHINESE = re.compile(r"[\u4e00-\u9fff]")
AGREEMENT = """\
documents:
  - {kind: agreement, template: agreement.html, title: 人民调解协议书, signers: [parties],
     cites: 《人民调解法》, at: [mediating], fields: [host, %s]}
"""


def test_every_detail_a_document_may_ask_for_has_exactly_one_label():
    assert set(LABELS["agreement_detail"]) == set(values(AgreementDetail))


def test_the_domain_codes_hold_no_chinese_text_of_their_own():
    source = Path(codes.__file__).read_text(encoding="utf-8")
    assert CHINESE.findall(source) == []


def test_a_detail_is_named_in_chinese_from_the_translated_labels():
    assert label_zh("agreement_detail", AgreementDetail.HOST) == "主持人"
    assert label_zh("agreement_detail", AgreementDetail.ITEMS) == "损害赔偿项目和数额（每行：项目 金额）"


def test_a_workflow_document_asking_for_known_details_parses():
    definition = parse_definition(variant("sends:", AGREEMENT % "place" + "sends:"), "x.yaml")
    assert definition.documents[0].fields == ("host", "place")


def test_a_workflow_document_asking_for_an_unknown_detail_is_refused():
    with pytest.raises(DefinitionInvalid) as refused:
        parse_definition(variant("sends:", AGREEMENT % "weather" + "sends:"), "x.yaml")
    assert [problem.message for problem in refused.value.problems] == [
        "unknown document field 'weather'"]
