"""Signing remotely: the mediator sends each party a one-time link; the party proves who
they are with a code sent to the phone on file and the last six characters of the ID
number, reads the agreement and signs on their phone. IP, browser and time are recorded;
the last signature seals and signs the PDF as on the mediator's screen."""

from datetime import timedelta

from sqlalchemy import select

from mediation_app.agreements.models import Agreement, AgreementSignature
from mediation_app.agreements.services import Signer, sign_agreement
from mediation_app.audit.models import CaseEvent
from mediation_app.db import utcnow
from mediation_app.documents.models import Document
from mediation_app.documents.signing import check_signature
from mediation_app.parties.models import SigningLink

from ..factories import SIGNATURE_PNG
from ..unchanged import snapshot
from .conftest import APPLICANT_PHONE, RESPONDENT_PHONE, last_code, texts_to

IMAGE = "data:image/png;base64," + __import__("base64").b64encode(SIGNATURE_PNG).decode()


def _draft(make, world, respondent_phone=RESPONDENT_PHONE):
    parties = [make.party("applicant", name="张建国", phone=APPLICANT_PHONE),
               make.party("respondent", name="王秀英", phone=respondent_phone)]
    case, mediator = make.mediating_case(by=world.mediator, parties=parties)
    agreement = make.agreement(case, mediator)
    make.commit()
    return case, agreement


def _send_links(login, world, agreement):
    return login(world.mediator).post(f"/agreements/{agreement.id}/signing-links",
                                      follow_redirects=True)


def _link_of(session, phone) -> str:
    body = [b for b in texts_to(session, phone) if "/sign/" in b][-1]
    return body.split("http://localhost", 1)[1].split("（", 1)[0]


def _prove(client, session, link, party, phone=APPLICANT_PHONE, tail=None):
    client.post(link, data={"send_code": "1"})
    return client.post(link, data={"id_tail": tail or party.id_number[-6:],
                                   "code": last_code(session, phone), "submit": "1"})


def test_links_go_by_text_to_each_party_still_to_sign(client, session, world, make, login):
    case, agreement = _draft(make, world)
    page = _send_links(login, world, agreement).get_data(as_text=True)
    assert "张建国" in page and "王秀英" in page
    for phone in (APPLICANT_PHONE, RESPONDENT_PHONE):
        assert any(case.case_no in b and "/sign/" in b for b in texts_to(session, phone))
    assert len(session.scalars(select(SigningLink)).all()) == 2
    assert session.scalar(select(CaseEvent).where(CaseEvent.action == "agreement.links_sent"))


def test_a_party_without_a_mobile_number_is_left_to_sign_in_person(client, session, world,
                                                                   make, login):
    _case, agreement = _draft(make, world, respondent_phone=None)
    page = _send_links(login, world, agreement).get_data(as_text=True)
    assert "请当面签名：王秀英" in page
    assert len(session.scalars(select(SigningLink)).all()) == 1


def test_another_institution_cannot_send_links(client, session, world, make, login):
    _case, agreement = _draft(make, world)
    client = login(world.other_mediator)
    before = snapshot()
    response = client.post(f"/agreements/{agreement.id}/signing-links")
    assert response.status_code == 404
    assert snapshot() == before                 # no link, no text queued, no audit event
    assert session.scalar(select(SigningLink)) is None


def test_the_party_proves_identity_reads_and_signs_on_the_phone(client, session, world, make,
                                                                login):
    case, agreement = _draft(make, world)
    _send_links(login, world, agreement)
    party = client.application.test_client()
    link = _link_of(session, APPLICANT_PHONE)
    assert _prove(party, session, link, case.parties[0]).headers["Location"].endswith(
        link + "/agreement")
    page = party.get(link + "/agreement").get_data(as_text=True)
    assert "被申请人于十日内支付申请人人民币1,200元。" in page and "signature-canvas" in page
    party.post(link + "/signature", data={"image": IMAGE},
               headers={"User-Agent": "Mozilla/5.0 (iPhone)"},
               environ_base={"REMOTE_ADDR": "203.0.113.9"})
    signature = session.scalar(select(AgreementSignature))
    assert signature.party_id == case.parties[0].id
    assert (signature.ip_address, signature.user_agent) == ("203.0.113.9", "Mozilla/5.0 (iPhone)")
    event = session.scalar(select(CaseEvent).where(CaseEvent.action == "agreement.signature"))
    assert (event.actor_id, event.data["signer"], event.data["via"]) == (None, "张建国", "link")
    assert "witness" not in event.data


def test_a_wrong_id_tail_is_refused_and_counted(client, session, world, make, login):
    case, agreement = _draft(make, world)
    _send_links(login, world, agreement)
    party = client.application.test_client()
    link = _link_of(session, APPLICANT_PHONE)
    answer = _prove(party, session, link, case.parties[0], tail="000000")
    assert "验证码错误或已失效" in answer.get_data(as_text=True)
    assert party.get(link + "/agreement").headers["Location"].endswith(link)


def test_a_link_signs_once(client, session, world, make, login):
    case, agreement = _draft(make, world)
    _send_links(login, world, agreement)
    party = client.application.test_client()
    link = _link_of(session, APPLICANT_PHONE)
    _prove(party, session, link, case.parties[0])
    party.post(link + "/signature", data={"image": IMAGE})
    again = party.get(link)
    assert again.status_code == 404 and "签名链接已失效" in again.get_data(as_text=True)
    assert len(session.scalars(select(AgreementSignature)).all()) == 1


def test_a_new_link_replaces_the_old_one(client, session, world, make, login):
    _case, agreement = _draft(make, world)
    _send_links(login, world, agreement)
    old = _link_of(session, APPLICANT_PHONE)
    _send_links(login, world, agreement)
    assert client.get(old).status_code == 404
    assert client.get(_link_of(session, APPLICANT_PHONE)).status_code == 200


def test_an_expired_link_no_longer_opens(client, session, world, make, login):
    _case, agreement = _draft(make, world)
    _send_links(login, world, agreement)
    for link in session.scalars(select(SigningLink)):
        link.expires_at = utcnow() - timedelta(minutes=1)
    make.commit()
    assert client.get(_link_of(session, APPLICANT_PHONE)).status_code == 404


def test_the_last_signature_by_link_seals_and_signs_the_pdf(client, session, world, make,
                                                            login):
    case, agreement = _draft(make, world)
    for signer in (Signer(party=case.parties[1]), Signer(user=world.mediator)):
        sign_agreement(session, agreement, signer, image_png=SIGNATURE_PNG, ip_address="1.1.1.1",
                       user_agent="pytest", actor=world.mediator, now=utcnow())
    make.commit()
    _send_links(login, world, agreement)
    party = client.application.test_client()
    link = _link_of(session, APPLICANT_PHONE)
    _prove(party, session, link, case.parties[0])
    party.post(link + "/signature", data={"image": IMAGE})
    session.expire_all()
    assert session.get(Agreement, agreement.id).status == "signed"
    document = session.scalar(select(Document).where(Document.agreement_id == agreement.id))
    pdf = party.get(f"/follow/documents/{document.id}").data
    check = check_signature(pdf)
    assert check.present and check.intact
