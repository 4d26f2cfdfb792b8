"""A party on a 390×844 touch screen applies online, confirms the phone with the code read
from the outbox, is accepted by the committee, follows the case, signs the agreement
remotely with a finger, downloads the sealed and signed PDF and rates the mediation."""

import re
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import pytest
from sqlalchemy import select

from mediation_app.agreements.services import Signer, sign_agreement
from mediation_app.auth.models import User
from mediation_app.casefile.models import Case
from mediation_app.db import utcnow
from mediation_app.documents.signing import check_signature
from mediation_app.handlings.services import fire_transition
from mediation_app.outbox.models import OutboxMessage
from mediation_app.parties.models import PartyRating

from ..factories import SIGNATURE_PNG, id_number
from .signing_in import sign_in

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3,
         "is_mobile": True, "has_touch": True, "locale": "zh-CN"}
APPLICANT_PHONE, RESPONDENT_PHONE = "13912345678", "13787654321"
APPLICANT_ID = id_number(birth="19750312", area="320811", serial=321)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
CANVAS_HAS_INK = """canvas => {
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) { return true; } }
  return false;
}"""

SIGNING_MS = 60_000


def _texts(session, phone: str) -> list[str]:
    """Read the outbox in a short transaction: an open one would hold SQLite's write lock."""
    bodies = list(session.scalars(select(OutboxMessage.body).where(
        OutboxMessage.recipient == phone).order_by(OutboxMessage.id)))
    session.commit()
    return bodies


def _last_code(session, phone: str) -> str:
    return [m.group(1) for b in _texts(session, phone) if (m := re.search(r"验证码 (\d{6})", b))][-1]


def _world(make):
    city = make.region(name="淮安市")
    district = make.region(level="district", parent=city, name="清江浦区")
    town = make.region(level="town", parent=district, name="浦楼街道")
    make.institution(kind="governance_centre", region=district, name="清江浦区矛调中心")
    committee = make.institution(region=town, name="浦楼街道人民调解委员会", short_name="浦楼")
    mediator = make.user(institution=committee, display_name="李调解")
    facts = {"town": town.id, "committee": committee.id, "mediator": mediator.id,
             "username": mediator.username}
    make.commit()
    return facts


def _apply(phone_page, live_server, session, facts, tmp_path):
    phone_page.goto(f"{live_server}/apply")
    phone_page.fill("input[name='applicant_phone']", APPLICANT_PHONE)
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="获取验证码").click()
    assert "139****5678" in phone_page.locator("p.flash").inner_text()
    phone_page.fill("input[name='code']", _last_code(session, APPLICANT_PHONE))
    for name, value in {"applicant_name": "张建国", "applicant_id_number": APPLICANT_ID,
                        "applicant_address": "浦楼街道健康西路1号", "respondent_name": "王秀英",
                        "respondent_phone": RESPONDENT_PHONE, "summary": "邻居排水沟堵塞",
                        "facts": "两家共用的排水沟被堵，雨天院子积水。",
                        "claims": "请求对方疏通排水沟并赔偿损失800元。"}.items():
        phone_page.fill(f"[name='{name}']", value)
    phone_page.select_option("select[name='dispute_type']", "neighbour")
    phone_page.select_option("select[name='region_id']", str(facts["town"]))
    phone_page.select_option("select[name='institution_id']", str(facts["committee"]))
    photo = tmp_path / "排水沟.png"
    photo.write_bytes(PNG)
    phone_page.set_input_files("input[name='files']", str(photo))
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="提交申请").click()
    return phone_page.locator("#application-number").inner_text()


def _accept(page, live_server, facts, number):
    sign_in(page, live_server, facts["username"])
    page.goto(f"{live_server}/applications")
    page.get_by_role("link", name=number).click()
    with page.expect_navigation():
        page.get_by_role("button", name="受理立案").click()
    return page.locator("p.flash").inner_text()


def _ready_to_sign(make, session, facts):
    """The mediator mediates, drafts the agreement; respondent and mediator sign first."""
    case = session.scalar(select(Case))
    mediator = session.get(User, facts["mediator"])
    fire_transition(session, case, "accept", actor=mediator, now=utcnow())
    fire_transition(session, case, "start_mediation", actor=mediator, now=utcnow())
    make.session_record(case, mediator)
    agreement = make.agreement(case, mediator)
    for signer in (Signer(party=case.parties[1]), Signer(user=mediator)):
        sign_agreement(session, agreement, signer, image_png=SIGNATURE_PNG,
                       ip_address="127.0.0.1", user_agent="desk", actor=mediator, now=utcnow())
    case_no, agreement_id = case.case_no, agreement.id
    make.commit()
    return case_no, agreement_id


