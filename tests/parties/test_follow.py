"""Following a case at the public page: case or application number + phone + code. A
number and phone that do not match, a wrong, expired or reused code all get the same
message, nothing tells whether a case exists, and repeated failures lock out. The party
sees the stage in plain words, the next session, deadlines and their documents, and no
other party's personal data."""

from datetime import timedelta

from sqlalchemy import select

from mediation_app.audit.models import CaseEvent
from mediation_app.db import utcnow
from mediation_app.documents.models import Document
from mediation_app.handlings.services import fire_transition
from mediation_app.parties.models import Application, Appointment, DocumentDelivery, PartyRating

from .conftest import APPLICANT_PHONE, RESPONDENT_PHONE, apply_online, last_code, texts_to

WRONG = "验证码错误或已失效"


def _case(make, world, **overrides):
    parties = [make.party("applicant", name="张建国", phone=APPLICANT_PHONE),
               make.party("respondent", name="王秀英", phone=RESPONDENT_PHONE,
                          address="浦楼街道健康西路3号")]
    case = make.case(by=world.mediator, parties=parties, **overrides)
    make.commit()
    return case


def _ask_code(client, number, phone=APPLICANT_PHONE):
    return client.post("/follow", data={"number": number, "phone": phone, "send_code": "1"})


def _open(client, number, code, phone=APPLICANT_PHONE):
    return client.post("/follow", data={"number": number, "phone": phone, "code": code,
                                        "submit": "1"})


def _follow(client, session, number, phone=APPLICANT_PHONE):
    _ask_code(client, number, phone)
    return _open(client, number, last_code(session, phone), phone)


def test_number_phone_and_code_open_the_case_page(client, session, world, make):
    case = _case(make, world)
    response = _follow(client, session, case.case_no)
    assert response.headers["Location"].endswith("/follow/status")
    page = client.get("/follow/status").get_data(as_text=True)
    assert case.case_no in page and "已登记，受理机构正在审查" in page
    assert world.committee.name in page


def test_the_page_shows_no_personal_data_of_the_other_party(client, session, world, make):
    case = _case(make, world)
    _follow(client, session, case.case_no)
    page = client.get("/follow/status").get_data(as_text=True)
    other = case.parties[1]
    for secret in (other.name, other.phone, other.masked_phone, other.id_number,
                   other.masked_id_number, other.address):
        assert secret not in page
    assert case.parties[0].id_number not in page


def test_a_phone_that_does_not_match_gets_no_code_and_the_same_answer(client, session, world,
                                                                      make):
    case = _case(make, world)
    matching = _ask_code(client, case.case_no).get_data(as_text=True)
    stranger = _ask_code(client, case.case_no, phone="13600000000").get_data(as_text=True)
    unknown = _ask_code(client, "（2026）不存在调字第9999号").get_data(as_text=True)
    assert texts_to(session, "13600000000") == []
    assert len(texts_to(session, APPLICANT_PHONE)) == 1
    hint = "如号码与手机号相符，验证码已发送至该手机"
    assert hint in matching and hint in stranger and hint in unknown


def test_wrong_code_unknown_number_and_wrong_phone_read_alike(client, session, world, make):
    case = _case(make, world)
    _ask_code(client, case.case_no)
    answers = [_open(client, case.case_no, "000000").get_data(as_text=True),
               _open(client, "（2026）不存在调字第9999号", "000000").get_data(as_text=True),
               _open(client, case.case_no, "000000", phone="13600000000").get_data(as_text=True)]
    assert all(WRONG in answer for answer in answers)
    assert client.get("/follow/status").status_code == 302


def test_a_code_opens_the_page_once(client, session, world, make):
    case = _case(make, world)
    _ask_code(client, case.case_no)
    code = last_code(session, APPLICANT_PHONE)
    assert _open(client, case.case_no, code).status_code == 302
    assert WRONG in _open(client.application.test_client(), case.case_no, code).get_data(
        as_text=True)


def test_repeated_failures_lock_the_phone_out(client, session, world, make):
    case = _case(make, world)
    for _attempt in range(5):
        _open(client, case.case_no, "000000")
    _ask_code(client, case.case_no)
    answer = _open(client, case.case_no, last_code(session, APPLICANT_PHONE))
    assert "失败次数过多" in answer.get_data(as_text=True)


def test_guessing_case_numbers_from_one_address_locks_it_out(client, session, world, make):
    case = _case(make, world)
    for n in range(5):
        _open(client, f"（2026）浦楼调字第{n:04d}号", "123456", phone=f"1360000000{n}")
    _ask_code(client, case.case_no)
    answer = _open(client, case.case_no, last_code(session, APPLICANT_PHONE))
    assert "失败次数过多" in answer.get_data(as_text=True)


