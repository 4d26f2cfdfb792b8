"""The 人民调解笔录 signed on screen by those present at the session. 《中华人民共和国人民调解法》
第二十七条: the mediator may hold the mediation in the open and invite others to take part;
in practice the record of the sitting is checked and signed by everyone present (the
parties, the mediators, the recorder, the others invited); one who refuses to sign is
recorded as having refused (拒绝签名), with a note. When the last person present has signed
or refused, the record is issued: signed PDF, a Document, audited, each signature printed
beside its name and each signer one event on the case timeline."""

import base64
import re
from datetime import datetime

import pytest
from sqlalchemy import select

from mediation_app.agreements import issuing, record_signing, services
from mediation_app.agreements.models import RecordDocument, SessionRecordSignature
from mediation_app.agreements.presence import present_at
from mediation_app.agreements.services import AgreementError
from mediation_app.audit.models import CaseEvent
from mediation_app.documents.models import Document

from ..factories import SIGNATURE_PNG

PNG_DATA_URI = "data:image/png;base64," + base64.b64encode(SIGNATURE_PNG).decode()


def _sitting(make):
    """A case in mediation and a session attended by both parties, mediated by 张伟 and
    recorded by 孙丽, with the village representative 赵六 present."""
    mediator = make.user(display_name="张伟")
    recorder = make.user(display_name="孙丽", institution=mediator.institution)
    case, mediator = make.mediating_case(by=mediator, parties=[
        make.party("applicant", name="王秀英"), make.party("respondent", name="李建国")])
    record = make.session_record(case, mediator, attendees="王秀英、李建国、村民代表赵六",
                                 recorder_id=recorder.id, record="双方同意疏通排水沟。")
    return case, mediator, record


def _mark(make, record, key, mediator, issuer=None, **mark):
    mark = record_signing.Mark(**({"image_png": SIGNATURE_PNG} if not mark else mark))
    return record_signing.mark_record(
        make.session, record, key, mark, actor=mediator, now=datetime(2026, 12, 2, 3, 4),
        on_complete=(lambda done: issuing.issue_session_record(
            make.session, issuer, done, actor=mediator, now=datetime(2026, 12, 2, 3, 4)))
        if issuer else None)


def _everyone_signs(make, case, record, mediator, issuer):
    for person in record_signing.present(record, case):
        _mark(make, record, person.key, mediator, issuer)


def _issued(make, record):
    return make.session.scalar(select(Document).join(
        RecordDocument, RecordDocument.document_id == Document.id).where(
        RecordDocument.session_id == record.id))


def test_those_present_are_the_parties_named_the_mediators_the_recorder_and_the_others():
    people = present_at(parties=[(1, "王秀英"), (2, "李建国"), (3, "周某")],
                        mediators="张伟、刘洋", attendees="王秀英、李建国、村民代表赵六",
                        recorder=(9, "孙丽"))
    assert [(p.role, p.name) for p in people] == [
        ("party", "王秀英"), ("party", "李建国"), ("mediator", "张伟"), ("mediator", "刘洋"),
        ("recorder", "孙丽"), ("other", "村民代表赵六")]


def test_a_record_of_both_parties_present_lists_every_party():
    people = present_at(parties=[(1, "王秀英"), (2, "李建国")], mediators="张伟",
                        attendees="双方当事人", recorder=None)
    assert [p.key for p in people] == ["party:1", "party:2", "mediator:张伟"]


def test_the_record_is_issued_only_when_everyone_present_has_signed(make, issuer):
    case, mediator, record = _sitting(make)
    people = record_signing.present(record, case)
    for person in people[:-1]:
        _mark(make, record, person.key, mediator, issuer)
    assert _issued(make, record) is None
    _mark(make, record, people[-1].key, mediator, issuer)
    document = _issued(make, record)
    assert (document.kind, document.title, document.is_signed) == \
        ("session_record", "人民调解笔录", True)
    assert len(record_signing.signatures(make.session, record)) == 5


def test_each_signature_is_stored_with_who_and_the_png(make):
    case, mediator, record = _sitting(make)
    _mark(make, record, f"party:{case.parties[0].id}", mediator)
    stored = make.session.scalar(select(SessionRecordSignature))
    assert (stored.signer_name, stored.signer_role, stored.image_png, stored.refused,
            stored.recorded_by_id) == ("王秀英", "party", SIGNATURE_PNG, False, mediator.id)