def _follow(phone_page, live_server, session, number):
    phone_page.goto(f"{live_server}/follow")
    phone_page.fill("input[name='number']", number)
    phone_page.fill("input[name='phone']", APPLICANT_PHONE)
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="获取验证码").click()
    phone_page.fill("input[name='code']", _last_code(session, APPLICANT_PHONE))
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="查看我的案件").click()


def _draw_with_finger(page):
    canvas = page.locator("#signature-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    points = [(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
              for fx, fy in [(0.1, 0.7), (0.3, 0.3), (0.5, 0.65), (0.7, 0.25), (0.9, 0.6)]]
    cdp = page.context.new_cdp_session(page)
    try:
        def touch(kind, point=None):
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [
                {"x": point[0], "y": point[1]}] if point else []})

        touch("touchStart", points[0])
        for (x0, y0), (x1, y1) in pairwise(points):
            for step in range(1, 6):
                touch("touchMove", (x0 + (x1 - x0) * step / 5, y0 + (y1 - y0) * step / 5))
        touch("touchEnd")
    finally:
        cdp.detach()
    assert canvas.evaluate(CANVAS_HAS_INK)


def _sign_remotely(phone_page, session, live_server):
    body = [b for b in _texts(session, APPLICANT_PHONE) if "/sign/" in b][-1]
    link = re.search(r"(/sign/[A-Za-z0-9_-]+)", body).group(1)
    phone_page.goto(live_server + link)
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="获取验证码").click()
    phone_page.fill("input[name='id_tail']", APPLICANT_ID[-6:])
    phone_page.fill("input[name='code']", _last_code(session, APPLICANT_PHONE))
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="确认身份并阅读协议").click()
    assert "被申请人于十日内支付申请人人民币1,200元。" in phone_page.content()
    _draw_with_finger(phone_page)
    # the last signature renders, seals and stores the PDF and its masked rendition: on a
    # loaded machine that takes longer than a page's usual 10 s
    with phone_page.expect_navigation(timeout=SIGNING_MS):
        phone_page.get_by_role("button", name="确认签名").click(timeout=SIGNING_MS)


@pytest.mark.browser
def test_a_party_applies_follows_signs_downloads_and_rates_on_a_phone(
        live_server, page, make, session, tmp_path):
    facts = _world(make)
    phone = page.context.browser.new_context(**PHONE)
    try:
        phone.set_default_timeout(10_000)
        phone_page = phone.new_page()
        number = _apply(phone_page, live_server, session, facts, tmp_path)
        assert number.startswith("SQ")

        accepted = _accept(page, live_server, facts, number)
        case_no, _agreement_id = _ready_to_sign(make, session, facts)
        assert case_no in accepted
        assert any(case_no in body for body in _texts(session, APPLICANT_PHONE))

        _follow(phone_page, live_server, session, case_no)
        assert "调解进行中" in phone_page.locator("#case-stage").inner_text()
        assert "王秀英" not in phone_page.content()  # nothing of the other party

        page.goto(f"{live_server}/agreements/{_agreement_id}/sign")
        with page.expect_navigation():
            page.get_by_role("button", name="短信发送签名链接").click()
        _sign_remotely(phone_page, session, live_server)
        assert "谢谢，您的签名已记录。" in phone_page.locator("p.flash").inner_text()

        link = phone_page.locator("#documents a")
        assert link.count() == 1
        with phone_page.expect_download() as download:
            link.click()
        pdf = tmp_path / "signed.pdf"
        download.value.save_as(pdf)
        with ThreadPoolExecutor(max_workers=1) as pool:  # pyHanko runs its own event loop
            check = pool.submit(check_signature, pdf.read_bytes()).result()
        assert check.present and check.intact

        case = session.scalar(select(Case))
        fire_transition(session, case, "close_success",
                        actor=session.get(User, facts["mediator"]), now=utcnow())
        make.commit()
        phone_page.reload()
        phone_page.locator("#rating input[value='5']").check()
        phone_page.fill("#rating textarea[name='comment']", "调解员很耐心，谢谢！")
        with phone_page.expect_navigation():
            phone_page.get_by_role("button", name="提交评价").click()
        assert "谢谢！您的评价已送达调解机构。" in phone_page.locator("p.flash").inner_text()
        assert phone_page.viewport_size == {"width": 390, "height": 844}
        rating = session.scalar(select(PartyRating))
        assert (rating.satisfaction, rating.comment) == (5, "调解员很耐心，谢谢！")
        session.commit()
    finally:
        phone.close()
