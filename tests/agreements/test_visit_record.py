"""After a 回访 the documents page offers the holder the visit's 人民调解回访记录
(《中华人民共和国人民调解法》第三十一条: the committee follows up the performance of the
agreement), issued once per visit; region readers see the list but are offered nothing."""

import re

from sqlalchemy import select

from mediation_app.agreements.models import RecordDocument
from mediation_app.documents.models import Document


def _visited(make):
    return make.visited_case(by=make.user(display_name="张伟"))


def test_the_holder_issues_the_visit_record_from_the_documents_page(make, login, session,
                                                                    pdf_text, issuer):
    case, mediator, visit = _visited(make)
    client = login(mediator)
    assert f"/follow-ups/{visit.id}/record" in client.get(
        f"/cases/{case.id}/documents").get_data(as_text=True)
    client.post(f"/follow-ups/{visit.id}/record")
    document = session.scalar(select(Document).join(
        RecordDocument, RecordDocument.document_id == Document.id).where(
        RecordDocument.follow_up_id == visit.id))
    flat = re.sub(r"\s+", "", pdf_text(issuer.storage.read(document.storage_key)))
    assert document.title == "人民调解回访记录" and "已按期付款。" in flat and "第三十一条" in flat


def test_a_visit_record_is_issued_once(make, login, session):
    case, mediator, visit = _visited(make)
    client = login(mediator)
    client.post(f"/follow-ups/{visit.id}/record")
    page = client.post(f"/follow-ups/{visit.id}/record", follow_redirects=True)
    assert "本次回访的记录已经出具" in page.get_data(as_text=True)
    assert len(session.scalars(select(Document).where(
        Document.kind == "follow_up_record")).all()) == 1


def test_a_region_reader_sees_the_visit_but_is_offered_nothing(make, login, session):
    case, _mediator, visit = _visited(make)
    reader = make.user(role="committee", institution=make.institution(
        kind="committee", region=case.handlings[0].institution.region))
    make.commit()
    client = login(reader)
    page = client.get(f"/cases/{case.id}/documents").get_data(as_text=True)
    assert "人民调解回访记录" in page and f"/follow-ups/{visit.id}/record" not in page
    assert client.post(f"/follow-ups/{visit.id}/record").status_code == 403
    assert session.scalar(select(RecordDocument)) is None
