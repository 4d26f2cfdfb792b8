"""Two API clients changing the same party, session record or agreement draft: each record's
edit version is its ETag; an update sent with an If-Match that is no longer current changes
nothing and is answered 409 with, field by field, the value sent and the value saved now,
and the current version. Sending that version saves."""

from dataclasses import dataclass
from typing import Callable

import pytest
from sqlalchemy import select

from mediation_app.agreements.models import Agreement, MediationSession
from mediation_app.casefile.models import Party

from ..cases.test_concurrent_record_edits import _draft, _party, _session_record
from ..edit_records import edit_events, saved_value
from .test_cases_api import _auth


@dataclass
class Kind:
    model: type
    build: Callable  # make -> (record, first user, second user)
    url: Callable  # record -> where it is changed
    body: Callable  # record -> the body as read
    version: Callable  # record -> its edit version
    field: str
    action: str


KINDS = {
    "party": Kind(
        model=Party, build=_party,
        url=lambda party: f"/api/v1/cases/{party.case_id}/parties/{party.id}",
        body=lambda party: {"role": party.role, "kind": party.kind, "name": party.name,
                            "sex": party.sex, "id_number": party.id_number,
                            "phone": party.phone, "address": party.address},
        version=lambda party: party.version, field="name", action="party.updated"),
    "session": Kind(
        model=MediationSession, build=_session_record,
        url=lambda record: f"/api/v1/sessions/{record.id}",
        body=lambda record: {"held_on": record.held_on.isoformat(), "place": record.place,
                             "mediators": record.mediators, "attendees": record.attendees,
                             "record": record.record},
        version=lambda record: record.version, field="place", action="session.edited"),
    "agreement": Kind(
        model=Agreement, build=_draft,
        url=lambda draft: f"/api/v1/agreements/{draft.id}",
        body=lambda draft: {"facts": draft.facts, "matters": draft.matters,
                            "clauses": list(draft.clauses), "amount": str(draft.amount),
                            "performance_manner": draft.performance_manner,
                            "performance_deadline": draft.performance_deadline.isoformat()},
        version=lambda draft: draft.row_version, field="performance_manner",
        action="agreement.edited"),
}
FIRST, SECOND = "甲保存的值", "乙发送的值"


@pytest.fixture
def both_read(make, session, app, request):
    """Two clients of the holding institution, each having read the record at one version."""
    kind = KINDS[request.param]
    record, first, second = kind.build(make)
    tokens = make.token(first), make.token(second)
    make.commit()
    world = {"kind": kind, "id": record.id, "case_id": record.case_id, "url": kind.url(record),
             "body": kind.body(record), "version": kind.version(record), "tokens": tokens,
             "first_id": first.id}
    session.commit()  # the test holds no transaction while the requests run
    return world


def _put(app, world, token, value, version):
    headers = {**_auth(token), "If-Match": f'"{version}"'}
    body = {**world["body"], world["kind"].field: value}
    with app.app_context():  # each request in its own context, as in a real server
        return app.test_client().put(world["url"], headers=headers, json=body)


def _both_update(app, world):
    first = _put(app, world, world["tokens"][0], FIRST, world["version"])
    assert first.status_code == 200, first.json
    return _put(app, world, world["tokens"][1], SECOND, world["version"])


@pytest.mark.parametrize("both_read", list(KINDS), indirect=True)
def test_a_stale_if_match_is_refused_and_the_first_update_survives(app, session, both_read):
    refused = _both_update(app, both_read)
    assert refused.status_code == 409
    assert saved_value(session, both_read) == FIRST


@pytest.mark.parametrize("both_read", list(KINDS), indirect=True)
def test_the_audit_trail_has_exactly_the_first_update(app, session, both_read):
    _both_update(app, both_read)
    assert [event.actor_id for event in edit_events(session, both_read)] == [both_read["first_id"]]


@pytest.mark.parametrize("both_read", list(KINDS), indirect=True)
def test_the_409_lists_what_differs_and_the_current_version(app, session, both_read):
    body = _both_update(app, both_read).json
    assert body["status"] == 409 and body["current_version"] == both_read["version"] + 1
    assert {"field": both_read["kind"].field, "submitted": SECOND, "current": FIRST} \
        in body["changes"]
    assert [change["field"] for change in body["changes"]] == [both_read["kind"].field]


@pytest.mark.parametrize("both_read", list(KINDS), indirect=True)
def test_sending_the_current_version_saves_the_second_clients_values(app, session, both_read):
    current = _both_update(app, both_read).json["current_version"]
    again = _put(app, both_read, both_read["tokens"][1], SECOND, current)
    assert again.status_code == 200
    assert saved_value(session, both_read) == SECOND
    assert len(edit_events(session, both_read)) == 2


@pytest.mark.parametrize("both_read", list(KINDS), indirect=True)
def test_an_update_answers_with_the_new_version_as_etag(app, session, both_read):
    saved = _put(app, both_read, both_read["tokens"][0], FIRST, both_read["version"])
    new_version = both_read["version"] + 1
    assert saved.headers["ETag"] == f'"{new_version}"'
    assert saved.json["edit_version"] == new_version


@pytest.mark.parametrize("both_read", ["party"], indirect=True)
def test_an_if_match_that_names_no_version_is_refused_with_400(app, session, both_read):
    headers = {**_auth(both_read["tokens"][0]), "If-Match": "not-a-version"}
    with app.app_context():
        answer = app.test_client().put(both_read["url"], headers=headers,
                                       json={**both_read["body"], "name": FIRST})
    assert answer.status_code == 400
    assert saved_value(session, both_read) != FIRST


@pytest.mark.parametrize("both_read", ["session"], indirect=True)
def test_the_case_sessions_are_listed_with_their_edit_versions(app, session, both_read):
    with app.app_context():
        listed = app.test_client().get(f"/api/v1/cases/{both_read['case_id']}/sessions",
                                       headers=_auth(both_read["tokens"][0])).json
    assert [(item["id"], item["edit_version"]) for item in listed] == \
        [(both_read["id"], both_read["version"])]


@pytest.mark.parametrize("both_read", ["party"], indirect=True)
def test_the_case_shows_each_partys_edit_version(app, session, both_read):
    with app.app_context():
        case = app.test_client().get(f"/api/v1/cases/{both_read['case_id']}",
                                     headers=_auth(both_read["tokens"][0])).json
    assert {"id": both_read["id"], "edit_version": both_read["version"]}.items() <= \
        case["parties"][0].items()


def test_a_region_reader_gets_the_session_records_with_phones_masked(make, session, app):
    case, mediator = make.mediating_case()
    record = session.scalars(select(MediationSession)
                             .where(MediationSession.case_id == case.id)).one()
    record.record = "申请人电话13912345678，同意调解。"
    reader = make.user(role="committee", institution=make.institution(
        kind="committee", region=case.region))
    token, case_id = make.token(reader), case.id
    make.commit()
    with app.app_context():
        listed = app.test_client().get(f"/api/v1/cases/{case_id}/sessions",
                                       headers=_auth(token)).json
    assert "13912345678" not in listed[0]["record"] and "同意调解" in listed[0]["record"]
