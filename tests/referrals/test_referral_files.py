"""Files sent along with a referral (移交材料) reach the receiver."""

import io

from sqlalchemy import select

from mediation_app.casefile.models import Attachment, Referral

from ..factories import PASSWORD

PDF = b"%PDF-1.4\n" + b"0" * 64


def _sender_and_receiver(make):
    district = make.district()
    police = make.user(role="liaison", institution=make.institution(kind="police",
                                                                    region=district))
    committee = make.institution(region=district)
    receiver = make.user(institution=committee)
    return police, committee, receiver


def test_a_file_sent_with_a_referral_is_kept_with_it_and_visible_to_the_receiver(make, app,
                                                                                session):
    police, committee, receiver = _sender_and_receiver(make)
    case = make.case(by=police)
    police_name, receiver_name, committee_id = police.username, receiver.username, committee.id
    make.commit()
    sender = app.test_client()
    sender.post("/login", data={"username": police_name, "password": PASSWORD})
    response = sender.post(f"/cases/{case.id}/referrals/police_mediation", data={
        "to_institution_id": committee_id, "reason": "公调对接",
        "file": (io.BytesIO(PDF), "询问笔录.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    referral = session.scalar(select(Referral))
    attachment = session.scalar(select(Attachment).where(Attachment.referral_id == referral.id))
    assert attachment.filename == "询问笔录.pdf"
    other = app.test_client()
    other.post("/login", data={"username": receiver_name, "password": PASSWORD})
    page = other.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "询问笔录.pdf" in page
    assert other.get(f"/cases/{case.id}/attachments/{attachment.id}").data == PDF


def test_a_disguised_file_is_refused_and_no_referral_is_sent(make, app, session):
    police, committee, _receiver = _sender_and_receiver(make)
    case = make.case(by=police)
    police_name, committee_id = police.username, committee.id
    make.commit()
    sender = app.test_client()
    sender.post("/login", data={"username": police_name, "password": PASSWORD})
    sender.post(f"/cases/{case.id}/referrals/police_mediation", data={
        "to_institution_id": committee_id, "reason": "公调对接",
        "file": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 64), "笔录.pdf")},
        content_type="multipart/form-data")
    session.expire_all()
    assert session.scalar(select(Referral)) is None
