"""With TEST_REDIS_URL: the last signature of an agreement or of a 调解笔录 issues the document
through a queue worker. The request checks the signature and leaves it to the job, which
stores it and issues the document in one transaction (人民调解法 第二十七条、第二十九条: the
agreement and the record bear the signatures of those who sign them); a failed job stores
neither, and the last signer signs again."""

import base64
from datetime import datetime

import pytest
from sqlalchemy import select

from mediation_app.agreements import issuing, record_signing
from mediation_app.agreements.models import (
    Agreement,
    AgreementSignature,
    RecordDocument,
    SessionRecordSignature,
)
from mediation_app.agreements.services import Signer, sign_agreement
from mediation_app.audit.models import CaseEvent
from mediation_app.db import utcnow
from mediation_app.documents.models import Document
from mediation_app.storage import Storage

from ..factories import SIGNATURE_PNG
from ..jobs import fixtures

queued_app, redis_url, sign_in, work = (fixtures.queued_app, fixtures.redis_url,
                                         fixtures.sign_in, fixtures.work)
PNG_DATA_URI = "data:image/png;base64," + base64.b64encode(SIGNATURE_PNG).decode()


@pytest.fixture
def all_but_the_mediator(make, session):
    """A draft agreement every party has signed; the mediator's signature is the last."""
    case, mediator = make.mediating_case()
    agreement = make.agreement(case, mediator)
    for party in case.parties:
        sign_agreement(session, agreement, Signer(party=party), image_png=SIGNATURE_PNG,
                       ip_address="127.0.0.1", user_agent="pytest", actor=mediator,
                       now=datetime.now())
    make.commit()
    return case.id, agreement.id, mediator


def _last_signature(client, agreement_id):
    response = client.post(f"/agreements/{agreement_id}/signatures",
                            data={"signer": "mediator", "image": PNG_DATA_URI})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def _agreement_state(session, agreement_id):
    """(status, the mediator's signatures, documents) of the agreement, the test's
    transaction ended (SQLite: an open one holds the lock the requests need)."""
    session.rollback()
    state = (session.get(Agreement, agreement_id).status,
             len(session.scalars(select(AgreementSignature.id).where(
                 AgreementSignature.agreement_id == agreement_id,
                 AgreementSignature.user_id.is_not(None))).all()),
             session.scalars(select(Document.id).where(
                 Document.agreement_id == agreement_id)).all())
    session.rollback()
    return state


def test_the_last_agreement_signature_waits_for_a_worker_which_signs_and_issues(
        all_but_the_mediator, session, sign_in, queued_app, work):
    """The request stores nothing and renders nothing; the worker stores the mediator's
    signature, seals the agreement and issues its PDF, each audited, and the page that
    followed it goes to the case saying so."""
    case_id, agreement_id, mediator = all_but_the_mediator
    client = sign_in(mediator)
    following = _last_signature(client, agreement_id)
    assert f"/cases/{case_id}/documents/jobs/" in following
    assert _agreement_state(session, agreement_id) == ("draft", 0, [])
    assert work(queued_app) == 1
    status, mediator_signatures, [document_id] = _agreement_state(session, agreement_id)
    assert (status, mediator_signatures) == ("signed", 1)
    document = session.get(Document, document_id)
    assert Storage(queued_app.config["MEDIATION_STORAGE"]).read(document.storage_key)
    actions = set(session.scalars(select(CaseEvent.action).where(CaseEvent.case_id == case_id)))
    assert {"agreement.signature", "agreement.signed", "document.issued"} <= actions
    session.rollback()
    done = client.get(following, follow_redirects=True)
    assert done.request.path == f"/cases/{case_id}"
    assert "各方均已签名：调解协议已加盖印章、完成签署并归档。" in done.get_data(as_text=True)


def test_a_failed_agreement_job_keeps_neither_signature_nor_document_and_may_be_signed_again(
        all_but_the_mediator, session, sign_in, queued_app, work, monkeypatch):
    """Failing after the PDF was stored, the job keeps no document, no file and not the last
    signature: the agreement is still a draft, the page says so in Chinese, and the
    mediator signs again."""
    case_id, agreement_id, mediator = all_but_the_mediator
    client = sign_in(mediator)
    storage = Storage(queued_app.config["MEDIATION_STORAGE"])
    before = set(storage.path_of("documents").rglob("*"))
    issue = issuing.issue

    def stored_then_broken(*args, **kwargs):
        issue(*args, **kwargs)
        raise RuntimeError("database gone")

    monkeypatch.setattr(issuing, "issue", stored_then_broken)
    following = _last_signature(client, agreement_id)
    work(queued_app)
    assert _agreement_state(session, agreement_id) == ("draft", 0, [])
    assert {p for p in set(storage.path_of("documents").rglob("*")) - before
            if p.is_file()} == set()
    failed = client.get(following, follow_redirects=True)
    assert failed.request.path == f"/agreements/{agreement_id}/sign"
    assert "文书生成出错，未出具任何文书" in failed.get_data(as_text=True)
    monkeypatch.undo()
    _last_signature(client, agreement_id)
    work(queued_app)
    assert _agreement_state(session, agreement_id)[:2] == ("signed", 1)


def test_the_last_mark_on_a_session_record_is_issued_by_a_worker(
        make, session, sign_in, queued_app, work):
    """人民调解法 第二十七条: the last person present refuses to sign; the worker records
    the refusal, dated when it was given, and issues the 调解笔录, kept as that session's
    record; the page that followed it returns to the record."""
    case, mediator = make.mediating_case()
    record = make.session_record(case, mediator, attendees="双方当事人")
    people = record_signing.present(record, case)
    for person in people[:-1]:
        record_signing.mark_record(session, record, person.key,
                                   record_signing.Mark(image_png=SIGNATURE_PNG),
                                   actor=mediator, now=datetime.now())
    make.commit()
    record_id, last = record.id, people[-1].key
    client = sign_in(mediator)
    response = client.post(f"/sessions/{record_id}/record/refusals",
                           data={"signer": last, "note": "未签名即离开"})
    following = response.headers["Location"]
    assert "/documents/jobs/" in following
    session.rollback()
    assert session.scalar(select(SessionRecordSignature.id).where(
        SessionRecordSignature.signer_key == last)) is None
    session.rollback()
    worked_at = utcnow()
    work(queued_app)
    document = session.scalar(select(Document).join(
        RecordDocument, RecordDocument.document_id == Document.id).where(
        RecordDocument.session_id == record_id))
    refusal = session.scalar(select(SessionRecordSignature).where(
        SessionRecordSignature.session_id == record_id, SessionRecordSignature.signer_key == last))
    assert document.kind == "session_record" and refusal.refused
    assert refusal.signed_at < worked_at  # when it was given, not when the worker ran
    session.rollback()
    done = client.get(following, follow_redirects=True)
    assert done.request.path == f"/sessions/{record_id}/record"
    assert "在场人员均已签名：调解笔录已出具并存档。" in done.get_data(as_text=True)
