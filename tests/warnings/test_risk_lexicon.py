"""Risk words said properly: ordinary terms do not fire, risk said in other words does,
and the labelled summaries in risk_summaries.csv keep precision and recall at 0.9 or more.

The CSV holds realistic dispute summaries (text, label risk/ordinary, dispute type, split).
The lexicon was tuned on the rows marked `tune` only; the `holdout` rows were written at
the same time and kept aside as a check on summaries the lexicon was not tuned on."""

from pathlib import Path

import pytest

from mediation_app.warnings.lexicon import RiskLexicon, default_lexicon
from mediation_app.warnings.measure import read_rows, score

LEXICON = default_lexicon()
DATA = Path(__file__).with_name("risk_summaries.csv")


def _rows(split=None):
    return [row for row in read_rows(str(DATA)) if split in (None, row["split"])]


def _scores(rows):
    result = score(rows, LEXICON)
    return result.precision, result.recall


@pytest.mark.parametrize("text", ["申请人与村集体经济组织就承包地发生争议", "村集体土地被占用",
                                  "经调解申请人承诺不再上访", "信访人已撤回上访请求",
                                  "商场跳楼价清仓的羽绒服有质量问题", "两家共用的排水沟堵塞",
                                  "农资店出售的农药无效", "交通事故后索赔汽油费",
                                  "被申请人扬言要去法院起诉", "没有自杀倾向，情绪稳定"])
def test_ordinary_terms_raise_no_risk(text):
    assert LEXICON.find(text) == []


@pytest.mark.parametrize("text, rule", [("扬言喝农药", "self_harm"), ("纠集二十多人", "crowd"),
                                        ("到市政府门口拉横幅", "protest"),
                                        ("要与对方同归于尽", "violence"), ("声称要跳楼", "self_harm"),
                                        ("带着汽油去镇政府", "violence"), ("村民堵路", "protest"),
                                        ("三十余名工人到项目部讨薪", "crowd")])
def test_risk_said_in_other_words_is_caught_and_named(text, rule):
    assert rule in {match.rule for match in LEXICON.find(text)}


def test_the_warning_keeps_the_words_that_raised_it():
    assert [(m.rule, m.term) for m in LEXICON.find("工人扬言再不给钱就喝农药")] == [
        ("self_harm", "喝农药")]


def test_extra_plain_words_from_the_configuration_are_matched():
    lexicon = RiskLexicon.load(extra_words=("讨债公司",))
    assert [(m.rule, m.term) for m in lexicon.find("请了讨债公司")] == [("word", "讨债公司")]


def test_the_labelled_set_is_large_and_varied():
    rows = _rows()
    assert len(rows) >= 300 and len({row["text"] for row in rows}) == len(rows)
    assert len({row["category"] for row in rows}) >= 12
    assert {row["label"] for row in rows} == {"risk", "ordinary"}
    assert len(_rows("holdout")) >= 90


def test_precision_and_recall_on_the_whole_labelled_set_are_at_least_0_9():
    precision, recall = _scores(_rows())
    assert precision >= 0.9 and recall >= 0.9, (precision, recall)


def test_precision_and_recall_on_the_held_out_summaries_are_at_least_0_9():
    precision, recall = _scores(_rows("holdout"))
    assert precision >= 0.9 and recall >= 0.9, (precision, recall)
