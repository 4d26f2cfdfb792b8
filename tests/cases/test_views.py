import io
from datetime import datetime, timedelta

from sqlalchemy import select

from mediation_app.casefile.models import Case
from mediation_app.domain.idcard import mask_id_number, mask_phone

from ..factories import id_number


def _filing_form(region_id, **overrides):
    form = {
        "dispute_type": "neighbour", "source": "walk_in", "region_id": region_id,
        "received_on": "2026-11-20", "summary": "张三与李四排水纠纷", "description": "积水倒灌",
        "amount": "1500.50", "assigned_mediator_id": "0",
        "parties-0-role": "applicant", "parties-0-kind": "person", "parties-0-name": "张三",
        "parties-0-sex": "male", "parties-0-id_number": id_number(), "parties-0-phone": "13800138000",
        "parties-1-role": "respondent", "parties-1-kind": "person", "parties-1-name": "李四",
        "parties-1-sex": "female", "parties-1-id_number": "", "parties-1-phone": "",
    }
    form.update(overrides)
    return form


def test_a_mediator_files_a_case_with_two_parties(make, login, session):
    mediator = make.user()
    make.commit()
    client = login(mediator)
    response = client.post("/cases/new", data=_filing_form(mediator.institution.region_id))
    assert response.status_code == 302
    case = session.scalar(select(Case))
    assert [party.name for party in case.parties] == ["张三", "李四"]
    assert str(case.amount) == "1500.50"


def test_a_wrong_check_digit_is_explained_and_nothing_is_filed(make, login, session):
    mediator = make.user()
    make.commit()
    client = login(mediator)
    response = client.post("/cases/new", data=_filing_form(
        mediator.institution.region_id, **{"parties-0-id_number": "110105199912310020"}))
    assert response.status_code == 200
    assert "GB 11643" in response.get_data(as_text=True)
    assert session.scalar(select(Case)) is None


def test_add_party_button_adds_a_blank_party_row_without_filing(make, login, session):
    mediator = make.user()
    make.commit()
    client = login(mediator)
    response = client.post("/cases/new", data={**_filing_form(mediator.institution.region_id),
                                               "add_party": "1"})
    assert 'name="parties-2-name"' in response.get_data(as_text=True)
    assert session.scalar(select(Case)) is None


def test_case_list_shows_only_the_users_cases(make, login):
    mediator = make.user()
    make.case(by=mediator, summary="我的纠纷")
    make.case(summary="别人的纠纷")
    make.commit()
    page = login(mediator).get("/cases/").get_data(as_text=True)
    assert "我的纠纷" in page and "别人的纠纷" not in page


def test_case_list_finds_cases_by_party_name(make, login):
    mediator = make.user()
    make.case(by=mediator, summary="甲案", parties=[make.party(name="欧阳修"), make.party()])
    make.case(by=mediator, summary="乙案")
    make.commit()
    page = login(mediator).get("/cases/?q=欧阳").get_data(as_text=True)
    assert "甲案" in page and "乙案" not in page


def test_case_list_filters_by_dispute_type(make, login):
    mediator = make.user()
    make.case(by=mediator, summary="甲号纠纷", dispute_type="loan")
    make.case(by=mediator, summary="乙号纠纷", dispute_type="neighbour")
    make.commit()
    page = login(mediator).get("/cases/?dispute_type=loan").get_data(as_text=True)
    assert "甲号纠纷" in page and "乙号纠纷" not in page


def test_case_list_filters_show_the_option_chosen_on_each_page(make, login):
    """The filter selects are written once per process for the same options, choice and
    language: another choice is written anew, not taken from the page before."""
    mediator = make.user()
    make.commit()
    client = login(mediator)

    def dispute_types(query: str = "") -> str:
        page = client.get(f"/cases/{query}").get_data(as_text=True)
        return page.split('name="dispute_type"')[1].split("</select>")[0]

    assert '<option selected value="loan">' in dispute_types("?dispute_type=loan")
    assert '<option selected value="neighbour">' in dispute_types("?dispute_type=neighbour")
    assert '<option selected value="loan">' in dispute_types("?dispute_type=loan")
    assert "selected" not in dispute_types().split("</option>", 1)[1]


def _pager_cursor(page: str, direction: str) -> str:
    pager = page.split('class="pager"')[1]
    link = [part for part in pager.split("<a ") if direction in part][0]
    return link.split("cursor=")[1].split('"')[0].split("&")[0]


def test_case_list_pages_forward_and_back_without_overlap(make, login, app):
    mediator = make.user()
    start = datetime(2026, 1, 1)
    for day in range(30):
        make.case(by=mediator, summary=f"纠纷{day:02d}号", now=start + timedelta(days=day))
    make.commit()
    client = login(mediator)
    app.config["CASES_PER_PAGE"] = 25
    first = client.get("/cases/").get_data(as_text=True)
    assert "纠纷29号" in first and "纠纷04号" not in first
    second = client.get(f"/cases/?cursor={_pager_cursor(first, '→')}").get_data(as_text=True)
    assert "纠纷04号" in second and "纠纷05号" not in second
    back = client.get(f"/cases/?cursor={_pager_cursor(second, '←')}").get_data(as_text=True)
    assert "纠纷29号" in back and "纠纷05号" in back and "纠纷04号" not in back


