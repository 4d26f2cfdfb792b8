"""Who signed, as the events and the case timeline tell it. A party who signs on the staff
member's screen is named with the staff member who witnessed it; a party who signs through
their own link is named alone (no staff member was there); the mediator signs for
themselves. The timeline reads one line per signer, never "签名人 王秀英 张伟" as if both
had signed at once."""

import re
from datetime import datetime

from sqlalchemy import select

from mediation_app.agreements import services
from mediation_app.audit.models import CaseEvent

from ..factories import SIGNATURE_PNG


def _draft(make):
    mediator = make.user(display_name="张伟")
    case, mediator = make.mediating_case(by=mediator, parties=[
        make.party("applicant", name="王秀英"), make.party("respondent", name="李建国")])
    return case, mediator, make.agreement(case, mediator)


def _sign(make, agreement, signer, mediator, **kwargs):
    return services.sign_agreement(make.session, agreement, signer, image_png=SIGNATURE_PNG,
                                   ip_address="1.2.3.4", user_agent="t", actor=mediator,
                                   now=datetime.now(), **kwargs)


def _signature_events(make, case):
    return list(make.session.scalars(select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "agreement.signature")
        .order_by(CaseEvent.seq)))


def test_a_signature_on_the_staff_screen_names_the_party_and_the_witness(make):
    case, mediator, agreement = _draft(make)
    _sign(make, agreement, services.Signer(party=case.parties[0]), mediator)
    event = _signature_events(make, case)[0]
    assert (event.data["signer"], event.data["signer_kind"], event.data["witness"]) == \
        ("王秀英", "party", "张伟")
    assert event.actor_id == mediator.id and event.data["via"] == "screen"


def test_a_remote_signature_names_the_party_only(make):
    case, mediator, agreement = _draft(make)
    _sign(make, agreement, services.Signer(party=case.parties[0]), mediator, remote=True)
    event = _signature_events(make, case)[0]
    assert (event.data["signer"], event.data["via"], event.actor_id) == ("王秀英", "link", None)
    assert "witness" not in event.data and "张伟" not in str(event.data)


def test_the_mediator_signs_for_themselves_with_no_witness(make):
    case, mediator, agreement = _draft(make)
    _sign(make, agreement, services.Signer(user=mediator), mediator)
    event = _signature_events(make, case)[0]
    assert (event.data["signer"], event.data["signer_kind"]) == ("张伟", "mediator")
    assert "witness" not in event.data


def test_the_timeline_reads_one_line_per_signer(make, client, login):
    case, mediator, agreement = _draft(make)
    _sign(make, agreement, services.Signer(party=case.parties[0]), mediator)
    _sign(make, agreement, services.Signer(party=case.parties[1]), mediator, remote=True)
    _sign(make, agreement, services.Signer(user=mediator), mediator)
    make.commit()
    page = login(mediator).get(f"/cases/{case.id}").get_data(as_text=True)
    lines = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip()
             for item in re.findall(r"<li>(.*?)</li>", page, flags=re.S)
             if "调解协议签名人" in item]
    assert len(lines) == 3
    assert "王秀英（当事人）" in lines[0] and "见证人：张伟" in lines[0]
    assert "李建国（当事人）" in lines[1] and "远程签名" in lines[1] and "张伟" not in lines[1]
    assert "张伟（调解员）" in lines[2] and "王秀英" not in lines[2]
