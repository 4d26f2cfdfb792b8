"""当事人基本情况 on the filing form and the party edit page: 民族, 出生日期, 职业,
工作单位 as a statutory agreement prints them (人民调解法 art. 29), phones as clerks type
them, and party 2 proposed as the respondent."""

from datetime import date

from sqlalchemy import select

from mediation_app.casefile.models import Case, Party

from ..factories import id_number
from .test_views import _filing_form


def _file(make, login, **overrides):
    mediator = make.user()
    make.commit()
    response = login(mediator).post("/cases/new", data=_filing_form(
        mediator.institution.region_id, **overrides))
    return response.get_data(as_text=True)


def _filed_parties(session) -> list[Party]:
    case = session.scalar(select(Case))
    return list(case.parties) if case else []


def test_the_filing_form_proposes_party_2_as_the_respondent(make, login):
    mediator = make.user()
    make.commit()
    page = login(mediator).get("/cases/new").get_data(as_text=True)
    second = page[page.index('name="parties-1-role"'):]
    second = second[:second.index("</select>")]
    assert '<option selected value="respondent">' in second


def test_the_filing_form_proposes_the_han_ethnicity(make, login):
    mediator = make.user()
    make.commit()
    page = login(mediator).get("/cases/new").get_data(as_text=True)
    first = page[page.index('name="parties-0-ethnicity"'):]
    assert '<option selected value="汉族">' in first[:first.index("</select>")]


def test_filing_keeps_ethnicity_birth_date_occupation_and_employer(make, login, session):
    _file(make, login, **{"parties-0-ethnicity": "回族", "parties-0-id_number": "",
                          "parties-0-birth_date": "1975-03-08", "parties-0-occupation": "个体户",
                          "parties-0-employer": "淮安市清江浦区某超市"})
    party = _filed_parties(session)[0]
    assert (party.ethnicity, party.birth_date, party.occupation, party.employer) == (
        "回族", date(1975, 3, 8), "个体户", "淮安市清江浦区某超市")


def test_the_birth_date_is_read_from_the_id_number_when_left_empty(make, login, session):
    _file(make, login, **{"parties-0-id_number": id_number(birth="19820715"),
                          "parties-0-birth_date": ""})
    assert _filed_parties(session)[0].birth_date == date(1982, 7, 15)


def test_a_birth_date_other_than_the_id_numbers_is_refused_in_chinese(make, login, session):
    page = _file(make, login, **{"parties-0-id_number": id_number(birth="19820715"),
                                 "parties-0-birth_date": "1983-07-15"})
    assert "出生日期与身份证号码中的出生日期不一致。" in page
    assert _filed_parties(session) == []


def test_a_mobile_typed_with_spaces_and_full_width_digits_is_kept_as_11_digits(
        make, login, session):
    _file(make, login, **{"parties-0-phone": "１３８ ００１３-８０００"})
    assert _filed_parties(session)[0].phone == "13800138000"


def test_a_landline_typed_without_a_dash_is_kept_as_area_code_and_number(make, login, session):
    _file(make, login, **{"parties-1-phone": "057188888888"})
    assert _filed_parties(session)[1].phone == "0571-88888888"


def test_a_mobile_of_ten_digits_is_refused_in_chinese(make, login, session):
    page = _file(make, login, **{"parties-0-phone": "1380013800"})
    assert "手机号码应为11位数字，以13至19开头。" in page
    assert _filed_parties(session) == []


def test_a_landline_without_its_number_is_refused_in_chinese(make, login, session):
    page = _file(make, login, **{"parties-0-phone": "0571-123"})
    assert "固定电话应为区号加号码，例如 0571-88888888。" in page
    assert _filed_parties(session) == []


def test_an_organisation_keeps_no_ethnicity(make, login, session):
    _file(make, login, **{"parties-1-kind": "organisation", "parties-1-name": "某物业公司",
                          "parties-1-ethnicity": "汉族"})
    assert _filed_parties(session)[1].ethnicity is None


def test_the_party_edit_page_changes_occupation_and_employer(make, login, session):
    mediator = make.user()
    case = make.case(by=mediator)
    party = case.parties[0]
    make.commit()
    form = {"role": party.role, "kind": party.kind, "name": party.name, "sex": party.sex,
            "id_number": party.id_number, "phone": "0517-83456789", "address": party.address,
            "ethnicity": "满族", "birth_date": "", "occupation": "教师",
            "employer": "淮安市实验小学", "version": str(party.version)}
    login(mediator).post(f"/cases/{case.id}/parties/{party.id}/edit", data=form)
    session.expire_all()
    saved = session.get(Party, party.id)
    assert (saved.ethnicity, saved.occupation, saved.employer, saved.phone) == (
        "满族", "教师", "淮安市实验小学", "0517-83456789")