def test_detail_shows_full_id_numbers_to_the_holding_institution(make, login):
    mediator = make.user()
    number = id_number()
    case = make.case(by=mediator, parties=[make.party(id_number=number), make.party()])
    make.commit()
    assert number in login(mediator).get(f"/cases/{case.id}").get_data(as_text=True)


def test_detail_masks_id_numbers_for_a_committee_reader(make, login):
    mediator = make.user()
    reader = make.user(role="committee", institution=make.institution(
        kind="committee", region=mediator.institution.region))
    number = id_number()
    case = make.case(by=mediator, parties=[make.party(id_number=number), make.party()])
    make.commit()
    page = login(reader).get(f"/cases/{case.id}").get_data(as_text=True)
    assert number not in page and number[:4] + "*" * 10 + number[-4:] in page


def _case_with_numbers_in_its_text(make, mediator):
    number, phone = id_number(), "13912345678"
    case = make.case(by=mediator, summary=f"张三（{number}）欠款纠纷",
                     description=f"张三电话{phone}，身份证{number}")
    return case, number, phone


def test_a_committee_reader_sees_numbers_written_in_summary_and_description_masked(make, login):
    mediator = make.user()
    reader = make.user(role="committee", institution=make.institution(
        kind="committee", region=mediator.institution.region))
    case, number, phone = _case_with_numbers_in_its_text(make, mediator)
    make.commit()
    page = login(reader).get(f"/cases/{case.id}").get_data(as_text=True)
    assert number not in page and phone not in page
    assert mask_id_number(number) in page and mask_phone(phone) in page


def test_the_holding_institution_reads_summary_and_description_whole(make, login):
    mediator = make.user()
    case, number, phone = _case_with_numbers_in_its_text(make, mediator)
    make.commit()
    page = login(mediator).get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"张三（{number}）欠款纠纷" in page and f"张三电话{phone}" in page


def test_the_case_list_shows_numbers_in_summaries_masked_even_to_the_holder(make, login):
    mediator = make.user()
    case, number, _ = _case_with_numbers_in_its_text(make, mediator)
    make.commit()
    listing = login(mediator).get("/cases/").get_data(as_text=True)
    assert case.case_no in listing
    assert number not in listing and mask_id_number(number) in listing


def test_another_committees_case_is_not_found(make, login):
    case = make.case()
    stranger = make.user()
    make.commit()
    assert login(stranger).get(f"/cases/{case.id}").status_code == 404


def test_user_text_is_escaped_on_pages(make, login):
    mediator = make.user()
    case = make.case(by=mediator, summary="<script>alert(1)</script>{{ 7*7 }}")
    make.commit()
    page = login(mediator).get(f"/cases/{case.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}" in page


def test_editing_a_case_shows_the_change_in_the_timeline(make, login):
    mediator = make.user()
    case = make.case(by=mediator, summary="旧摘要")
    make.commit()
    client = login(mediator)
    form = {"dispute_type": "loan", "source": case.source, "region_id": case.region_id,
            "received_on": case.received_on.isoformat(), "summary": "新摘要", "description": "",
            "amount": "", "assigned_mediator_id": "0"}
    assert client.post(f"/cases/{case.id}/edit", data=form).status_code == 302
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "旧摘要" in page and "新摘要" in page


def test_uploading_a_png_attaches_it_and_download_returns_it(make, login):
    mediator = make.user()
    case = make.case(by=mediator)
    make.commit()
    client = login(mediator)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    client.post(f"/cases/{case.id}/attachments",
                data={"file": (io.BytesIO(png), "现场照片.png")},
                content_type="multipart/form-data")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "现场照片.png" in page
    link = page.split(f"/cases/{case.id}/attachments/")[1].split('"')[0]
    assert client.get(f"/cases/{case.id}/attachments/{link}").data == png


def test_uploading_a_disguised_executable_is_refused(make, login, session):
    mediator = make.user()
    case = make.case(by=mediator)
    make.commit()
    client = login(mediator)
    response = client.post(f"/cases/{case.id}/attachments",
                           data={"file": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 64), "photo.png")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "JPEG" in response.get_data(as_text=True)
    assert session.get(Case, case.id).attachments == []


def test_dashboard_lists_cases_near_their_deadline(make, login):
    mediator = make.user()
    make.case(by=mediator, summary="快到期的案件", now=datetime.now() - timedelta(days=29))
    make.commit()
    page = login(mediator).get("/").get_data(as_text=True)
    assert "快到期的案件" in page
