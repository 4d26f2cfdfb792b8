"""With TEST_REDIS_URL: the last signature given by link is left to a queue worker, which
spends the link, stores the signature, seals and signs the agreement's PDF and delivers it to
every party (电子送达), in one transaction. The party's request renders nothing; its page
follows the job with the party's own signing grant, shows nothing of the case, and no other
party, nor another link's holder, follows it."""

from sqlalchemy import select

from mediation_app.agreements import issuing
from mediation_app.agreements.models import Agreement, AgreementSignature
from mediation_app.agreements.services import Signer, sign_agreement
from mediation_app.db import utcnow
from mediation_app.documents.models import Document
from mediation_app.documents.signing import check_signature
from mediation_app.parties.models import DocumentDelivery, SigningLink

from ..factories import SIGNATURE_PNG
from ..jobs import fixtures
from .conftest import APPLICANT_PHONE, last_code, texts_to
from .test_remote_signing import IMAGE, _link_of, _send_links

queued_app, redis_url, work, renders = (fixtures.queued_app, fixtures.redis_url, fixtures.work,
                                        fixtures.renders)
OTHER_PHONE = "13611112222"


def _all_but_the_applicant(make, world, login, session, *, phone=APPLICANT_PHONE):
    """A draft the respondent and the mediator signed; the applicant's link sent by text.
    (case, agreement, the applicant's link)."""
    parties = [make.party("applicant", name="张建国", phone=phone),
               make.party("respondent", name="王秀英", phone="13787654321")]
    case, mediator = make.mediating_case(by=world.mediator, parties=parties)
    agreement = make.agreement(case, mediator)
    for signer in (Signer(party=case.parties[1]), Signer(user=world.mediator)):
        sign_agreement(session, agreement, signer, image_png=SIGNATURE_PNG, ip_address="1.1.1.1",
                       user_agent="pytest", actor=world.mediator, now=utcnow())
    make.commit()
    _send_links(login, world, agreement)
    return case, agreement, _link_of(session, phone)


def _prove(client, session, link, party, phone):
    """As test_remote_signing's, the test's read ended before each request (SQLite: an open
    one would hold the lock the queued app's requests need)."""
    id_tail = party.id_number[-6:]
    session.rollback()
    client.post(link, data={"send_code": "1"})
    code = last_code(session, phone)
    session.rollback()
    client.post(link, data={"id_tail": id_tail, "code": code, "submit": "1"})
    session.rollback()


def _sign_last(queued_app, session, case, link, phone=APPLICANT_PHONE):
    """The applicant proves who they are and signs: (their client, the page it goes to)."""
    party = queued_app.test_client()
    _prove(party, session, link, case.parties[0], phone=phone)
    response = party.post(link + "/signature", data={"image": IMAGE})
    assert response.status_code == 302, response.get_data(as_text=True)
    return party, response.headers["Location"]


def _state(session, agreement_id):
    """(status, signatures, documents, deliveries) of the agreement, transaction ended."""
    session.rollback()
    documents = session.scalars(select(Document.id).where(
        Document.agreement_id == agreement_id)).all()
    state = (session.get(Agreement, agreement_id).status,
             len(session.scalars(select(AgreementSignature.id).where(
                 AgreementSignature.agreement_id == agreement_id)).all()),
             documents,
             len(session.scalars(select(DocumentDelivery.id).where(
                 DocumentDelivery.document_id.in_(documents))).all()))
    session.rollback()
    return state


def test_the_party_request_stores_and_renders_nothing_and_follows_the_job(
        make, world, login, session, queued_app, renders):
    case, agreement, link = _all_but_the_applicant(make, world, login, session)
    party, following = _sign_last(queued_app, session, case, link)
    assert following.startswith(link + "/jobs/")
    assert _state(session, agreement.id) == ("draft", 2, [], 0)
    assert renders == []
    page = party.get(following)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "正在记录您的签名" in text
    assert '<meta http-equiv="refresh"' in text
    assert case.case_no not in text and "张建国" not in text and "王秀英" not in text


def test_a_worker_stores_the_signature_seals_the_pdf_and_delivers_it(
        make, world, login, session, queued_app, work, renders):
    case, agreement, link = _all_but_the_applicant(make, world, login, session)
    party, following = _sign_last(queued_app, session, case, link)
    assert work(queued_app) == 1
    status, signatures, [document_id], deliveries = _state(session, agreement.id)
    assert (status, signatures, deliveries) == ("signed", 3, 2)
    assert session.scalar(select(SigningLink.used_at).where(
        SigningLink.agreement_id == agreement.id,
        SigningLink.party_id == case.parties[0].id)) is not None
    assert any("《人民调解协议书》已向您送达" in body for body in texts_to(session, APPLICANT_PHONE))
    assert set(renders) == {"job"}
    session.rollback()
    done = party.get(following, follow_redirects=True)
    assert done.request.path == "/follow/status"
    assert "谢谢，您的签名已记录" in done.get_data(as_text=True)
    check = check_signature(party.get(f"/follow/documents/{document_id}").data)
    assert check.present and check.intact


def test_a_failed_job_keeps_nothing_and_the_party_signs_again_by_the_same_link(
        make, world, login, session, queued_app, work, monkeypatch):
    case, agreement, link = _all_but_the_applicant(make, world, login, session)
    party, following = _sign_last(queued_app, session, case, link)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(issuing, "issue", broken)
    work(queued_app)
    assert _state(session, agreement.id) == ("draft", 2, [], 0)
    failed = party.get(following, follow_redirects=True)
    assert failed.request.path == link + "/agreement"
    assert "签名记录出错" in failed.get_data(as_text=True)
    monkeypatch.undo()
    party.post(link + "/signature", data={"image": IMAGE})
    work(queued_app)
    assert _state(session, agreement.id)[:2] == ("signed", 3)


def test_without_the_signing_grant_the_job_is_not_found(
        make, world, login, session, queued_app):
    case, _agreement, link = _all_but_the_applicant(make, world, login, session)
    _party, following = _sign_last(queued_app, session, case, link)
    assert queued_app.test_client().get(following).status_code == 404


def test_another_case_party_does_not_follow_the_job(make, world, login, session, queued_app):
    """A party who proved who they are for another agreement's link finds the job neither
    under their own link nor under this one."""
    case, _agreement, link = _all_but_the_applicant(make, world, login, session)
    _party, following = _sign_last(queued_app, session, case, link)
    other_case, _other, other_link = _all_but_the_applicant(make, world, login, session,
                                                            phone=OTHER_PHONE)
    other = queued_app.test_client()
    _prove(other, session, other_link, other_case.parties[0], phone=OTHER_PHONE)
    job_id = following.rsplit("/", 1)[1]
    assert other.get(following).status_code == 404
    assert other.get(f"{other_link}/jobs/{job_id}").status_code == 404
