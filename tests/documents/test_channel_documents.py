"""Every channel issues its own documents, named in its workflow file, citing its own law.
Each test reads the issued PDF back: title, the article cited, the parties' labels, dates
without a time of day, and real CJK glyphs embedded."""

import pytest

from mediation_app.agreements import issuing
from mediation_app.agreements import services as agreements
from mediation_app.documents import services as documents
from mediation_app.handlings.rulings import Ruling, record_ruling

from .channel_helpers import (
    TIME_OF_DAY,
    assert_real_cjk_glyphs,
    case_under,
    draft,
    sign_all,
    stored,
    walk,
)


def _read(pdf_text, pdf_fonts, pdf: bytes) -> str:
    assert_real_cjk_glyphs(pdf_fonts(pdf))
    text = pdf_text(pdf)
    assert not TIME_OF_DAY.search(text), "documents show dates, not times of day"
    return text


def _signed_agreement_text(make, session, issuer, pdf_text, pdf_fonts, workflow, *steps,
                           **details):
    case, user = case_under(make, workflow)
    walk(session, case, user, *steps)
    make.session_record(case, user)
    agreement = draft(make, case, user, **details)
    sign_all(make, agreement, case, user, issuer)
    return case, _read(pdf_text, pdf_fonts, stored(session, issuer, case, "agreement"))


def test_peoples_mediation_agreement_cites_the_peoples_mediation_law(make, session, issuer,
                                                                    pdf_text, pdf_fonts):
    """人民调解法 arts. 28–29, 31, 33: the written agreement, signed by the parties and the
    mediator, sealed by the committee."""
    case, text = _signed_agreement_text(make, session, issuer, pdf_text, pdf_fonts,
                                        "peoples_committee", "accept", "start_mediation")
    assert "人民调解协议书" in text and "人民调解法》第二十八条" in text
    assert "申请人" in text and "欧阳明" in text and "2026年" in text


def test_labour_agreement_is_not_a_peoples_mediation_agreement(make, session, issuer, pdf_text,
                                                                pdf_fonts):
    """劳动争议调解仲裁法 arts. 14–16: signed or sealed by the parties, the mediation
    organisation's seal; arbitration on non-performance; 支付令 for wages."""
    _case, text = _signed_agreement_text(make, session, issuer, pdf_text, pdf_fonts, "labour",
                                         "accept", "start_mediation")
    assert "劳动争议调解协议书" in text and "人民调解协议书" not in text
    assert "劳动争议调解仲裁法》第十四条" in text and "支付令" in text and "申请仲裁" in text


def test_police_agreement_records_host_others_present_time_place_cause_course_result(
        make, session, issuer, pdf_text, pdf_fonts):
    """治安管理处罚法 art. 9; 公安机关办理行政案件程序规定 (治安调解): the 治安调解协议书
    names the 主持人 and 其他在场人员 and the time, place, cause, course and result; the
    parties are the 被侵害人 and the 违法行为人."""
    _case, text = _signed_agreement_text(
        make, session, issuer, pdf_text, pdf_fonts, "police_mediation", "accept",
        "start_mediation", host="李警官", present="社区主任张某", occurred="2026年11月18日晚",
        place="健康西路1号楼下", cause="停车纠纷", course="双方发生推搡", result="一方手臂擦伤")
    assert "治安调解协议书" in text and "治安管理处罚法》第九条" in text
    for expected in ("主持人", "李警官", "其他在场人员", "社区主任张某", "健康西路1号楼下",
                     "停车纠纷", "双方发生推搡", "一方手臂擦伤", "被侵害人", "违法行为人"):
        assert expected in text, expected
    assert "人民调解法" not in text


def test_traffic_agreement_lists_losses_items_amounts_and_liability_shares(
        make, session, issuer, pdf_text, pdf_fonts):
    """道路交通事故处理程序规定 art. 93: the 调解书 states the basis, the facts and losses
    found, the items and amounts, each side's liability and share, and the date."""
    _case, text = _signed_agreement_text(
        make, session, issuer, pdf_text, pdf_fonts, "traffic_accident", "accept",
        "start_mediation", basis="道路交通事故认定书（第320812号）", losses="车辆左侧受损，一人轻伤",
        items="医疗费 800.00\n车辆维修费 400.00", liability="欧阳明 70%\n司马芳 30%")
    assert "道路交通事故损害赔偿调解书" in text and "程序规定》第九十三条" in text
    for expected in ("调解依据", "医疗费 800.00", "车辆维修费 400.00", "欧阳明 70%",
                     "司马芳 30%", "各方的损害赔偿责任及比例", "调解日期"):
        assert expected in text, expected