def test_the_issued_record_prints_each_name_the_title_the_article_and_dates_without_times(
        make, issuer, pdf_text):
    case, mediator, record = _sitting(make)
    _everyone_signs(make, case, record, mediator, issuer)
    text = pdf_text(issuer.storage.read(_issued(make, record).storage_key))
    flat = re.sub(r"\s+", "", text)
    assert "人民调解笔录" in flat and "第二十七条" in flat
    for name in ("王秀英", "李建国", "张伟", "孙丽", "村民代表赵六"):
        assert f"{name}2026年12月2日" in flat or name in flat
    assert "当事人（签名）：王秀英" in flat and "记录人（签名）：孙丽" in flat
    assert "2026年12月2日" in flat and not re.search(r"\d{1,2}:\d{2}", text)


def test_the_issued_record_embeds_a_cjk_font_and_the_signature_images(make, issuer,
                                                                      pdf_fonts):
    case, mediator, record = _sitting(make)
    _everyone_signs(make, case, record, mediator, issuer)
    content = issuer.storage.read(_issued(make, record).storage_key)
    assert re.search(r"CJK|WenQuanYi|Noto|Droid|Hei|Song", pdf_fonts(content))
    assert b"/Subtype /Image" in content  # the drawn signatures (one image, shared)


def test_a_refusal_is_recorded_with_its_note_and_printed_as_such(make, issuer, pdf_text):
    case, mediator, record = _sitting(make)
    respondent = case.parties[1]
    for person in record_signing.present(record, case):
        if person.key == f"party:{respondent.id}":
            _mark(make, record, person.key, mediator, issuer, refusal_note="当场拒绝签名，表示不认可记录")
        else:
            _mark(make, record, person.key, mediator, issuer)
    refusal = make.session.scalar(select(SessionRecordSignature).where(
        SessionRecordSignature.refused.is_(True)))
    assert (refusal.signer_name, refusal.image_png, refusal.refusal_note) == \
        ("李建国", None, "当场拒绝签名，表示不认可记录")
    flat = re.sub(r"\s+", "", pdf_text(issuer.storage.read(_issued(make, record).storage_key)))
    assert "李建国拒绝签名（当场拒绝签名，表示不认可记录）" in flat


def test_a_refusal_without_a_note_is_refused(make):
    case, mediator, record = _sitting(make)
    with pytest.raises(AgreementError, match="refusal_needs_note"):
        _mark(make, record, f"party:{case.parties[0].id}", mediator, refusal_note=" ")


def test_nobody_signs_who_was_not_present_or_has_signed(make):
    case, mediator, record = _sitting(make)
    with pytest.raises(AgreementError, match="not_present"):
        _mark(make, record, "other:路人甲", mediator)
    _mark(make, record, "mediator:张伟", mediator)
    with pytest.raises(AgreementError, match="already_signed"):
        _mark(make, record, "mediator:张伟", mediator)


def test_a_signature_that_is_not_a_png_is_refused_as_on_the_agreement(make):
    case, mediator, record = _sitting(make)
    with pytest.raises(AgreementError, match="bad_signature"):
        _mark(make, record, "mediator:张伟", mediator, image_png=b"<svg onload=alert(1)>")


def test_each_signer_is_one_event_and_the_issue_is_audited(make, issuer):
    case, mediator, record = _sitting(make)
    _everyone_signs(make, case, record, mediator, issuer)
    events = make.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                                  .order_by(CaseEvent.seq)).all()
    signers = [e.data["signer"] for e in events if e.action == "session_record.signature"]
    assert signers == ["王秀英", "李建国", "张伟", "孙丽", "村民代表赵六"]
    assert [e.data["kind"] for e in events if e.action == "document.issued"][-1] == \
        "session_record"


def test_the_timeline_reads_one_line_per_signer(make, login):
    case, mediator, record = _sitting(make)
    _mark(make, record, f"party:{case.parties[0].id}", mediator)
    _mark(make, record, "mediator:张伟", mediator)
    _mark(make, record, f"party:{case.parties[1].id}", mediator, refusal_note="拒绝签名")
    make.commit()
    page = login(mediator).get(f"/cases/{case.id}").get_data(as_text=True)
    lines = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip()
             for item in re.findall(r"<li>(.*?)</li>", page, flags=re.S) if "调解笔录" in item]
    assert len(lines) == 3
    assert "王秀英 在调解笔录上签名" in lines[0] and "张伟 在调解笔录上签名" not in lines[0]
    assert "张伟 在调解笔录上签名" in lines[1] and "王秀英" not in lines[1]
    assert "李建国 拒绝在调解笔录上签名" in lines[2]


