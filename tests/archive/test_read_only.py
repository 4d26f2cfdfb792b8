"""An archived case is read-only (DESIGN.md §2: "Closed cases are archived (归档) and
read-only"; 人民调解法 第二十七条: the case file is 立卷归档 and kept as it was bound). Every
write — steps, details, parties, sessions, 履行 and 回访, documents, referrals, attachments,
mediators, appointments, archiving again — is refused by the access policy with a Chinese
message and changes no data; reading stays as before. Another institution cannot archive or
download by guessing ids; region readers download the case file masked."""

import hashlib
import io
from datetime import date

import pytest
from sqlalchemy import select

from mediation_app.agreements.models import Agreement
from mediation_app.archive.services import archive_case
from mediation_app.db import db, utcnow
from mediation_app.documents.models import Document
from mediation_app.storage import Storage
from tests.factories import PASSWORD, reason_for

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
IGNORED = {"api_tokens"}  # an API call records when its token was last used


def _client_of(app, user):
    client = app.test_client()
    assert client.post("/login", data={"username": user.username,
                                       "password": PASSWORD}).status_code == 302
    return client


def _snapshot() -> dict[str, str]:
    db.session.rollback()
    return {table.name: hashlib.sha256(repr(sorted(
        repr(tuple(row)) for row in db.session.execute(select(table)))).encode()).hexdigest()
        for table in db.metadata.tables.values() if table.name not in IGNORED}


@pytest.fixture
def archived(app, session, closed, issuer):
    case, mediator = closed
    archive_case(session, issuer, case, actor=mediator,
                 checker_name="周检查", retention="permanent", now=utcnow())
    session.commit()
    return case, mediator


def _writes(case, agreement, document) -> list[tuple[str, str, dict]]:
    """Each write with input that would be accepted on a case not archived."""
    today = date.today().isoformat()
    return [
        ("POST", f"/cases/{case.id}/edit", {"summary": "改动", "dispute_type": "neighbour"}),
        ("POST", f"/cases/{case.id}/parties/new", {"role": "third_party", "kind": "person",
                                                   "name": "新当事人"}),
        ("POST", f"/cases/{case.id}/attachments", {"file": (io.BytesIO(PNG), "a.png")}),
        ("POST", f"/cases/{case.id}/transitions/close_failure", {}),
        ("POST", f"/cases/{case.id}/sessions/new", {"held_on": today, "place": "调解室",
                                                    "mediators": "甲", "attendees": "双方",
                                                    "record": "补记"}),
        ("POST", f"/cases/{case.id}/follow-ups/new", {"visited_on": today, "satisfaction": "4",
                                                      "notes": "再次回访"}),
        ("POST", f"/agreements/{agreement.id}/performances", {"description": "付款",
                                                              "due_on": today}),
        ("POST", f"/agreements/{agreement.id}/confirmation-application", {"court": "1"}),
        ("POST", f"/cases/{case.id}/referrals/judicial_confirmation", {"reason": "司法确认"}),
        ("POST", f"/documents/{document.id}/deliver", {}),
        ("POST", f"/cases/{case.id}/mediators", {}),
        ("POST", f"/cases/{case.id}/appointments", {"starts_at": today, "place": "调解室"}),
        ("POST", f"/cases/{case.id}/archive", {"checker_name": "再归档", "retention": "long_term",
                                               "confirm": "y"}),
    ]


def test_every_write_to_an_archived_case_is_refused_and_changes_no_data(
        app, session, archived):
    case, mediator = archived
    agreement = session.scalars(select(Agreement).where(Agreement.case_id == case.id)).first()
    document = session.scalars(select(Document).where(Document.case_id == case.id)).first()
    client = _client_of(app, mediator)
    for method, path, data in _writes(case, agreement, document):
        before = _snapshot()
        response = client.open(path, method=method, data=data)
        changed = {name for name, digest in _snapshot().items() if before[name] != digest}
        assert (path, changed) == (path, set())
        assert response.status_code in (302, 403, 404), path


def test_every_write_refused_on_an_archived_case_says_why(app, session, archived):
    case, mediator = archived
    agreement = session.scalars(select(Agreement).where(Agreement.case_id == case.id)).first()
    document = session.scalars(select(Document).where(Document.case_id == case.id)).first()
    client = _client_of(app, mediator)
    refused = {path: client.open(path, method=method, data=data)
               for method, path, data in _writes(case, agreement, document)}
    silent = [path for path, response in refused.items() if response.status_code == 403
              and "本案已归档" not in response.get_data(as_text=True)]
    assert silent == []


