"""The traffic police's 道路交通事故损害赔偿调解书 (《道路交通事故处理程序规定》第九十三条) lists
the insurer among those taking part, with the items it pays, only where there is one
(第八十九条: 承保机动车保险的保险公司人员); without an insurer neither is printed."""

from datetime import datetime

from mediation_app.handlings import traffic

from .channel_helpers import case_under, draft, sign_all, stored, walk

PICC = "中国人民财产保险股份有限公司淮安市分公司"
NOW = datetime(2026, 11, 23, 2, 0)


def _statement(make, session, issuer, pdf_text, *, insurer: bool) -> str:
    case, user = case_under(make, "traffic_accident")
    if insurer:
        traffic.record_insurer(session, case, traffic.Insurer(
            present=True, name=PICC, policy_number="PDZA20263208000012"), actor=user, now=NOW)
    walk(session, case, user, "accept", "start_mediation")
    make.session_record(case, user)
    sign_all(make, draft(make, case, user, basis="道路交通事故认定书（第320812号）",
                         items="医疗费 8000.00\n误工费 2000.00",
                         insurer_items="交强险医疗费用赔偿限额内 8000.00"), case, user, issuer)
    return "".join(pdf_text(stored(session, issuer, case, "agreement")).split())


def test_the_statement_lists_the_insurer_and_the_items_it_pays(make, session, issuer,
                                                               pdf_text):
    """第八十九条: the insurer takes part, named with its 交强险 policy; 第九十三条: the items
    and amounts of the compensation, the insurer's among them."""
    text = _statement(make, session, issuer, pdf_text, insurer=True)
    assert "参加调解的保险公司" in text and PICC in text
    assert "机动车交通事故责任强制保险保单号：PDZA20263208000012" in text
    assert "《道路交通事故处理程序规定》第八十九条" in text
    assert "保险公司赔付的项目和数额" in text and "交强险医疗费用赔偿限额内8000.00" in text


def test_the_statement_without_an_insurer_prints_no_insurer(make, session, issuer, pdf_text):
    """No insurer is the ordinary case: the statement names none and prints no insurer
    items, even if some were typed in."""
    text = _statement(make, session, issuer, pdf_text, insurer=False)
    assert "保险公司" not in text and "交强险医疗费用赔偿限额内" not in text
    assert "损害赔偿的项目和数额" in text and "医疗费8000.00" in text
