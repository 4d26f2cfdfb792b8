"""The case file (卷宗) is signed and verifiable like every issued document, and its closing is
told to the institutions that worked the case before.

电子签名法 第十三条、第十四条: a reliable electronic signature has the effect of a handwritten
signature or seal, and any change to the signed data after signing can be detected; the file
is signed (PAdES) with the archiving institution's certificate through documents.sign_as,
as agreements and notices are, and carries a verification code for the public verify page.
人民调解法 第二十七条 (调解工作档案) and the loop-closure rule of DESIGN.md §8 (every
institution that handed the case on hears how it ended): the police station that referred the
case (公调对接) is told in Chinese that the case file is closed."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from mediation_app.archive.services import archive_case
from mediation_app.db import utcnow
from mediation_app.documents.certificates import unlock
from mediation_app.documents.models import InstitutionCertificate
from mediation_app.documents.signing import check_signature
from mediation_app.handlings.catalog import catalog
from mediation_app.handlings.services import fire_transition
from mediation_app.notifications.models import Notification
from mediation_app.referrals import services as referrals
from mediation_app.storage import Storage

from ..factories import PASSWORD


@pytest.fixture
def referred(app, make, session, issuer):
    """公调对接: a police station files a neighbours' dispute and refers it to the town's
    committee, which accepts it, mediates it to a signed agreement and closes it."""
    district = make.district()
    police = make.institution(kind="police", region=district, name="城南派出所")
    committee = make.institution(kind="peoples_committee", region=district, name="城南调委会")
    liaison = make.user(role="liaison", institution=police, display_name="刘民警")
    mediator = make.user(institution=committee, display_name="王调解")
    bystander = make.user(institution=make.institution(region=district, name="别处调委会"))
    start = utcnow() - timedelta(days=5)
    case = make.case(by=liaison, now=start)
    referral = referrals.send_referral(session, catalog(), case, kind="police_mediation",
                                       to_institution=committee, reason="邻里纠纷，移送调解。",
                                       actor=liaison, now=start, accept_working_days=3,
                                       issuer=issuer)
    referrals.accept_referral(session, catalog(), referral, actor=mediator,
                              now=start + timedelta(hours=1))
    for step in ("accept", "start_mediation"):
        fire_transition(session, case, step, actor=mediator, now=utcnow())
    make.session_record(case, mediator)
    make.sign_everyone(make.agreement(case, mediator), case, mediator, issuer=issuer)
    if case.current_handling.definition.transition("agree") is not None:
        fire_transition(session, case, "agree", actor=mediator, now=utcnow())
    fire_transition(session, case, "close_success", actor=mediator, now=utcnow())
    session.commit()
    return case, mediator, liaison, bystander


@pytest.fixture
def archived(session, issuer, referred):
    case, mediator, liaison, bystander = referred
    stored = archive_case(session, issuer, case, actor=mediator, checker_name="周检查",
                          retention="long_term", now=utcnow())
    session.commit()
    return stored, case, mediator, liaison, bystander


def _whole(app, stored) -> bytes:
    return Storage(app.config["MEDIATION_STORAGE"]).read(stored.storage_key)


def _institution_p12(app, session, institution_id):
    record = session.scalar(select(InstitutionCertificate).where(
        InstitutionCertificate.institution_id == institution_id))
    return unlock(record, storage=Storage(app.config["MEDIATION_STORAGE"]),
                  secret_key=app.config["SECRET_KEY"])


def test_the_case_file_is_signed_by_the_archiving_institution_and_unaltered(
        app, session, archived):
    stored, case, mediator, *_ = archived
    check = check_signature(_whole(app, stored),
                            _institution_p12(app, session, mediator.institution_id))
    assert check.present and check.intact and check.trusted
    assert "城南调委会" in check.signer


def test_a_changed_byte_breaks_the_case_files_signature(app, session, archived):
    stored = archived[0]
    content = bytearray(_whole(app, stored))
    at = content.index(b"/Type /Page") if b"/Type /Page" in content else len(content) // 3
    content[at + 1] ^= 0x01
    assert not check_signature(bytes(content)).intact


def test_the_cover_prints_the_verification_code_the_archive_keeps(app, archived, pdf_text):
    stored = archived[0]
    text = pdf_text(_whole(app, stored))
    assert stored.verification_code and stored.verification_code in text
    assert "http://verify.test/verify/" + stored.verification_code in text


def test_the_verify_page_declares_the_case_file_genuine_without_personal_data(
        app, archived, client):
    stored, case, *_ = archived
    page = client.get(f"/verify/{stored.verification_code}",
                      headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "真实有效" in page and "调解卷宗" in page and "城南调委会" in page
    assert case.case_no in page
    assert case.parties[0].name not in page and case.parties[0].phone not in page


def test_the_verify_page_matches_the_stored_case_file_and_refuses_a_changed_one(
        app, archived, client):
    from io import BytesIO

    stored = archived[0]
    content = _whole(app, stored)
    same = client.post(f"/verify/{stored.verification_code}", data={
        "file": (BytesIO(content), "卷宗.pdf")}, content_type="multipart/form-data",
        headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    changed = client.post(f"/verify/{stored.verification_code}", data={
        "file": (BytesIO(content + b"\n%"), "卷宗.pdf")}, content_type="multipart/form-data",
        headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "未被篡改" in same and "未被篡改" not in changed


def test_archiving_tells_the_police_station_that_referred_the_case(session, archived):
    stored, case, mediator, liaison, bystander = archived
    [told] = session.scalars(select(Notification).where(Notification.user_id == liaison.id,
                                                        Notification.kind == "outcome.archived"))
    assert told.case_id == case.id and told.params["case_no"] == case.case_no
    assert "城南调委会" in told.params["detail"] and "归档" in told.params["detail"]
    assert stored.verification_code in told.params["detail"]


def test_archiving_does_not_tell_the_archiving_institution_or_outsiders(session, archived):
    _stored, _case, mediator, _liaison, bystander = archived
    told = set(session.scalars(select(Notification.user_id).where(
        Notification.kind == "outcome.archived")))
    assert mediator.id not in told and bystander.id not in told


def test_the_police_liaison_reads_the_closing_in_chinese(app, archived):
    _stored, case, _mediator, liaison, _bystander = archived
    client = app.test_client()
    client.post("/login", data={"username": liaison.username, "password": PASSWORD})
    page = client.get("/notifications/", headers={"Accept-Language": "zh-CN"}).get_data(
        as_text=True)
    assert "本机构曾办理的案件已归档，卷宗已封卷" in page and case.case_no in page
