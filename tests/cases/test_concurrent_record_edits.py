"""Two people editing the same party, session record or agreement draft: the second save,
made from a form loaded before the first was saved, no longer reverts the first. It is
refused (409) with the shared conflict page, which shows field by field what was saved
meanwhile and what the second person typed (kept in the form, with a link to reload);
saving again from that page keeps the second person's values."""

import re
from dataclasses import dataclass
from typing import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from mediation_app.agreements.models import Agreement, MediationSession
from mediation_app.audit.models import CaseEvent
from mediation_app.casefile.models import Party

from ..edit_records import edit_events, saved_value
from ..factories import PASSWORD


@dataclass
class Kind:
    model: type
    build: Callable  # make -> (record, first user, second user)
    url: Callable  # record -> the edit page
    form: Callable  # record -> the form as loaded
    version_field: str
    field: str  # the field both people change
    action: str  # the audit event of a save


def _party(make):
    first = make.user()
    second = make.user(institution=first.institution)
    return make.case(by=first).parties[0], first, second


def _session_record(make):
    case, first = make.mediating_case()
    second = make.user(institution=first.institution)
    record = make.session.scalars(select(MediationSession)
                                  .where(MediationSession.case_id == case.id)).one()
    return record, first, second


def _draft(make):
    case, first = make.mediating_case()
    second = make.user(institution=first.institution)
    return make.agreement(case, first), first, second


KINDS = {
    "party": Kind(
        model=Party, build=_party,
        url=lambda party: f"/cases/{party.case_id}/parties/{party.id}/edit",
        form=lambda party: {"role": party.role, "kind": party.kind, "name": party.name,
                            "sex": party.sex or "", "id_number": party.id_number or "",
                            "phone": party.phone or "", "address": party.address or "",
                            "representative_name": "", "representative_phone": "",
                            "version": party.version},
        version_field="version", field="name", action="party.updated"),
    "session": Kind(
        model=MediationSession, build=_session_record,
        url=lambda record: f"/sessions/{record.id}/edit",
        form=lambda record: {"held_on": record.held_on.isoformat(), "place": record.place,
                             "mediators": record.mediators, "attendees": record.attendees,
                             "record": record.record, "version": record.version},
        version_field="version", field="place", action="session.edited"),
    "agreement": Kind(
        model=Agreement, build=_draft,
        url=lambda draft: f"/agreements/{draft.id}/edit",
        form=lambda draft: {"facts": draft.facts, "matters": draft.matters,
                            "clauses": "\n".join(draft.clauses), "amount": str(draft.amount),
                            "performance_manner": draft.performance_manner,
                            "performance_deadline": draft.performance_deadline.isoformat(),
                            "row_version": draft.row_version},
        version_field="row_version", field="performance_manner", action="agreement.edited"),
}
FIRST, SECOND = "甲保存的值", "乙输入的值"


def _signed_in(app, username):
    client = app.test_client()
    with app.app_context():  # each request in its own context, as in a real server
        assert client.post("/login", data={"username": username,
                                           "password": PASSWORD}).status_code == 302
    return client


def _post(app, client, url, data):
    with app.app_context():
        return client.post(url, data=data)


@pytest.fixture
def both_loaded(make, session, app, request):
    """The first and the second user, signed in, each with the form as loaded before
    either saved."""
    kind = KINDS[request.param]
    record, first, second = kind.build(make)
    make.commit()
    world = {"kind": kind, "id": record.id, "case_id": record.case_id, "url": kind.url(record),
             "form": kind.form(record), "first_id": first.id}
    names = first.username, second.username
    session.commit()  # the test holds no transaction while the requests run
    world["first"], world["second"] = (_signed_in(app, name) for name in names)
    return world


def _both_save(app, world):
    kind = world["kind"]
    saved = _post(app, world["first"], world["url"], {**world["form"], kind.field: FIRST})
    assert saved.status_code == 302
    return _post(app, world["second"], world["url"], {**world["form"], kind.field: SECOND})


@pytest.mark.parametrize("both_loaded", list(KINDS), indirect=True)
def test_the_first_of_two_concurrent_saves_survives(app, session, both_loaded):
    refused = _both_save(app, both_loaded)
    assert refused.status_code == 409
    assert saved_value(session, both_loaded) == FIRST


@pytest.mark.parametrize("both_loaded", list(KINDS), indirect=True)
def test_the_audit_trail_has_exactly_the_first_change(app, session, both_loaded):
    _both_save(app, both_loaded)
    events = edit_events(session, both_loaded)
    assert [event.actor_id for event in events] == [both_loaded["first_id"]]


@pytest.mark.parametrize("both_loaded", list(KINDS), indirect=True)
def test_the_second_user_sees_what_was_saved_meanwhile_and_their_own_values(
        app, session, both_loaded):
    page = _both_save(app, both_loaded).get_data(as_text=True)
    conflict = page.split('class="card flash flash-error conflict"')[1].split("</div>")[0]
    assert "他人已保存的值" in conflict and "您的值" in conflict
    assert FIRST in conflict and SECOND in conflict
    assert f'href="{both_loaded["url"]}"' in conflict  # reload what is saved
    form = page.split('<form method="post" novalidate class="card">')[1].split("</form>")[0]
    assert SECOND in form and FIRST not in form  # nothing typed is lost