def test_court_entrusted_success_is_a_mediation_statement_signed_by_judge_and_clerk(
        make, session, issuer, pdf_text, pdf_fonts):
    """民事诉讼法 art. 100: the 民事调解书 states the claims, facts and result, is signed by
    the judge and the clerk, bears the court's seal; the parties do not sign it."""
    case, user = case_under(make, "court_in_suit", role="liaison")
    walk(session, case, user, "start_mediation")
    agreement = draft(make, case, user, claims="判令被告赔偿1,200元", judge="张审判",
                      clerk="赵书记")
    assert agreements.missing_signatures(agreement, case)[0] == []
    sign_all(make, agreement, case, user, issuer)
    text = _read(pdf_text, pdf_fonts, stored(session, issuer, case, "agreement"))
    assert "民事调解书" in text and "民事诉讼法》第一百条" in text
    assert "审判员" in text and "张审判" in text and "书记员" in text and "赵书记" in text
    assert "当事人：" not in text and agreement.status == "signed"


def test_arbitration_mediation_ends_in_an_arbitral_mediation_statement(make, session, issuer,
                                                                        pdf_text, pdf_fonts):
    """劳动争议调解仲裁法 art. 42: the tribunal's 调解书, signed by the arbitrator under the
    commission's seal."""
    case, user = case_under(make, "arbitration_mediation", role="liaison")
    walk(session, case, user, "accept", "start_mediation")
    agreement = draft(make, case, user, claims="支付拖欠工资", arbitrator="钱仲裁")
    sign_all(make, agreement, case, user, issuer)
    text = _read(pdf_text, pdf_fonts, stored(session, issuer, case, "agreement"))
    assert "仲裁调解书" in text and "调解仲裁法》第四十二条" in text and "钱仲裁" in text


@pytest.mark.parametrize("workflow, title, law", [
    ("admin_mediation", "行政调解协议书", "民法典》第四百六十五条"),
    ("lawyer_mediation", "律师调解协议书", "律师调解试点工作的意见"),
    ("court_prefiling", "诉前调解协议书", "民事诉讼法》第二百零五条"),
])
def test_other_channels_issue_their_own_agreement(make, session, issuer, pdf_text, pdf_fonts,
                                                  workflow, title, law):
    """Each channel prints its own agreement and cites its own basis (民法典 art. 465 for an
    administrative mediation agreement; 民事诉讼法 art. 205 for the pre-filing one)."""
    _case, text = _signed_agreement_text(make, session, issuer, pdf_text, pdf_fonts, workflow,
                                         "accept", "start_mediation")
    assert title in text and law in text and "人民调解协议书" not in text


def _failure_text(make, session, issuer, pdf_text, pdf_fonts, workflow, close, reason):
    case, user = case_under(make, workflow)
    walk(session, case, user, "accept", "start_mediation")
    make.session_record(case, user)
    walk(session, case, user, close, reason=reason, note="经多次沟通仍无法达成一致")
    documents.issue_failure_notice(session, issuer, case, actor=user, now=case.updated_at)
    return _read(pdf_text, pdf_fonts, stored(session, issuer, case, "failure_notice"))


def test_peoples_failure_notice_cites_article_26_with_its_reason(make, session, issuer,
                                                                 pdf_text, pdf_fonts):
    """人民调解法 art. 26: mediation ends, the parties are told of arbitration,
    administrative and judicial avenues."""
    text = _failure_text(make, session, issuer, pdf_text, pdf_fonts, "peoples_committee",
                         "close_failure", "no_agreement")
    assert "终止调解告知书" in text and "人民调解法》第二十六条" in text
    assert "经调解未能达成协议" in text and "邻里纠纷纠纷" not in text and "邻里纠纷" in text


