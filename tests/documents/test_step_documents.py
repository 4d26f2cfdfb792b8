"""The case's documents page: every document each step of the workflow issues (人民调解申请书,
受理登记表, 当事人权利义务告知书 …), the copies issued with view and download, and the
procedural ones issued on the spot at their step. 人民调解法 第十七条 (application and
acceptance), 第二十三条、第二十四条 (the parties' rights and duties told)."""

import re

from sqlalchemy import select

from mediation_app.audit.models import CaseEvent
from mediation_app.documents.models import Document

TIME_OF_DAY = re.compile(r"\d{1,2}:\d{2}")


def _documents(session, case, kind=None) -> list[Document]:
    query = select(Document).where(Document.case_id == case.id)
    if kind:
        query = query.where(Document.kind == kind)
    return list(session.scalars(query))


def test_the_page_lists_each_document_the_workflow_names_with_its_step_and_law(make, login):
    """Each document the people's-mediation workflow names is listed with the steps it is
    issued at and the article it cites (人民调解法 第十七条、第二十三条、第二十四条)."""
    case, mediator = make.mediating_case()
    make.commit()
    page = login(mediator).get(f"/cases/{case.id}/documents").get_data(as_text=True)
    for title in ("人民调解申请书", "人民调解受理登记表", "人民调解当事人权利义务告知书",
                  "人民调解笔录", "人民调解协议书", "终止调解告知书"):
        assert title in page, title
    assert "《中华人民共和国人民调解法》第二十三条、第二十四条" in page
    assert "尚未出具" in page


def test_a_procedural_document_is_issued_from_the_page_at_its_step(
        make, login, session, issuer, pdf_text):
    """人民调解法 第十七条: the application is issued at the registered step; it prints its
    title, the article, the parties' labels and dates without times, and is audited."""
    case, mediator = make.mediating_case()
    make.commit()
    client = login(mediator)
    client.post(f"/cases/{case.id}/documents/application")
    session.expire_all()
    [application] = _documents(session, case, "application")
    text = pdf_text(issuer.storage.read(application.storage_key))
    assert "人民调解申请书" in text and "人民调解法》第十七条" in text
    assert "申请人" in text and "被申请人" in text
    assert not TIME_OF_DAY.search(re.sub(r"https?://\S+", "", text))
    assert session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                  CaseEvent.action == "document.issued"))
    page = client.get(f"/cases/{case.id}/documents").get_data(as_text=True)
    assert f"/documents/{application.id}?view=1" in page
    assert f'href="/documents/{application.id}"' in page


def test_a_document_of_another_step_is_refused_and_nothing_is_issued(make, login, session):
    """人民调解法 第二十三条、第二十四条: the rights notice goes with acceptance; asked for
    at another step, nothing is issued and the mediator reads why in Chinese."""
    _case, mediator = make.mediating_case()
    registered = make.case(by=mediator)
    make.commit()
    response = login(mediator).post(f"/cases/{registered.id}/documents/rights_notice",
                                    follow_redirects=True)
    assert "该文书应在本程序的其他环节出具" in response.get_data(as_text=True)
    session.expire_all()
    assert _documents(session, registered) == []


def test_view_opens_the_document_in_the_browser_and_download_saves_it(make, login, session):
    """The same stored PDF, shown inline with view=1 and as an attachment otherwise."""
    case, mediator = make.mediating_case()
    make.commit()
    client = login(mediator)
    client.post(f"/cases/{case.id}/documents/application")
    session.expire_all()
    [application] = _documents(session, case, "application")
    viewed = client.get(f"/documents/{application.id}?view=1")
    saved = client.get(f"/documents/{application.id}")
    assert viewed.headers["Content-Disposition"].startswith("inline")
    assert saved.headers["Content-Disposition"].startswith("attachment")
    assert viewed.get_data() == saved.get_data()


def test_a_committee_reader_reads_the_page_but_is_offered_nothing_to_issue(
        make, login, session):
    """The region's reader sees what was issued and cannot issue (a document is a legal act
    of the handling institution)."""
    case, mediator = make.mediating_case()
    reader = make.user(role="committee", institution=make.institution(
        kind="committee", region=mediator.institution.region))
    make.commit()
    client = login(reader)
    page = client.get(f"/cases/{case.id}/documents").get_data(as_text=True)
    assert "人民调解申请书" in page and "/documents/application" not in page
    client.post(f"/cases/{case.id}/documents/application")
    session.expire_all()
    assert _documents(session, case) == []