@pytest.mark.parametrize("both_loaded", list(KINDS), indirect=True)
def test_saving_again_from_the_conflict_page_keeps_the_second_users_values(
        app, session, both_loaded):
    kind = both_loaded["kind"]
    page = _both_save(app, both_loaded).get_data(as_text=True)
    shown_version = re.search(rf'name="{kind.version_field}" type="hidden" value="(\d+)"',
                              page).group(1)
    again = _post(app, both_loaded["second"], both_loaded["url"],
                  {**both_loaded["form"], kind.field: SECOND, kind.version_field: shown_version})
    assert again.status_code == 302
    assert saved_value(session, both_loaded) == SECOND
    assert len(edit_events(session, both_loaded)) == 2


@pytest.mark.parametrize("both_loaded", list(KINDS), indirect=True)
def test_a_save_from_an_unchanged_version_goes_through(app, session, both_loaded):
    kind = both_loaded["kind"]
    saved = _post(app, both_loaded["second"], both_loaded["url"],
                  {**both_loaded["form"], kind.field: SECOND})
    assert saved.status_code == 302 and saved_value(session, both_loaded) == SECOND


@pytest.mark.parametrize("name", list(KINDS))
def test_every_orm_update_raises_the_version(make, session, name):
    kind = KINDS[name]
    record, _first, _second = kind.build(make)
    make.commit()
    before = getattr(record, kind.version_field)
    setattr(record, kind.field, "改")
    make.commit()
    assert getattr(record, kind.version_field) == before + 1


def test_a_race_past_the_check_is_refused_by_the_version_column(make, session):
    """Two saves that both passed the form check: the row's version stops the second."""
    party, _first, _second = _party(make)
    party_id = party.id
    make.commit()
    engine = session.get_bind()
    with Session(engine, expire_on_commit=False) as one, \
            Session(engine, expire_on_commit=False) as other:
        mine = one.get(Party, party_id)
        one.commit()
        theirs = other.get(Party, party_id)
        other.commit()
        mine.name, theirs.name = FIRST, SECOND
        one.commit()
        with pytest.raises(StaleDataError):
            other.commit()
    session.expire_all()
    assert session.get(Party, party_id).name == FIRST


def _signed_in_at_party(make, session, app):
    """A party, the page that edits it, and its case's holder signed in."""
    party, first, _second = _party(make)
    make.commit()
    form, url, case_id, username = (KINDS["party"].form(party), KINDS["party"].url(party),
                                    party.case_id, first.username)
    session.commit()
    return _signed_in(app, username), form, url, case_id


def test_editing_a_party_records_the_change_with_identifiers_masked(make, session, app):
    client, form, url, case_id = _signed_in_at_party(make, session, app)
    assert _post(app, client, url, {**form, "phone": "13912345678"}).status_code == 302
    event = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                    CaseEvent.action == "party.updated")).one()
    assert event.data["fields"] == ["phone"]
    assert "13912345678" not in str(event.data) and event.data["changes"]["phone"][1]


def test_the_case_page_links_each_party_to_its_edit_page(make, session, app):
    client, _form, url, case_id = _signed_in_at_party(make, session, app)
    with app.app_context():
        page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert f'href="{url}"' in page


def test_a_party_edit_page_refuses_a_party_of_another_case(make, session, app):
    other_case_id = make.case().id
    client, form, url, _case_id = _signed_in_at_party(make, session, app)
    party_id = url.split("/")[4]
    answer = _post(app, client, f"/cases/{other_case_id}/parties/{party_id}/edit",
                   {**form, "name": SECOND})
    assert answer.status_code in (403, 404)
    assert session.scalar(select(func.count()).select_from(CaseEvent).where(
        CaseEvent.action == "party.updated")) == 0


@pytest.mark.parametrize("both_loaded", ["party"], indirect=True)
def test_a_conflicting_choice_is_shown_by_its_label_not_its_code(app, session, both_loaded):
    assert both_loaded["form"]["sex"] == "male"
    assert _post(app, both_loaded["first"], both_loaded["url"],
                 {**both_loaded["form"], "sex": "female"}).status_code == 302
    page = _post(app, both_loaded["second"], both_loaded["url"],
                 {**both_loaded["form"], "name": SECOND}).get_data(as_text=True)
    conflict = page.split('class="card flash flash-error conflict"')[1].split("</div>")[0]
    assert "<td>性别</td><td>女</td><td>男</td>" in conflict
    assert "male" not in conflict


@pytest.mark.parametrize("both_loaded", list(KINDS), indirect=True)
def test_the_edit_page_carries_the_version_it_was_loaded_at(app, session, both_loaded):
    kind = both_loaded["kind"]
    with app.app_context():
        page = both_loaded["second"].get(both_loaded["url"]).get_data(as_text=True)
    shown = re.search(rf'name="{kind.version_field}" type="hidden" value="(\d+)"', page)
    assert shown and int(shown.group(1)) == both_loaded["form"][kind.version_field]


@pytest.mark.parametrize("both_loaded", ["session"], indirect=True)
def test_the_case_page_links_a_session_record_to_its_edit_page(app, session, both_loaded):
    with app.app_context():
        page = both_loaded["first"].get(f"/cases/{both_loaded['case_id']}").get_data(
            as_text=True)
    assert f'href="{both_loaded["url"]}"' in page