def test_the_applicant_follows_an_application_by_its_number(client, session, world):
    apply_online(client, session, world)
    number = session.scalar(select(Application.number))
    _follow(client, session, number)
    page = client.get("/follow/status").get_data(as_text=True)
    assert number in page and "等待清江浦区矛调中心受理" in page


def _video_session(session, make, world, case, starts_in):
    session.add(Appointment(case_id=case.id, starts_at=utcnow() + starts_in,
                            place="线上", video_url="https://meet.example.org/room-1",
                            created_by_id=world.mediator.id))
    make.commit()


def test_the_video_link_is_shown_at_the_session_time(client, session, world, make):
    case = _case(make, world)
    _video_session(session, make, world, case, timedelta(minutes=10))
    _follow(client, session, case.case_no)
    page = client.get("/follow/status").get_data(as_text=True)
    assert "下次调解" in page and "https://meet.example.org/room-1" in page


def test_days_before_the_session_the_page_says_when_the_link_appears(client, session, world,
                                                                     make):
    case = _case(make, world)
    _video_session(session, make, world, case, timedelta(days=2))
    _follow(client, session, case.case_no)
    page = client.get("/follow/status").get_data(as_text=True)
    assert "开始前30分钟将在此显示会议链接" in page and "room-1" not in page


def _issued_agreement(make, world, issuer):
    parties = [make.party("applicant", name="张建国", phone=APPLICANT_PHONE),
               make.party("respondent", name="王秀英", phone=RESPONDENT_PHONE)]
    case, mediator = make.mediating_case(by=world.mediator, parties=parties)
    make.sign_everyone(make.agreement(case, mediator), case, mediator, issuer=issuer)
    make.commit()
    return case


def test_the_party_downloads_the_signed_agreement_and_the_first_download_is_recorded(
        client, session, world, make, issuer):
    case = _issued_agreement(make, world, issuer)
    _follow(client, session, case.case_no)
    page = client.get("/follow/status").get_data(as_text=True)
    assert "人民调解协议书" in page
    document = session.scalar(select(Document).where(Document.case_id == case.id))
    for _download in range(2):
        response = client.get(f"/follow/documents/{document.id}")
        assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    delivery = session.scalar(select(DocumentDelivery))
    assert delivery.party_id == case.parties[0].id and delivery.first_downloaded_at
    downloads = session.scalars(select(CaseEvent).where(
        CaseEvent.action == "document.downloaded")).all()
    assert len(downloads) == 1 and downloads[0].data["party"] == "张建国"


def test_a_document_of_another_case_is_not_found(client, session, world, make, issuer):
    mine = _case(make, world)
    other = _issued_agreement(make, world, issuer)
    document = session.scalar(select(Document).where(Document.case_id == other.id))
    _follow(client, session, mine.case_no)
    assert client.get(f"/follow/documents/{document.id}").status_code == 404
    assert session.scalar(select(DocumentDelivery)) is None


def test_public_pages_ignore_a_staff_session_in_the_same_browser(client, session, world, make,
                                                                 login):
    case = _case(make, world)
    login(world.mediator)
    page = client.get("/follow").get_data(as_text=True)
    assert world.mediator.display_name not in page and "退出" not in page
    assert client.get("/follow/status").status_code == 302
    assert case.case_no not in client.get("/follow/status", follow_redirects=True).get_data(
        as_text=True)


def test_the_party_rates_a_closed_case_once(client, session, world, make, issuer):
    case = _issued_agreement(make, world, issuer)
    fire_transition(session, case, "close_success", actor=world.mediator, now=utcnow())
    make.commit()
    _follow(client, session, case.case_no)
    client.post("/follow/rating", data={"satisfaction": "4", "comment": "调解员很耐心"})
    again = client.post("/follow/rating", data={"satisfaction": "1"}, follow_redirects=True)
    assert "您已评价过本次调解" in again.get_data(as_text=True)
    [rating] = session.scalars(select(PartyRating)).all()
    assert (rating.satisfaction, rating.comment, rating.party_id) == (4, "调解员很耐心",
                                                                      case.parties[0].id)
    assert session.scalar(select(CaseEvent).where(CaseEvent.action == "party.rated"))


def test_an_open_case_cannot_be_rated_yet(client, session, world, make):
    case = _case(make, world)
    _follow(client, session, case.case_no)
    answer = client.post("/follow/rating", data={"satisfaction": "5"}, follow_redirects=True)
    assert "案件办结后才能评价" in answer.get_data(as_text=True)
    assert session.scalar(select(PartyRating)) is None
