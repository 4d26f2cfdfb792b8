"""案件评查 of an archived case file (issue 12: "Case quality review").

The checklist (workflows/review/checklist.yaml) follows what 司法局 reviews of people's
mediation case files score, e.g. 颍东区司法局人民调解案卷质量评查
(https://www.ydnews.net/cms/show-104409.html): 案件受理是否合法、案卷材料是否齐全、文书使用
是否标准、证据收集是否恰当、调解协议法律适用是否准确、回访记录是否及时、案卷装订是否规范;
and 齐河县司法局 (http://zgjkxw.org.cn/html/xunyiwenyao/2018-04-12/8729.html): 当事人是否已
签字或按手印, 调委会是否加盖印章; 人民调解法第二十八、二十九条 for the agreement itself.
A region reader above the committee scores it; the committee reads the review, is told, and
cannot write one."""

from datetime import datetime

from sqlalchemy import select

from mediation_app.access import policy
from mediation_app.audit.models import CaseEvent
from mediation_app.casefile.models import Case
from mediation_app.notifications.models import Notification
from mediation_app.review.catalog import checklist
from mediation_app.review.models import CaseReview
from mediation_app.review.services import applicable_items, review_case

from .conftest import client_of, concluded, file_away, form_data, full_marks

WHEN = datetime(2026, 10, 20, 2, 0)


def _reviews(session, case) -> list[CaseReview]:
    session.expire_all()
    return list(session.scalars(select(CaseReview).where(CaseReview.case_id == case.id)
                                .order_by(CaseReview.version)))


def _post(app, session, user, case, **taken_off):
    items = applicable_items(checklist(), session, case)
    session.commit()
    return client_of(app, user).post(f"/cases/{case.id}/review",
                                     data=form_data(items, **taken_off))


def _review(session, case, user, when=WHEN, **taken_off) -> CaseReview:
    items = applicable_items(checklist(), session, case)
    return review_case(session, case, checklist=checklist(), now=when, actor=user,
                       marks=full_marks(items, **taken_off))


def test_a_region_reader_scores_the_case_file_item_by_item_into_a_total_and_grade(
        app, session, district, archived):
    _post(app, session, district.reader, archived, session_record=(11, "笔录缺少当事人签名"))
    [review] = _reviews(session, archived)
    assert (review.score, review.full_score, review.rate) == (96, 100, 96)
    assert (review.grade, review.grade_label) == ("excellent", "优秀")
    assert (review.reviewer_name, review.institution_id) == ("李评查", district.committee.id)
    marked = {mark["code"]: (mark["awarded"], mark["note"]) for mark in review.marks}
    assert marked["session_record"] == ("11.00", "笔录缺少当事人签名")
    assert marked["signatures"] == ("10.00", "")


def test_grades_follow_the_configured_score_rate_thresholds(session, district, archived):
    review = _review(session, archived, district.reader, session_record=(0, "无调解笔录"),
                     agreement_lawful=(10, "履行期限不明确"), follow_up=(0, "未回访"))
    assert (review.rate, review.grade_label) == (65, "合格")


def test_a_review_is_audited_on_the_case_with_its_grade(app, session, district, archived):
    _post(app, session, district.reader, archived, follow_up=(0, "未回访"))
    event = session.scalar(select(CaseEvent).where(CaseEvent.case_id == archived.id,
                                                   CaseEvent.action == "case.reviewed"))
    assert event.actor_id == district.reader.id
    assert (event.data["grade"], event.data["score"], event.data["label"]) == (
        "excellent", "90.00", "优秀（90.00/100）")


def test_the_reviewed_institution_is_told_and_the_reviewer_is_not(
        app, session, district, archived):
    _post(app, session, district.reader, archived, follow_up=(5, "回访不及时"))
    told = session.scalars(select(Notification).where(Notification.kind == "review.recorded"))
    assert [(n.user_id, n.case_id) for n in told] == [(district.mediator.id, archived.id)]


def test_a_mark_below_full_points_without_its_reason_is_refused(
        app, session, district, archived):
    answer = _post(app, session, district.reader, archived, signatures=(5, ""))
    assert _reviews(session, archived) == []
    assert "请说明扣分理由" in answer.get_data(as_text=True)


