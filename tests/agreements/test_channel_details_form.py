"""The agreement form asks for what the channel's own document prints beyond the common
items (the workflow's `fields:`), so a clerk types them on the page: the 主持人, 其他在场
人员, time, place, cause, course and result of a 治安调解协议书 (公安机关办理行政案件程序规定
第一百八十四条第二款), the basis, losses, items and liability shares of a traffic 调解书
(道路交通事故处理程序规定 第九十三条). The people's mediation form asks for none."""

from datetime import date, timedelta

from mediation_app.agreements.models import Agreement

from ..documents.channel_helpers import case_under, walk

POLICE_DETAILS = {"detail_host": "李警官", "detail_present": "社区主任张某",
                  "detail_occurred": "2026年11月18日晚", "detail_place": "健康西路1号楼下",
                  "detail_cause": "停车纠纷", "detail_course": "双方发生推搡",
                  "detail_result": "一方手臂擦伤"}


def _draft_form(**extra) -> dict:
    return {"facts": "两家共用排水沟堵塞。", "matters": "双方均有责任。",
            "clauses": "被申请人于十日内支付申请人人民币1,200元。\n双方再无其他争议。",
            "amount": "1200.00", "performance_manner": "银行转账",
            "performance_deadline": (date.today() + timedelta(days=10)).isoformat(), **extra}


def _mediating(make, session, workflow):
    case, user = case_under(make, workflow)
    walk(session, case, user, "accept", "start_mediation")
    make.commit()
    return case, user


def test_the_police_agreement_form_asks_for_what_the_police_agreement_prints(
        make, session, login):
    case, user = _mediating(make, session, "police_mediation")
    page = login(user).get(f"/cases/{case.id}/agreement/new").get_data(as_text=True)
    for asked in ("主持人", "其他在场人员", "案件发生时间", "案件发生地点", "起因", "经过、情节"):
        assert asked in page, asked
    assert 'name="detail_host"' in page and "王调解</textarea>" in page  # who drafts presides


def test_details_typed_on_the_form_are_kept_and_printed_on_the_draft(
        make, session, login, pdf_text):
    case, user = _mediating(make, session, "police_mediation")
    client = login(user)

    answer = client.post(f"/cases/{case.id}/agreement/new", data=_draft_form(**POLICE_DETAILS))

    assert answer.status_code == 302
    agreement = session.query(Agreement).filter_by(case_id=case.id).one()
    assert agreement.details == {name.removeprefix("detail_"): value
                                 for name, value in POLICE_DETAILS.items()}
    text = pdf_text(client.get(f"/agreements/{agreement.id}/preview.pdf").data)
    for printed in ("李警官", "社区主任张某", "健康西路1号楼下", "停车纠纷", "一方手臂擦伤"):
        assert printed in text, printed


def test_editing_a_draft_shows_and_keeps_its_details(make, session, login):
    case, user = _mediating(make, session, "police_mediation")
    client = login(user)
    client.post(f"/cases/{case.id}/agreement/new", data=_draft_form(**POLICE_DETAILS))
    agreement = session.query(Agreement).filter_by(case_id=case.id).one()

    page = client.get(f"/agreements/{agreement.id}/edit").get_data(as_text=True)
    client.post(f"/agreements/{agreement.id}/edit", data=_draft_form(
        **{**POLICE_DETAILS, "detail_result": "一方手臂轻微擦伤",
           "row_version": str(agreement.row_version)}))

    assert "社区主任张某</textarea>" in page
    session.expire_all()
    assert session.get(Agreement, agreement.id).details["result"] == "一方手臂轻微擦伤"
    assert session.get(Agreement, agreement.id).details["host"] == "李警官"


def test_the_traffic_agreement_form_asks_for_losses_items_and_liability(make, session, login):
    case, user = _mediating(make, session, "traffic_accident")
    page = login(user).get(f"/cases/{case.id}/agreement/new").get_data(as_text=True)
    for asked in ("调解依据", "事故认定的基本事实和损失情况", "损害赔偿项目和数额",
                  "各方责任及比例"):
        assert asked in page, asked


def test_the_peoples_mediation_form_asks_for_no_channel_details(make, session, login):
    case, user = _mediating(make, session, "peoples_committee")
    page = login(user).get(f"/cases/{case.id}/agreement/new").get_data(as_text=True)
    assert "detail_" not in page and "本渠道文书另需载明的事项" not in page
