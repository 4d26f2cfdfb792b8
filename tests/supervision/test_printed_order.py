"""The printed 督办单 (basis: 《中国共产党政法工作条例》第十二条, the political-legal committee's
supervision of dispute resolution, under which the governance centres work): the issuing
centre, the supervised institution, the case number and summary, the instruction, the due
date as 2026年12月1日, the reply once there is one, the seal caption; never a full ID number.
Only the two institutions it is between may download it."""

from datetime import datetime

from mediation_app.supervision.printing import print_order
from mediation_app.supervision.services import issue_order, reply_to_order

from ..factories import id_number
from ..unchanged import snapshot, stored_files

NOW = datetime(2026, 11, 2, 2, 0)
DUE = datetime(2026, 12, 1, 15, 59)  # the end of 1 December in China
ID_NUMBER = id_number(birth="19690712")


def _order(make, session, world, **case_values):
    case = make.case(by=world["mediator"], **case_values)
    return issue_order(session, case, instruction="请于期限内组织双方再次调解，\n并书面报告化解进展。",
                       due_at=DUE, is_listed=True, actor=world["dispatcher"], now=NOW)


def _flat(text: str) -> str:
    return "".join(text.split())


def test_the_printed_order_names_both_institutions_the_case_and_the_instruction(
        make, session, world, pdf_text):
    order = _order(make, session, world, summary="二十余户业主物业服务费纠纷")
    text = _flat(pdf_text(print_order(order, now=NOW)))
    for expected in ("督办单", "挂牌督办", world["centre"].name, world["mediator"].institution.name,
                     order.case.case_no, "二十余户业主物业服务费纠纷", "请于期限内组织双方再次调解",
                     "并书面报告化解进展"):
        assert _flat(expected) in text


def test_the_due_date_is_printed_as_the_day_in_china(make, session, world, pdf_text):
    order = _order(make, session, world)
    assert "2026年12月1日" in _flat(pdf_text(print_order(order, now=NOW)))


def test_the_printed_order_carries_the_seal_caption_and_its_basis(make, session, world, pdf_text):
    order = _order(make, session, world)
    text = _flat(pdf_text(print_order(order, now=NOW)))
    assert _flat(f"督办单位（盖章）：{world['centre'].name}") in text
    assert "《中国共产党政法工作条例》第十二条" in text


def test_the_reply_is_printed_once_there_is_one(make, session, world, pdf_text):
    order = _order(make, session, world)
    assert "办理情况答复" not in _flat(pdf_text(print_order(order, now=NOW)))
    reply_to_order(session, order, reply="已组织三方调解，双方达成分期付款协议", actor=world["mediator"],
                   now=NOW)
    text = _flat(pdf_text(print_order(order, now=NOW)))
    assert "办理情况答复" in text and "已组织三方调解，双方达成分期付款协议" in text


def test_no_full_id_number_or_phone_is_printed(make, session, world, pdf_text):
    order = _order(make, session, world, summary=f"王某（身份证{ID_NUMBER}，电话13912345678）讨薪")
    text = _flat(pdf_text(print_order(order, now=NOW)))
    assert ID_NUMBER not in text and "13912345678" not in text
    assert "139****5678" in text
    assert all(party.id_number not in text for party in order.case.parties)


def test_the_printed_order_embeds_a_chinese_font(make, session, world, pdf_fonts):
    fonts = pdf_fonts(print_order(_order(make, session, world), now=NOW))
    assert "CJK" in fonts


def test_the_issuing_centre_and_the_supervised_institution_download_it(
        make, session, world, as_user, pdf_text):
    order = _order(make, session, world)
    make.commit()
    for user in (world["dispatcher"], world["mediator"]):
        response = as_user(user).get(f"/supervision/{order.id}.pdf")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert order.case.case_no in _flat(pdf_text(response.data))


def test_the_committee_reader_reads_the_order_but_may_not_download_it(
        make, session, world, committees, as_user):
    order = _order(make, session, world)
    make.commit()
    client = as_user(committees["district"])
    assert client.get(f"/supervision/{order.id}").status_code == 200
    before, files = snapshot(), stored_files()
    refused = client.get(f"/supervision/{order.id}.pdf")
    assert refused.status_code == 403 and refused.mimetype != "application/pdf"
    assert "Content-Disposition" not in refused.headers and not refused.data.startswith(b"%PDF")
    assert order.case.case_no not in refused.get_data(as_text=True)
    assert snapshot() == before and stored_files() == files   # no row, no audit event, no file


def test_others_do_not_learn_the_order_exists(make, session, world, as_user):
    order = _order(make, session, world)
    make.commit()
    for user in (world["stranger"], world["foreign_dispatcher"]):
        assert as_user(user).get(f"/supervision/{order.id}.pdf").status_code == 404


def test_the_order_page_offers_the_printout_only_to_the_two_institutions(
        make, session, world, committees, as_user):
    order = _order(make, session, world)
    make.commit()
    link = f"/supervision/{order.id}.pdf"
    assert link in as_user(world["mediator"]).get(f"/supervision/{order.id}").get_data(
        as_text=True)
    assert link not in as_user(committees["district"]).get(
        f"/supervision/{order.id}").get_data(as_text=True)