def test_a_later_review_is_a_new_version_and_the_earlier_one_stays_readable(
        app, session, district, archived):
    _review(session, archived, district.reader, follow_up=(0, "未回访"))
    _review(session, archived, district.dispatcher, when=datetime(2026, 10, 25),
            follow_up=(0, "未回访"), registration=(0, "无受理登记表"), archiving=(0, "未装订"))
    session.commit()
    first, second = _reviews(session, archived)
    assert [(r.version, r.is_current, r.grade_label) for r in (first, second)] == [
        (1, False, "优秀"), (2, True, "合格")]
    page = client_of(app, district.mediator).get(f"/cases/{archived.id}/review")
    text = page.get_data(as_text=True)
    assert "无受理登记表" in text and "李评查" in text and "赵调度" in text


def test_the_reviewed_institution_reads_its_review_but_cannot_write_one(
        app, session, district, archived):
    _review(session, archived, district.reader, follow_up=(5, "回访不及时"))
    session.commit()
    client = client_of(app, district.mediator)
    text = client.get(f"/cases/{archived.id}/review").get_data(as_text=True)
    assert "回访不及时" in text and "优秀" in text and 'name="awarded_' not in text
    answer = client.post(f"/cases/{archived.id}/review",
                         data=form_data(applicable_items(checklist(), session, archived)))
    assert answer.status_code == 403 and len(_reviews(session, archived)) == 1


def test_the_case_page_shows_the_current_grade_to_the_institution(
        app, session, district, archived):
    _review(session, archived, district.reader, follow_up=(5, "回访不及时"))
    session.commit()
    text = client_of(app, district.mediator).get(f"/cases/{archived.id}").get_data(as_text=True)
    assert "案件评查" in text and "优秀" in text and "李评查" in text


def test_the_institution_that_handled_a_case_does_not_review_it(make, app, session, district):
    """A governance centre's dispatcher reads its region, but the centre handled this case."""
    own = file_away(make, app, make.case(by=district.dispatcher), district.dispatcher)
    own.closed_at = WHEN
    assert not policy.can_review_case(district.dispatcher, own)
    assert policy.can_review_case(district.reader, own)


def test_the_review_rule_selects_in_sql_exactly_the_cases_its_predicate_admits(
        make, app, session, district, archived):
    open_case = concluded(make, district.mediator)
    elsewhere = make.user(role="committee",
                          institution=make.institution(kind="committee", region=make.district()))
    cases = list(session.scalars(select(Case)))
    dialect = session.get_bind().dialect.name
    for user in (district.reader, district.dispatcher, district.mediator, elsewhere):
        by_sql = set(session.scalars(select(Case.id).where(
            policy.REVIEW_CASE.clause(user, dialect))))
        assert by_sql == {c.id for c in cases if policy.can_review_case(user, c)}
    assert policy.can_review_case(district.reader, archived)
    assert not policy.can_review_case(district.reader, open_case)
    assert not policy.can_review_case(elsewhere, archived)


def test_a_reader_of_another_region_neither_reads_nor_writes_the_review(
        make, app, session, district, archived):
    elsewhere = make.user(role="committee",
                          institution=make.institution(kind="committee", region=make.district()))
    answer = _post(app, session, elsewhere, archived)
    assert answer.status_code == 404 and _reviews(session, archived) == []


def test_the_review_page_and_the_case_page_show_chinese_labels_and_no_raw_code(
        app, session, district, archived):
    from tests.ui.test_raw_codes import _parse, _raw_codes

    _review(session, archived, district.reader, follow_up=(5, "回访不及时"))
    session.commit()
    pages = {"reader": client_of(app, district.reader).get(f"/cases/{archived.id}/review"),
             "case": client_of(app, district.mediator).get(f"/cases/{archived.id}")}
    for name, page in pages.items():
        texts = _parse(page.get_data(as_text=True)).texts
        assert [code for text in texts for code in _raw_codes(text)] == [], name
    reader_texts = _parse(pages["reader"].get_data(as_text=True)).texts
    assert {"受理登记规范", "签名盖章齐全", "扣分理由", "提交评查结果"} <= set(reader_texts)
    assert any(text.startswith("评查人：李评查") for text in reader_texts)
    assert "案件评查" in _parse(pages["case"].get_data(as_text=True)).texts


def test_staff_who_chose_reviews_by_email_get_an_email_without_personal_data(
        app, session, district, archived):
    from mediation_app.notifications.dispatch import save_preferences
    from mediation_app.outbox.models import OutboxMessage

    district.mediator.email = "wang@example.cn"
    save_preferences(session, district.mediator, phone=None, email_topics=["review"],
                     sms_topics=[], now=WHEN)
    _review(session, archived, district.reader, follow_up=(5, "回访不及时"))
    [mail] = session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "email"))
    assert mail.recipient == "wang@example.cn" and archived.case_no in mail.subject
    assert "等级：优秀" in mail.body and archived.parties[0].name not in mail.body
