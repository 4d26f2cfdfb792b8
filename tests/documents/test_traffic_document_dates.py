"""The traffic police's 调解书 and 调解终结书 state the dates 《道路交通事故处理程序规定》
(公安部令第146号) counts from: the day the 事故认定书 was received and the joint written
application (第八十六条), the event named for the loss, the start of mediation and its last
day (第九十条). Read back as text: title, articles, dates without times of day."""

from mediation_app.documents import services as documents
from mediation_app.documents.rendering import cn_date
from mediation_app.handlings import traffic

from .channel_helpers import TIME_OF_DAY, assert_real_cjk_glyphs, case_under, draft, sign_all, stored, walk


def _read(pdf_text, pdf_fonts, pdf: bytes) -> str:
    assert_real_cjk_glyphs(pdf_fonts(pdf))
    text = pdf_text(pdf)
    assert not TIME_OF_DAY.search(text), "documents show dates, not times of day"
    return "".join(text.split())  # lines wrap anywhere in Chinese text


def _assert_dates(text: str, handling) -> None:
    dates = traffic.dates_of(handling)
    assert f"于{cn_date(dates['certificate_received_on'])}收到道路交通事故认定书" in text
    assert f"于{cn_date(dates['applied_on'])}一致书面申请调解" in text
    assert "《道路交通事故处理程序规定》第八十六条" in text
    assert "造成财产损失：自确定损失之日起" in text
    assert f"调解自{cn_date(dates['starts_on'])}开始" in text
    assert f"应于{cn_date(dates['due_on'])}前制作调解书或者调解终结书" in text
    assert "《道路交通事故处理程序规定》第九十条" in text


def test_the_traffic_mediation_statement_states_the_application_and_mediation_dates(
        make, session, issuer, pdf_text, pdf_fonts):
    """第八十六条、第九十条 (and 第九十三条 for the 调解书 itself): the dates the period
    counts from are printed on the statement the parties sign."""
    case, user = case_under(make, "traffic_accident")
    walk(session, case, user, "accept", "start_mediation")
    make.session_record(case, user)
    sign_all(make, draft(make, case, user, basis="道路交通事故认定书（第320812号）"), case,
             user, issuer)
    text = _read(pdf_text, pdf_fonts, stored(session, issuer, case, "agreement"))
    assert "道路交通事故损害赔偿调解书" in text and "欧阳明" in text
    _assert_dates(text, case.current_handling)


def test_the_traffic_closing_notice_states_the_application_and_mediation_dates(
        make, session, issuer, pdf_text, pdf_fonts):
    """第八十六条、第九十条: the 调解终结书 shows the same dates, so the parties see the
    period was kept."""
    case, user = case_under(make, "traffic_accident")
    walk(session, case, user, "accept", "start_mediation")
    make.session_record(case, user)
    walk(session, case, user, "close_failure", reason="no_agreement", note="未能达成一致")
    documents.issue_failure_notice(session, issuer, case, actor=user, now=case.updated_at)
    text = _read(pdf_text, pdf_fonts, stored(session, issuer, case, "failure_notice"))
    assert "道路交通事故损害赔偿调解终结书" in text
    _assert_dates(text, case.handlings[-1])


def test_the_statement_lists_several_losses_and_counts_from_the_last(
        make, session, issuer, pdf_text, pdf_fonts):
    """第九十条: with two people's losses the 调解书 names each event and the period runs
    from the last."""
    case, user = case_under(make, "traffic_accident")
    walk(session, case, user, "accept")
    today = case.current_handling.accepted_at.date()
    for person, kind in (("欧阳明", "injury"), ("司马芳", "property")):
        traffic.record_loss_event(session, case, traffic.LossEvent(
            kind=kind, occurred_on=today, person=person), actor=user,
            now=case.current_handling.accepted_at)
    walk(session, case, user, "start_mediation")
    make.session_record(case, user)
    sign_all(make, draft(make, case, user, basis="道路交通事故认定书（第320812号）"), case,
             user, issuer)
    text = _read(pdf_text, pdf_fonts, stored(session, issuer, case, "agreement"))
    assert "本事故有多项损失：欧阳明，造成人员受伤" in text and "司马芳，造成财产损失" in text
    assert "调解自其中最后一项所列之日起计算" in text
