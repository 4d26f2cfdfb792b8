"""Both parties and the mediator sign a draft agreement on the screen, in headless Chromium,
one party on a phone-sized touch screen; the sealed, signed PDF is listed and downloads."""

import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from types import SimpleNamespace

import pytest

from mediation_app.documents.signing import check_signature

from .signing_in import sign_in

APPLICANT, RESPONDENT = "张建国", "王秀英"
EMPTY_MESSAGE = "请先在签名框内签名。"  # "Please sign in the box first."
SAVED = "签名已保存。"  # "Signature saved."
ALL_SIGNED = "各方均已签名：调解协议已加盖印章、完成签署并归档。"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3,
         "is_mobile": True, "has_touch": True, "locale": "zh-CN"}
CANVAS_HAS_INK = """canvas => {
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) { return true; } }
  return false;
}"""

SIGNING_MS = 60_000


def _draft_agreement(make):
    """A case in mediation with two parties and a draft agreement; plain values only."""
    parties = [make.party("applicant", name=APPLICANT), make.party("respondent", name=RESPONDENT)]
    case, mediator = make.mediating_case(parties=parties)
    agreement = make.agreement(case, mediator)
    # Read everything needed before committing: touching the session afterwards would
    # start a write-locking SQLite transaction that the server's requests would wait on.
    facts = {"agreement_id": agreement.id, "case_id": case.id, "case_no": case.case_no,
             "username": mediator.username,
             "parties": {p.name: f"party-{p.id}" for p in case.parties}}
    make.commit()
    return facts


@pytest.fixture
def issued_agreement(make, issuer):
    """A signed agreement issued through the services. Requested before `page`: pyHanko signs
    with asyncio.run(), which cannot run while Playwright's event loop runs in this thread."""
    parties = [make.party("applicant", name=APPLICANT), make.party("respondent", name=RESPONDENT)]
    case, mediator = make.mediating_case(parties=parties)
    make.sign_everyone(make.agreement(case, mediator), case, mediator, issuer=issuer)
    facts = {"case_id": case.id, "case_no": case.case_no, "username": mediator.username}
    make.commit()
    return facts


def _signed_entries(page):
    signatures = page.locator("section.card", has=page.get_by_role("heading", name="签名", exact=True))
    return signatures.locator("li", has_text="✔")


def _stroke_points(box):
    x, y, width, height = box["x"], box["y"], box["width"], box["height"]
    return [(x + width * fx, y + height * fy)
            for fx, fy in [(0.1, 0.7), (0.25, 0.3), (0.4, 0.65), (0.55, 0.25), (0.7, 0.6),
                           (0.85, 0.35)]]


def _draw_with_mouse(page):
    canvas = page.locator("#signature-canvas")
    canvas.scroll_into_view_if_needed()
    points = _stroke_points(canvas.bounding_box())
    page.mouse.move(*points[0])
    page.mouse.down()
    for point in points[1:]:
        page.mouse.move(*point, steps=5)
    page.mouse.up()
    assert canvas.evaluate(CANVAS_HAS_INK)


def _draw_with_finger(page):
    """A real touch stroke (touchstart/move/end) through the DevTools protocol."""
    canvas = page.locator("#signature-canvas")
    canvas.scroll_into_view_if_needed()
    points = _stroke_points(canvas.bounding_box())
    cdp = page.context.new_cdp_session(page)
    try:
        def touch(kind, point=None):
            touch_points = [{"x": point[0], "y": point[1]}] if point else []
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": touch_points})

        touch("touchStart", points[0])
        for (x0, y0), (x1, y1) in pairwise(points):
            for step in range(1, 6):
                touch("touchMove", (x0 + (x1 - x0) * step / 5, y0 + (y1 - y0) * step / 5))
        touch("touchEnd")
    finally:
        cdp.detach()
    assert canvas.evaluate(CANVAS_HAS_INK)


def _sign(page, sign_url, signer_value, draw):
    page.goto(sign_url)  # shows who is still to sign, after signatures from other screens
    # one field only: an empty hidden "signer" before the <select> once made every signature
    # fail, the server reading the first value
    assert page.locator("#signature-form [name='signer']").count() == 1
    page.locator("select[name='signer']").select_option(signer_value)
    draw(page)
    # the last signature renders, seals and stores the PDF and its masked rendition: on a
    # loaded machine that takes longer than a page's usual 10 s
    with page.expect_navigation(timeout=SIGNING_MS):
        page.get_by_role("button", name="确认签名").click(timeout=SIGNING_MS)