def test_police_failure_notice_resumes_punishment_and_never_cites_peoples_mediation(
        make, session, issuer, pdf_text, pdf_fonts):
    """治安管理处罚法 art. 9: no agreement and the police punish the offender and tell the
    parties they may sue; not 人民调解法 art. 26, not "本委员会"."""
    text = _failure_text(make, session, issuer, pdf_text, pdf_fonts, "police_mediation",
                         "close_failure", "no_agreement")
    assert "治安调解终止告知书" in text and "治安管理处罚法》第九条" in text
    assert "人民调解法" not in text and "本委员会" not in text and "民事诉讼" in text
    assert "违法行为人" in text and "被侵害人" in text


def test_traffic_failure_issues_a_termination_with_its_reason(make, session, issuer, pdf_text,
                                                              pdf_fonts):
    """道路交通事故处理程序规定 art. 93: no agreement and the police issue a 调解终结书
    stating why; not 人民调解法 art. 26, not "本委员会"."""
    text = _failure_text(make, session, issuer, pdf_text, pdf_fonts, "traffic_accident",
                         "close_failure", "no_agreement")
    assert "道路交通事故损害赔偿调解终结书" in text and "未达成协议的原因" in text
    assert "调解期限内未达成协议" in text and "程序规定》第九十三条" in text
    assert "人民调解法" not in text and "本委员会" not in text


def test_labour_failure_notice_warns_of_the_one_year_arbitration_limit(make, session, issuer,
                                                                       pdf_text, pdf_fonts):
    """劳动争议调解仲裁法 arts. 14, 27: no agreement within 15 days and the parties may
    arbitrate; the limitation period for arbitration is one year."""
    text = _failure_text(make, session, issuer, pdf_text, pdf_fonts, "labour", "close_failure",
                         "no_agreement_in_time")
    assert "劳动争议调解终止告知书" in text and "第二十七条" in text and "一年" in text
    assert "人民调解法" not in text and "本委员会" not in text


@pytest.mark.parametrize("kind, title, law", [
    ("application", "人民调解申请书", "人民调解法》第十七条"),
    ("acceptance_register", "人民调解受理登记表", "人民调解法》第十七条"),
    ("rights_notice", "人民调解当事人权利义务告知书", "人民调解法》第二十三条、第二十四条"),
    ("session_record", "人民调解笔录", "人民调解法》第二十七条"),
])
def test_peoples_mediation_issues_its_procedural_documents(make, session, issuer, pdf_text,
                                                           pdf_fonts, kind, title, law):
    """人民调解法 arts. 17 (application), 23–24 (rights and duties), 27 (the record of the
    mediation, signed by those present)."""
    case, user = case_under(make, "peoples_committee")
    walk(session, case, user, "accept", "start_mediation")
    make.session_record(case, user, attendees="欧阳明、司马芳、村主任")
    issuing.issue_case_document(session, issuer, case, kind, actor=user, now=case.updated_at)
    text = _read(pdf_text, pdf_fonts, stored(session, issuer, case, kind))
    assert title in text and law in text and "欧阳明" in text and "2026年" in text


def test_a_session_record_is_signed_by_everyone_present(make, session, issuer, pdf_text,
                                                        pdf_fonts):
    """人民调解法 art. 27: the 调解笔录 carries a signature line for each party, the
    mediator and the recorder."""
    case, user = case_under(make, "peoples_committee")
    walk(session, case, user, "accept", "start_mediation")
    make.session_record(case, user)
    issuing.issue_case_document(session, issuer, case, "session_record", actor=user,
                                  now=case.updated_at)
    text = _read(pdf_text, pdf_fonts, stored(session, issuer, case, "session_record"))
    assert text.count("当事人（签名）") == 2 and "人民调解员（签名）" in text
    assert "记录人（签名）" in text