def test_an_api_step_on_an_archived_case_is_refused_and_changes_no_data(
        app, make, session, archived):
    case, mediator = archived
    token = make.token(mediator)
    session.commit()
    before = _snapshot()
    response = app.test_client().post(f"/api/v1/cases/{case.id}/transitions/close_failure",
                                      json={}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403 and _snapshot() == before
    assert "已归档" in response.get_json()["error"]


def test_the_refusal_says_in_chinese_that_the_case_is_archived(app, archived):
    case, mediator = archived
    response = _client_of(app, mediator).get(f"/cases/{case.id}/edit")
    assert response.status_code == 403
    assert "本案已归档，卷宗已封存，不能再作任何更改。" in response.get_data(as_text=True)


def test_the_holder_still_reads_the_case_page_whole_after_archiving(app, archived):
    case, mediator = archived
    page = _client_of(app, mediator).get(f"/cases/{case.id}").get_data(as_text=True)
    assert case.parties[0].id_number in page and "已归档" in page


def test_the_archiving_institution_downloads_the_case_file_whole(app, archived, pdf_text):
    case, mediator = archived
    response = _client_of(app, mediator).get(f"/cases/{case.id}/casefile.pdf")
    text = pdf_text(response.data)
    assert case.parties[0].id_number in text and case.parties[0].phone in text
    assert "遮蔽" not in text


def test_a_region_reader_downloads_the_case_file_masked(app, make, session, archived, pdf_text):
    case, mediator = archived
    reader = make.user(role="committee", institution=make.institution(
        kind="committee", region=mediator.institution.region))
    session.commit()
    response = _client_of(app, reader).get(f"/cases/{case.id}/casefile.pdf")
    text = pdf_text(response.data)
    party = case.parties[0]
    assert party.id_number not in text and party.phone not in text
    assert party.id_number[:4] + "*" * 10 + party.id_number[-4:] in text
    assert "本件为个人信息已遮蔽的副本" in text and "卷内备考表" in text


def test_another_institution_cannot_archive_or_download_by_guessing_ids(
        app, make, session, closed):
    case, _ = closed
    stranger = make.user(institution=make.institution(region=make.district()))
    session.commit()
    client = _client_of(app, stranger)
    before = _snapshot()
    answers = [client.get(f"/cases/{case.id}/archive").status_code,
               client.post(f"/cases/{case.id}/archive", data={
                   "checker_name": "外人", "retention": "long_term", "confirm": "y"}).status_code,
               client.get(f"/cases/{case.id}/casefile.pdf").status_code]
    assert answers == [404, 404, 404] and _snapshot() == before
    assert case.archived_at is None


def test_a_stranger_cannot_download_an_archived_case_file(app, make, session, archived):
    case, _ = archived
    stranger = make.user(institution=make.institution(region=make.district()))
    session.commit()
    response = _client_of(app, stranger).get(f"/cases/{case.id}/casefile.pdf")
    assert response.status_code == 404 and not response.data.startswith(b"%PDF")


def test_a_failed_mediation_is_bound_with_its_termination_notice(
        app, make, session, issuer, pdf_text):
    from mediation_app.documents.services import issue_failure_notice
    from mediation_app.handlings.services import fire_transition

    case, mediator = make.mediating_case()
    fire_transition(session, case, "close_failure", actor=mediator, now=utcnow(),
                    reason=reason_for(case, "close_failure"))
    notice = issue_failure_notice(session, issuer, case, actor=mediator, now=utcnow())
    session.commit()
    stored = archive_case(session, issuer, case,
                          actor=mediator, checker_name="周检查", retention="short_term",
                          now=utcnow())
    text = pdf_text(Storage(app.config["MEDIATION_STORAGE"]).read(stored.storage_key))
    assert "终止调解告知书" in text and notice.verification_code in text
    assert "调解协议书" not in text and "短期" in text


def test_the_case_list_marks_the_archived_case(app, archived):
    case, mediator = archived
    page = _client_of(app, mediator).get("/cases/").get_data(as_text=True)
    row = page[page.index(case.case_no):]
    assert "已归档" in row[:row.index("</tr>")]
