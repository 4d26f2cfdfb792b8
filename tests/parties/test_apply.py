"""Applying online at the public page: the phone proven by a code sent by text message,
everything saved at once or nothing, files checked by content and size, ID numbers checked
(GB 11643) and never shown whole on a public page."""

import io

from sqlalchemy import func, select, text

from mediation_app.parties.models import Application, ApplicationEvent, ApplicationFile

from .conftest import APPLICANT_ID, APPLICANT_PHONE, application_form, apply_online, texts_to

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_asking_for_a_code_sends_it_by_text_message(client, session, world):
    response = client.post("/apply", data={**application_form(world), "send_code": "1"})
    assert response.status_code == 200
    assert "139****5678" in response.get_data(as_text=True)
    [body] = texts_to(session, APPLICANT_PHONE)
    assert "验证码" in body and "10 分钟内有效" in body


def test_an_application_with_the_right_code_lands_in_the_governance_centre(client, session,
                                                                          world):
    response = apply_online(client, session, world,
                            files=[(io.BytesIO(PNG), "沟.png"), (io.BytesIO(PDF), "照片.pdf")])
    assert response.status_code == 302
    application = session.scalar(select(Application))
    assert application.institution_id == world.centre.id and not application.chosen_by_party
    assert application.status == "pending" and application.region_id == world.town.id
    assert application.applicant_phone == APPLICANT_PHONE
    assert [f.content_type for f in application.files] == ["image/png", "application/pdf"]
    assert application.number in response.headers["Location"]
    assert any(application.number in body for body in texts_to(session, APPLICANT_PHONE))


def test_the_submitted_page_gives_the_number_to_keep(client, session, world):
    response = apply_online(client, session, world)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    number = session.scalar(select(Application.number))
    assert number in page and "清江浦区矛调中心" in page


def test_a_party_may_address_a_committee_of_their_choice(client, session, world):
    apply_online(client, session, world, institution_id=str(world.committee.id))
    application = session.scalar(select(Application))
    assert application.institution_id == world.committee.id and application.chosen_by_party


def test_a_wrong_code_saves_nothing_but_counts_the_failure(client, session, world):
    response = apply_online(client, session, world, code="000000")
    assert response.status_code == 200
    assert "验证码错误或已失效" in response.get_data(as_text=True)
    assert _count(session, Application) == 0 and _count(session, ApplicationFile) == 0


def test_without_a_code_nothing_is_saved(client, session, world):
    response = client.post("/apply", data={**application_form(world), "submit": "1"})
    assert "请输入发送到您手机的验证码" in response.get_data(as_text=True)
    assert _count(session, Application) == 0


def test_a_file_that_is_not_an_image_or_pdf_is_refused_and_nothing_is_saved(client, session,
                                                                           world):
    response = apply_online(client, session, world,
                            files=[(io.BytesIO(b"MZ\x90\x00 not a picture" * 4), "a.png")])
    assert "附件只能是 JPEG、PNG 或 PDF 文件" in response.get_data(as_text=True)
    assert _count(session, Application) == 0 and _count(session, ApplicationEvent) == 0


def test_a_file_over_the_size_limit_is_refused(app, client, session, world):
    limit = app.config["ATTACHMENT_MAX_BYTES"]
    app.config["ATTACHMENT_MAX_BYTES"] = 100
    try:
        response = apply_online(client, session, world,
                                files=[(io.BytesIO(PNG + b"\x00" * 200), "big.png")])
    finally:
        app.config["ATTACHMENT_MAX_BYTES"] = limit
    assert "文件超过" in response.get_data(as_text=True)
    assert _count(session, Application) == 0


def test_an_id_number_with_a_wrong_check_digit_is_refused(client, session, world):
    wrong = APPLICANT_ID[:17] + ("0" if APPLICANT_ID[17] != "0" else "1")
    response = apply_online(client, session, world, applicant_id_number=wrong)
    assert "GB 11643" in response.get_data(as_text=True)
    assert _count(session, Application) == 0


def test_a_number_that_is_not_a_mobile_phone_is_refused(client, session, world):
    response = client.post("/apply", data={**application_form(world, applicant_phone="12345"),
                                           "send_code": "1"})
    assert "请输入11位手机号码" in response.get_data(as_text=True)
    assert texts_to(session, "12345") == []


def test_a_public_page_never_shows_the_id_number_whole(client, session, world):
    page = client.post("/apply", data={**application_form(world), "code": "000000",
                                       "submit": "1"}).get_data(as_text=True)
    assert APPLICANT_ID not in page


def test_a_region_that_no_centre_serves_asks_the_party_to_choose_a_committee(
        client, session, world, make):
    lonely = make.region(level="town", parent=make.region(level="district",
                                                           parent=make.region()))
    make.commit()
    response = apply_online(client, session, world, region_id=str(lonely.id))
    assert "请选择一个调解委员会" in response.get_data(as_text=True)
    assert _count(session, Application) == 0


def test_codes_for_one_phone_are_rate_limited(app, client, session, world):
    app.config["PARTY_RATE_LIMIT_PHONE"] = "3 per hour"
    try:
        answers = [client.post("/apply", data={**application_form(world), "send_code": "1"},
                               environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code
                   for n in range(4)]
    finally:
        app.config.pop("PARTY_RATE_LIMIT_PHONE")
    assert answers == [200, 200, 200, 429]
    assert len(texts_to(session, APPLICANT_PHONE)) == 3


def test_one_address_is_rate_limited_across_phones(app, client, session, world):
    app.config["PARTY_RATE_LIMIT_IP"] = "2 per hour"
    try:
        answers = [client.post("/apply", data={**application_form(
            world, applicant_phone=f"1391234567{n}"), "send_code": "1"}).status_code
            for n in range(3)]
        refused = client.post("/apply", data={**application_form(world), "send_code": "1"})
    finally:
        app.config.pop("PARTY_RATE_LIMIT_IP")
    assert answers == [200, 200, 429]
    assert "请求过于频繁" in refused.get_data(as_text=True)


def test_the_form_is_csrf_protected(other_app, world, make):
    make.commit()
    protected = other_app(WTF_CSRF_ENABLED=True)
    response = protected.test_client().post("/apply", data={**application_form(world),
                                                            "send_code": "1"})
    assert response.status_code == 400


def test_the_submitted_page_shows_nothing_to_another_browser(app, client, session, world):
    response = apply_online(client, session, world)
    assert app.test_client().get(response.headers["Location"]).status_code == 404


def test_the_applicants_id_number_and_phone_are_encrypted_at_rest(client, session, world):
    apply_online(client, session, world)
    stored = session.execute(text(
        "SELECT applicant_id_number, applicant_phone, respondent_phone FROM online_applications"
    )).one()
    assert all(value.startswith("enc1:") for value in stored)
    assert APPLICANT_ID not in "".join(stored) and APPLICANT_PHONE not in "".join(stored)
    assert session.scalar(select(Application)).applicant_id_number == APPLICANT_ID
