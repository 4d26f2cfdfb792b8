"""评查通报 in the monthly report: the region's institutions ranked by the average score rate
of their case files reviewed in the month, with how many were reviewed; frozen with the
figures so a later version names what changed. Reviews are reported back to the
committees by 通报, as 颍东区司法局 does ("采取通报的方式将评查结果及问题下达至各级调解委员会",
https://www.ydnews.net/cms/show-104409.html)."""

from datetime import datetime

from mediation_app.monthly.figures import Settings, differences, field_label, freeze
from mediation_app.monthly.printing import render_report
from mediation_app.review.catalog import checklist
from mediation_app.review.services import applicable_items, review_case

from .conftest import concluded, file_away, full_marks

MONTH = "2026-10"
RUN_AT = datetime(2026, 10, 31, 18, 0)


def _review(make, app, mediator, reviewer, when=datetime(2026, 10, 20), case=None, **taken_off):
    case = case or file_away(make, app, concluded(make, mediator), mediator)
    items = applicable_items(checklist(), make.session, case)
    review_case(make.session, case, checklist=checklist(), marks=full_marks(items, **taken_off),
                actor=reviewer, now=when)
    return case


def _world(make, app, district):
    """城南调委会: 96 and 80 → 88.00 over 2 cases. 城北调委会: one case reviewed at 70, then
    again at 100 the same month → 100.00 over 1. A case reviewed in November is left out, and
    so is a committee of another district."""
    region = district.committee.region
    north = make.user(institution=make.institution(kind="peoples_committee", region=region,
                                                   name="城北调委会"))
    _review(make, app, district.mediator, district.reader, session_record=(11, "缺签名"))
    _review(make, app, district.mediator, district.reader, follow_up=(0, "未回访"),
            archiving=(0, "未装订"))
    twice = _review(make, app, north, district.reader, registration=(0, "无登记"),
                    investigation=(0, "无调查"), archiving=(0, "未装订"))
    _review(make, app, north, district.dispatcher, case=twice, when=datetime(2026, 10, 28))
    _review(make, app, district.mediator, district.reader, when=datetime(2026, 11, 2),
            follow_up=(0, "未回访"))
    abroad = make.user(institution=make.institution(kind="peoples_committee",
                                                    region=make.district(), name="外区调委会"))
    _review(make, app, abroad, make.user(role="committee", institution=make.institution(
        kind="committee", region=abroad.institution.region)))
    return region


def test_institutions_are_ranked_by_the_average_score_of_cases_reviewed_in_the_month(
        make, app, session, district):
    region = _world(make, app, district)
    frozen = freeze(session, region, MONTH, now=RUN_AT, settings=Settings())
    assert [(r["rank"], r["name"], r["reviewed"], r["average_score"])
            for r in frozen["review_ranking"]] == [(1, "城北调委会", 1, "100.00"),
                                                   (2, "城南调委会", 2, "88.00")]


def test_a_later_version_names_the_ranking_figures_that_changed(make, app, session, district):
    region = _world(make, app, district)
    before = freeze(session, region, MONTH, now=RUN_AT, settings=Settings())
    _review(make, app, district.mediator, district.reader, when=datetime(2026, 10, 30))
    after = freeze(session, region, MONTH, now=RUN_AT, settings=Settings())
    south = next(r["key"] for r in after["review_ranking"] if r["name"] == "城南调委会")
    changed = {item["field"]: (item["old"], item["new"]) for item in differences(before, after)}
    assert changed[f"review:{south}.reviewed"] == (2, 3)
    assert changed[f"review:{south}.average_score"] == ("88.00", "92.00")
    assert field_label(f"review:{south}.average_score", before, after) == \
        "评查通报 · 城南调委会 · 评查平均得分率（%）"


def test_the_monthly_pdf_prints_the_ranking_as_a_review_bulletin(make, app, session, district,
                                                                  pdf_text):
    frozen = freeze(session, _world(make, app, district), MONTH, now=RUN_AT, settings=Settings())
    text = pdf_text(render_report(frozen, version=1, changes=[], reason=None,
                                  generated_at=RUN_AT))
    bulletin = text[text.index("九、评查通报"):]
    assert bulletin.index("城北调委会") < bulletin.index("城南调委会")
    assert "100.00%" in bulletin and "88.00%" in bulletin and "外区调委会" not in text
