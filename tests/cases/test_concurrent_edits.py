"""Two people editing the same case: the second save no longer reverts the first. It is
refused (409) with a page that shows, field by field, what was saved meanwhile and what
the second person wanted; saving again from that page keeps the second person's values."""

from sqlalchemy import update

from mediation_app.casefile.models import Case

from ..factories import PASSWORD


def _form(case, **changes):
    data = {"dispute_type": case.dispute_type, "source": case.source,
            "region_id": case.region_id, "summary": case.summary,
            "description": case.description, "amount": str(case.amount),
            "received_on": case.received_on.isoformat(), "assigned_mediator_id": 0,
            "version": case.version}
    data.update(changes)
    return data


def test_the_second_of_two_concurrent_saves_is_refused_and_shows_both_values(
        make, session, app):
    first = make.user()
    second = make.user(institution=first.institution)
    case = make.case(by=first, summary="原摘要")
    first_name, second_name = first.username, second.username
    make.commit()
    both_loaded = _form(case)
    case_id = case.id
    session.commit()
    first_client = app.test_client()
    with app.app_context():
        first_client.post("/login", data={"username": first_name, "password": PASSWORD})
    with app.app_context():
        saved = first_client.post(f"/cases/{case_id}/edit",
                                  data={**both_loaded, "summary": "甲的修改"})
    assert saved.status_code == 302
    other = app.test_client()
    with app.app_context():
        other.post("/login", data={"username": second_name, "password": PASSWORD})
    with app.app_context():
        refused = other.post(f"/cases/{case_id}/edit", data={**both_loaded, "summary": "乙的修改"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "甲的修改" in page and "乙的修改" in page and "他人已保存" in page
    session.expire_all()
    assert session.get(Case, case_id).summary == "甲的修改"
    session.commit()
    with app.app_context():
        again = other.post(f"/cases/{case_id}/edit",
                           data={**both_loaded, "summary": "乙的修改",
                                 "version": page.split('name="version" type="hidden" value="')[1]
                                 .split('"')[0]})
    assert again.status_code == 302
    session.expire_all()
    assert session.get(Case, case_id).summary == "乙的修改"


def test_every_orm_update_of_a_case_raises_its_version(make, session):
    case = make.case()
    make.commit()
    before = case.version
    case.summary = "改"
    make.commit()
    assert case.version == before + 1


def test_a_case_changed_under_an_orm_update_gives_a_409_page(other_app):
    from sqlalchemy.orm.exc import StaleDataError

    app = other_app()

    @app.route("/_stale_probe")
    def _stale_probe():
        raise StaleDataError("UPDATE statement on table 'cases' expected to update 1 row(s)")

    response = app.test_client().get("/_stale_probe")
    assert response.status_code == 409 and "已被他人修改" in response.get_data(as_text=True)


def test_a_bulk_update_is_not_versioned(make, session):
    case = make.case()
    make.commit()
    before = case.version
    session.execute(update(Case).where(Case.id == case.id).values(summary="批量"))
    make.commit()
    assert case.version == before  # STACK.md: version_id_col guards ORM updates only