def test_the_page_shows_the_record_as_it_will_print_with_a_print_button(make, login):
    case, mediator, record = _sitting(make)
    make.commit()
    page = login(mediator).get(f"/sessions/{record.id}/record").get_data(as_text=True)
    assert "人民调解笔录" in page and "双方同意疏通排水沟。" in page and "data-print" in page
    assert "以上笔录经在场人员核对无误。" in page and "村民代表赵六" in page
    assert 'id="signature-canvas"' in page


def test_the_page_shows_each_signature_with_its_day_and_no_time(make, login):
    _case, mediator, record = _sitting(make)
    _mark(make, record, "mediator:张伟", mediator)
    make.commit()
    page = login(mediator).get(f"/sessions/{record.id}/record").get_data(as_text=True)
    assert 'class="signature-image"' in page and "2026年12月2日" in page
    assert not re.search(r"\d{1,2}:\d{2}", page.split('record-sheet"')[1])


def test_signing_on_the_page_stores_the_drawn_png(make, login, session):
    case, mediator, record = _sitting(make)
    make.commit()
    login(mediator).post(f"/sessions/{record.id}/record/signatures",
                         data={"signer": "mediator:张伟", "image": PNG_DATA_URI})
    stored = session.scalar(select(SessionRecordSignature))
    assert (stored.signer_name, stored.image_png) == ("张伟", SIGNATURE_PNG)


def test_the_last_signature_on_the_page_issues_the_record(make, login, session):
    case, mediator, record = _sitting(make)
    people = record_signing.present(record, case)
    for person in people[:-1]:
        _mark(make, record, person.key, mediator)
    make.commit()
    login(mediator).post(f"/sessions/{record.id}/record/refusals",
                         data={"signer": people[-1].key, "note": "未签名即离开"})
    assert _issued(make, record).kind == "session_record"


def test_a_mediator_of_another_committee_finds_neither_the_page_nor_the_post(make, login,
                                                                             session):
    _case, _mediator, record = _sitting(make)
    stranger = make.user()
    make.commit()
    client = login(stranger)
    assert client.get(f"/sessions/{record.id}/record").status_code == 404
    answer = client.post(f"/sessions/{record.id}/record/signatures",
                         data={"signer": "mediator:张伟", "image": PNG_DATA_URI})
    assert answer.status_code == 404
    assert session.scalar(select(SessionRecordSignature)) is None


def test_the_documents_page_offers_the_holder_the_signing_page(make, login):
    _case, mediator, record = _sitting(make)
    make.commit()
    page = login(mediator).get(f"/cases/{record.case_id}/documents").get_data(as_text=True)
    assert f"/sessions/{record.id}/record" in page and "签名并出具" in page


def test_the_documents_page_offers_a_region_reader_nothing(make, login):
    case, _mediator, record = _sitting(make)
    reader = make.user(role="committee", institution=make.institution(
        kind="committee", region=case.handlings[0].institution.region))
    make.commit()
    page = login(reader).get(f"/cases/{record.case_id}/documents").get_data(as_text=True)
    assert "调解笔录与回访记录" in page and f"/sessions/{record.id}/record" not in page


def test_a_session_record_somebody_has_signed_no_longer_changes(make):
    case, mediator, record = _sitting(make)
    _mark(make, record, "mediator:张伟", mediator)
    changed = services.SessionRecord(held_on=record.held_on, place=record.place,
                                     mediators=record.mediators, attendees=record.attendees,
                                     record="改写后的记录。", recorder_id=record.recorder_id)
    with pytest.raises(AgreementError, match="record_signed"):
        services.update_session(make.session, record, changed, actor=mediator,
                                now=datetime.now())


def test_the_documents_page_lists_the_issued_record_and_offers_no_more_signing(make, login,
                                                                               issuer):
    case, mediator, record = _sitting(make)
    _everyone_signs(make, case, record, mediator, issuer)
    make.commit()
    page = login(mediator).get(f"/cases/{case.id}/documents").get_data(as_text=True)
    assert _issued(make, record).verification_code in page
    assert f"/sessions/{record.id}/record" not in page