def test_a_follow_up_record_prints_the_visit(make, session, issuer, pdf_text, pdf_fonts):
    """人民调解法 art. 31: the committee follows up how the agreement is performed."""
    case, user = case_under(make, "peoples_committee")
    walk(session, case, user, "accept", "start_mediation")
    make.session_record(case, user)
    sign_all(make, draft(make, case, user), case, user, issuer)
    walk(session, case, user, "close_success")
    visit = agreements.record_follow_up(session, case, visited_on=case.received_on,
                                        satisfaction=5, notes="已按约付款", actor=user,
                                        now=case.updated_at)
    issuing.issue_case_document(session, issuer, case, "follow_up_record", actor=user,
                                  now=case.updated_at, visit=visit)
    text = _read(pdf_text, pdf_fonts, stored(session, issuer, case, "follow_up_record"))
    assert "人民调解回访记录" in text and "第三十一条" in text and "已按约付款" in text


def test_the_confirmation_application_names_both_parties_as_joint_applicants(
        make, session, issuer, pdf_text, pdf_fonts):
    """人民调解法 art. 33; 民事诉讼法 art. 205: both parties apply jointly within 30 days,
    listing the materials attached."""
    case, user = case_under(make, "peoples_committee")
    walk(session, case, user, "accept", "start_mediation")
    make.session_record(case, user)
    agreement = sign_all(make, draft(make, case, user), case, user, issuer)
    walk(session, case, user, "close_success")
    court = make.institution(kind="court", name="清江浦区人民法院", region=case.region)
    issuing.issue_confirmation_application(session, issuer, agreement, court=court,
                                             actor=user, now=case.updated_at)
    text = _read(pdf_text, pdf_fonts, stored(session, issuer, case, "confirmation_application"))
    assert "司法确认申请书" in text and "民事诉讼法》第二百零五条" in text
    assert "共同提出申请" in text and "附送材料" in text and text.count("申请人（签名）") == 2


def test_the_confirmation_application_cites_the_judicial_confirmation_rules_and_its_court(
        make, session, issuer, pdf_text, pdf_fonts):
    """《最高人民法院关于人民调解协议司法确认程序的若干规定》arts. 2, 3: addressed to the
    court with jurisdiction, with the application, the agreement, proof of identity and the
    parties' addresses attached."""
    case, user = case_under(make, "peoples_committee")
    walk(session, case, user, "accept", "start_mediation")
    make.session_record(case, user)
    agreement = sign_all(make, draft(make, case, user), case, user, issuer)
    walk(session, case, user, "close_success")
    court = make.institution(kind="court", name="淮安市清江浦区人民法院", region=case.region)
    issuing.issue_confirmation_application(session, issuer, agreement, court=court,
                                             actor=user, now=case.updated_at)
    text = " ".join(_read(pdf_text, pdf_fonts, stored(
        session, issuer, case, "confirmation_application")).split())
    assert "司法确认程序的若干规定》第三条" in text and "第二条" in text
    assert "调解协议书" in text and "身份证明" in text and "送达地址" in text
    assert text.count("淮安市清江浦区人民法院") >= 2


@pytest.mark.parametrize("confirmed, decision", [(True, "调解协议有效"), (False, "驳回")])
def test_judicial_confirmation_is_a_civil_ruling_with_number_and_date(
        make, session, issuer, pdf_text, pdf_fonts, confirmed, decision):
    """民事诉讼法 art. 206: the court rules by 民事裁定书, confirming the agreement valid or
    rejecting the application; the ruling is recorded with its number and date."""
    from datetime import date

    case, user = case_under(make, "judicial_confirmation", role="liaison")
    walk(session, case, user, "accept")
    ruling = Ruling(confirmed=confirmed, number="（2026）苏0812民特88号",
                    dated_on=date(2026, 12, 3), judge="张审判", clerk="赵书记",
                    reasoning="调解协议内容违反法律强制性规定")
    document = record_ruling(session, issuer, case, ruling, actor=user, now=case.updated_at)
    text = _read(pdf_text, pdf_fonts, stored(session, issuer, case, "ruling"))
    assert "民事裁定书" in text and "民事诉讼法》第二百零六条" in text and decision in text
    assert "（2026）苏0812民特88号" in text and "2026年12月3日" in text
    assert (document.number, document.dated_on) == ("（2026）苏0812民特88号", date(2026, 12, 3))
    assert case.current_handling is None
    assert case.handlings[-1].state == ("confirmed" if confirmed else "rejected")
