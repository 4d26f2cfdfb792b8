"""Closing archives the case (归档), issue "Printing and the case file (一案一档)".

人民调解法 第二十七条: 人民调解委员会应当建立调解工作档案，将调解登记、调解工作记录、调解
协议书等材料立卷归档. 司法部《关于印发人民调解文书格式和统计报表的通知》(2010年12月) sets
the volume's parts: 卷宗封面, 卷内目录, the documents in order, 卷内备考表 — one volume per
case (一案一卷). The holder of a case whose mediation has ended archives it once: the case
file is one PDF, stored with its SHA-256, the event `case.archived` is written, and the case
is read-only from then on."""

import hashlib

from sqlalchemy import select

from mediation_app.access import policy
from mediation_app.archive.models import CaseArchive
from mediation_app.audit.models import CaseEvent
from mediation_app.storage import Storage
from tests.factories import PASSWORD

CHECKER = "周检查"


def _client_of(app, user):
    client = app.test_client()
    signed_in = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert signed_in.status_code == 302
    return client


def _archive(app, user, case, **overrides):
    data = {"checker_name": CHECKER, "retention": "long_term", "confirm": "y", **overrides}
    return _client_of(app, user).post(f"/cases/{case.id}/archive", data=data)


def _stored(session, case) -> CaseArchive | None:
    session.expire_all()
    return session.scalar(select(CaseArchive).where(CaseArchive.case_id == case.id))


def test_archiving_binds_one_case_file_with_its_cover_index_and_every_part(
        app, session, closed, pdf_text):
    case, mediator = closed
    _archive(app, mediator, case)
    stored = _stored(session, case)
    text = pdf_text(Storage(app.config["MEDIATION_STORAGE"]).read(stored.storage_key))
    cover = ["调解卷宗", case.case_no, case.parties[0].name, case.parties[1].name, "邻里纠纷",
             mediator.institution.name, "受理日期", "结案日期", "调解成功", "立卷人", "卷宗封面",
             "人民调解员", mediator.display_name,
             "归档日期", "保管期限", "长期"]
    parts = ["卷内目录", "人民调解受理登记表", "调解笔录", "双方陈述意见", "调解协议书",
             "被申请人于十日内支付申请人人民币1,200元", "其他已出具文书", "回访记录",
             "双方已按协议履行完毕", "卷内备考表", "检查人", CHECKER]
    assert [word for word in cover + parts if word not in text] == []


def test_the_index_gives_each_part_the_page_it_starts_on(app, session, closed, pdf_text):
    case, mediator = closed
    _archive(app, mediator, case)
    stored = _stored(session, case)
    pages = [item["page"] for item in stored.contents]
    assert [item["title"] for item in stored.contents][-1] == "卷内备考表"
    assert pages == sorted(set(pages)) and pages[0] > 2 and pages[-1] == stored.page_count
    text = pdf_text(Storage(app.config["MEDIATION_STORAGE"]).read(stored.storage_key))
    assert f"本卷共 {stored.page_count} 页" in text


def test_the_case_file_embeds_a_chinese_font(app, session, closed, pdf_fonts):
    case, mediator = closed
    _archive(app, mediator, case)
    content = Storage(app.config["MEDIATION_STORAGE"]).read(_stored(session, case).storage_key)
    assert "CJK" in pdf_fonts(content)


def test_the_case_file_is_stored_with_its_sha256_and_the_archiving_is_audited(
        app, session, closed):
    case, mediator = closed
    _archive(app, mediator, case)
    stored = _stored(session, case)
    content = Storage(app.config["MEDIATION_STORAGE"]).read(stored.storage_key)
    assert hashlib.sha256(content).hexdigest() == stored.sha256 and content.startswith(b"%PDF")
    event = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                            .order_by(CaseEvent.seq.desc())).first()
    assert event.action == "case.archived" and event.data["sha256"] == stored.sha256
    assert event.actor_id == mediator.id and event.data["checker"] == CHECKER
    assert case.archived_at == stored.archived_at


def test_archiving_without_the_confirmation_archives_nothing(app, session, closed):
    case, mediator = closed
    _archive(app, mediator, case, confirm="")
    assert _stored(session, case) is None and case.archived_at is None


def test_a_case_still_in_mediation_cannot_be_archived(app, make, session):
    case, mediator = make.mediating_case()
    session.commit()
    response = _archive(app, mediator, case)
    assert response.status_code == 403 and _stored(session, case) is None


def test_a_case_is_archived_once(app, session, closed):
    case, mediator = closed
    _archive(app, mediator, case)
    first = _stored(session, case).sha256
    again = _archive(app, mediator, case)
    assert again.status_code == 403 and "已归档" in again.get_data(as_text=True)
    assert session.scalars(select(CaseArchive)).all()[0].sha256 == first


def test_the_case_page_says_archived_with_the_date_and_the_download(app, session, closed):
    case, mediator = closed
    client = _client_of(app, mediator)
    before = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/cases/{case.id}/archive" in before
    _archive(app, mediator, case)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "已归档" in page and f"/cases/{case.id}/casefile.pdf" in page
    assert f"/cases/{case.id}/archive\"" not in page


def test_the_archive_page_asks_for_confirmation_before_it_acts(app, closed):
    case, mediator = closed
    page = _client_of(app, mediator).get(f"/cases/{case.id}/archive").get_data(as_text=True)
    assert "data-confirm=" in page and "不能" in page
    assert case.archived_at is None


def test_after_archiving_the_policy_refuses_every_change_and_still_lets_readers_read(
        app, session, closed):
    case, mediator = closed
    _archive(app, mediator, case)
    session.expire_all()
    refusals = {
        "change": policy.can_change_case(mediator, case),
        "aftercare": policy.can_record_aftercare(mediator, case),
        "notice": policy.can_issue_notice(mediator, case),
        "referral": policy.may_send_referrals(mediator, case),
        "archive": policy.can_archive_case(mediator, case),
        "sessions": policy.schedules_sessions(mediator, case),
        "mediators": policy.assigns_mediators(mediator, case),
    }
    assert {rule for rule, allowed in refusals.items() if allowed} == set()
    assert policy.can_view_case(mediator, case) and policy.sees_personal_data(mediator, case)
    assert policy.refusal(case) is not None


def test_a_case_with_a_referral_waiting_for_an_answer_is_not_archived(app, make, session, closed):
    """A pending referral would reopen the case on acceptance: withdraw it first."""
    from datetime import timedelta

    from mediation_app.casefile.models import Referral
    from mediation_app.db import utcnow

    case, mediator = closed
    session.add(Referral(case_id=case.id, kind="judicial_confirmation",
                         from_institution_id=mediator.institution_id,
                         to_institution_id=make.institution(kind="court").id,
                         from_handling_id=case.handlings[0].id, reason="司法确认",
                         created_by_id=mediator.id, accept_by=utcnow() + timedelta(days=3)))
    session.commit()
    response = _archive(app, mediator, case)
    assert "请先撤回，再归档" in response.get_data(as_text=True)
    assert _stored(session, case) is None and case.archived_at is None