def _flashes(page):
    return page.locator("p.flash").all_inner_texts()


def _check_signature(pdf):
    """pyHanko validates with asyncio.run(), which refuses to run in the main thread while
    Playwright's sync API keeps its event loop there: validate in a thread of its own."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(check_signature, pdf).result()


def _pdf_checks(pdf, tmp_path, case_no):
    assert pdf.startswith(b"%PDF")
    check = _check_signature(pdf)
    assert check.present and check.intact
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; make test installs it")
    path = tmp_path / "agreement.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert APPLICANT in text and RESPONDENT in text and case_no in text


def _document_links(page):
    documents = page.locator("section.card", has=page.get_by_role("heading", name="文书", exact=True))
    return documents.locator("a[href^='/documents/']")


@pytest.mark.browser
def test_parties_on_a_desktop_and_a_phone_then_the_mediator_sign_on_screen(
        live_server, page, make, login, tmp_path):
    facts = _draft_agreement(make)
    sign_url = f"{live_server}/agreements/{facts['agreement_id']}/sign"
    sign_in(page, live_server, facts["username"])

    phone = page.context.browser.new_context(**PHONE)
    try:
        phone.set_default_timeout(10_000)
        phone_page = phone.new_page()
        sign_in(phone_page, live_server, facts["username"])

        turns = [(page, facts["parties"][APPLICANT], _draw_with_mouse),
                 (phone_page, facts["parties"][RESPONDENT], _draw_with_finger)]
        for signed, (where, signer, draw) in enumerate(turns, start=1):
            _sign(where, sign_url, signer, draw)
            assert _flashes(where) == [SAVED]
            assert where.url == sign_url
            assert _signed_entries(where).count() == signed
        assert phone_page.viewport_size == {"width": 390, "height": 844}
        box = phone_page.locator("#signature-canvas").bounding_box()  # fits the phone's width
        assert box["x"] >= 0 and 300 < box["width"] and box["x"] + box["width"] <= 390
        assert APPLICANT in _signed_entries(phone_page).all_inner_texts()[0]
        assert RESPONDENT in _signed_entries(phone_page).all_inner_texts()[1]
    finally:
        phone.close()

    _sign(page, sign_url, "mediator", _draw_with_mouse)
    assert page.url == f"{live_server}/cases/{facts['case_id']}"
    assert ALL_SIGNED in _flashes(page)
    links = _document_links(page)
    assert links.count() == 1
    href = links.first.get_attribute("href")

    # The PDF is fetched through the app's test client, not over HTTP: the real download
    # is test_the_signed_pdf_downloads_from_the_case_page.
    client = login(SimpleNamespace(username=facts["username"]))
    response = client.get(href)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    _pdf_checks(response.data, tmp_path, facts["case_no"])


@pytest.mark.browser
def test_the_signed_pdf_downloads_from_the_case_page(issued_agreement, live_server, page,
                                                     tmp_path):
    case_id, case_no, username = (issued_agreement[key]
                                  for key in ("case_id", "case_no", "username"))
    sign_in(page, live_server, username)
    page.goto(f"{live_server}/cases/{case_id}")
    links = _document_links(page)
    assert links.count() == 1
    response = page.request.get(live_server + links.first.get_attribute("href"), timeout=5_000)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    _pdf_checks(response.body(), tmp_path, case_no)


@pytest.mark.browser
def test_an_empty_signature_box_is_refused_before_anything_is_sent(live_server, page, make):
    facts = _draft_agreement(make)
    sign_url = f"{live_server}/agreements/{facts['agreement_id']}/sign"
    sign_in(page, live_server, facts["username"])
    page.goto(sign_url)
    assert _signed_entries(page).count() == 0

    posts, alerts = [], []
    page.on("request", lambda request: posts.append(request.url)
            if request.method == "POST" else None)

    def dismiss(dialog):
        alerts.append((dialog.type, dialog.message))
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.locator("select[name='signer']").select_option(facts["parties"][APPLICANT])
    with page.expect_event("dialog"):
        page.get_by_role("button", name="确认签名").click()

    assert alerts == [("alert", EMPTY_MESSAGE)]
    assert posts == [] and page.url == sign_url
    page.goto(sign_url)  # what the server holds
    assert _signed_entries(page).count() == 0
    assert page.locator("select[name='signer'] option").count() == 3
