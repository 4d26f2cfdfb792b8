"""Shared set-up for the referral tests: one district with an institution of every kind a
cross-channel case passes through, signed-in test clients, and agreements signed through
the service layer with a small real PNG."""

from __future__ import annotations

import base64
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from io import BytesIO
from types import SimpleNamespace

from markupsafe import escape
from sqlalchemy import select

from mediation_app.agreements import services as agreements
from mediation_app.auth.models import User
from mediation_app.casefile.models import Case, Referral
from mediation_app.cases import services as cases
from mediation_app.directory.models import Institution, Region
from mediation_app.documents.issuer import current_issuer
from mediation_app.extensions import db
from mediation_app.handlings.catalog import catalog
from mediation_app.handlings.services import fire_transition
from mediation_app.labels import explain, label
from mediation_app.referrals import services as referrals

from ..factories import (
    PASSWORD,
    Factories,
    examined_for_police_mediation,
    id_number,
    reason_for,
    traffic_dates_before,
)

# ---------------------------------------------------------------------------------------
# a signature image


@lru_cache(maxsize=1)
def signature_png() -> bytes:
    """A small but real PNG (the service refuses anything under 100 bytes)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (160, 48), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.line([(8, 30), (40, 10), (70, 38), (110, 12), (150, 30)], fill=(10, 10, 10, 255),
              width=3)
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    png = buffer.getvalue()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and 100 <= len(png) < 512 * 1024
    return png


def signature_data_uri() -> str:
    return "data:image/png;base64," + base64.b64encode(signature_png()).decode()


# ---------------------------------------------------------------------------------------
# one district with every institution a cross-channel case passes through


@dataclass
class World:
    city: Region
    district: Region
    elsewhere: Region
    police: Institution
    committee: Institution
    committee_b: Institution
    court: Institution
    court_b: Institution
    petition: Institution
    centre: Institution
    labour: Institution
    labour_far: Institution
    politics: Institution
    police_liaison: User
    mediator: User
    mediator_b: User
    court_liaison: User
    court_b_liaison: User
    petition_liaison: User
    dispatcher: User
    labour_liaison: User
    labour_far_liaison: User
    reader: User
    stranger: User


def build_world(make: Factories) -> World:
    """Institutions of the right kinds in one district (the labour bureau one level up, in
    the city), plus a second district with its own labour bureau and a stranger committee."""
    city = make.region(level="city", name="淮安市")
    district = make.region(level="district", parent=city, name="清江浦区")
    elsewhere = make.region(level="district", parent=make.region(level="city"), name="外市某区")

    def place(kind, name, region=district, **extra):
        institution = make.institution(kind=kind, region=region, name=name)
        for key, value in extra.items():
            setattr(institution, key, value)
        return institution

    police = place("police", "清江浦公安分局浦楼派出所")
    committee = place("peoples_committee", "浦楼街道人民调解委员会")
    committee_b = place("peoples_committee", "清河社区人民调解委员会")
    court = place("court", "清江浦区人民法院")
    court_b = place("court", "淮阴区人民法院")
    petition = place("petition_office", "清江浦区信访局")
    centre = place("governance_centre", "清江浦区社会矛盾纠纷调处化解中心")
    labour = place("labour_bureau", "淮安市劳动人事争议仲裁院", region=city)
    labour_far = place("labour_bureau", "外市劳动人事争议仲裁院", region=elsewhere)
    politics = place("committee", "清江浦区委政法委")
    stranger_committee = place("peoples_committee", "外市人民调解委员会", region=elsewhere)
    users = {
        "police_liaison": make.user(role="liaison", institution=police),
        "mediator": make.user(role="mediator", institution=committee),
        "mediator_b": make.user(role="mediator", institution=committee_b),
        "court_liaison": make.user(role="liaison", institution=court),
        "court_b_liaison": make.user(role="liaison", institution=court_b),
        "petition_liaison": make.user(role="liaison", institution=petition),
        "dispatcher": make.user(role="dispatcher", institution=centre),
        "labour_liaison": make.user(role="liaison", institution=labour),
        "labour_far_liaison": make.user(role="liaison", institution=labour_far),
        "reader": make.user(role="committee", institution=politics),
        "stranger": make.user(role="mediator", institution=stranger_committee),
    }
    make.session.flush()
    return World(city=city, district=district, elsewhere=elsewhere, police=police,
                 committee=committee, committee_b=committee_b, court=court, court_b=court_b,
                 petition=petition, centre=centre, labour=labour, labour_far=labour_far,
                 politics=politics, **users)


def snapshot(world: World) -> SimpleNamespace:
    """The world as plain values (ids, names, usernames) usable outside any app context."""
    plain = {}
    for each in fields(world):
        thing = getattr(world, each.name)
        if isinstance(thing, User):
            plain[each.name] = SimpleNamespace(id=thing.id, username=thing.username,
                                               institution_id=thing.institution_id)
        else:
            plain[each.name] = SimpleNamespace(id=thing.id, name=thing.name)
    return SimpleNamespace(**plain)


@contextmanager
def database(app):
    """A short-lived app context and session, for set-up and for looking at the outcome.

    Page tests must not keep an app context pushed while clients make requests: a request
    reuses an active app context, and with it `g` (Flask-Login's current user) and the
    session, so two signed-in clients would see each other's user."""
    with app.app_context():
        yield db.session


def new_world(app) -> SimpleNamespace:
    with database(app) as session:
        world = build_world(Factories(session))
        session.commit()
        return snapshot(world)


# ---------------------------------------------------------------------------------------
# signed-in clients and pages


def client_for(app, user):
    """A separate test client (own cookie jar) signed in as `user`."""
    client = app.test_client()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def filing_form(region_id: int, **overrides) -> dict:
    form = {
        "dispute_type": "neighbour", "source": "walk_in", "region_id": region_id,
        "received_on": date.today().isoformat(), "summary": "张三与李四排水纠纷",
        "description": "两家共用排水沟堵塞，雨天积水倒灌。", "amount": "1500.00",
        "assigned_mediator_id": "0",
        "parties-0-role": "applicant", "parties-0-kind": "person", "parties-0-name": "张三",
        "parties-0-sex": "male", "parties-0-id_number": id_number(),
        "parties-0-phone": "13800138000",
        "parties-1-role": "respondent", "parties-1-kind": "person", "parties-1-name": "李四",
        "parties-1-sex": "female", "parties-1-id_number": "", "parties-1-phone": "",
    }
    form.update(overrides)
    return form


def file_case_via_view(client, region_id: int, **overrides) -> int:
    response = client.post("/cases/new", data=filing_form(region_id, **overrides))
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def flashes(page: str, category: str = "error") -> list[str]:
    marker = f'class="flash flash-{category}" role="status">'
    return [part.split("</p>", 1)[0] for part in page.split(marker)[1:]]


def in_request(app, function, *args):
    """Call a label helper the way a page does (default locale), escaped like a page."""
    with app.test_request_context("/"):
        return str(escape(function(*args)))


def refusal_text(app, code: str, guards: tuple[str, ...] = ()) -> str:
    return in_request(app, explain, referrals.ReferralError(code, guards))


def guard_text(app, guard: str) -> str:
    return in_request(app, label, "guard_unmet", guard)


def examine_via_view(client, case_id: int) -> None:
    """治安调解: the officer records on the case page that the case qualifies."""
    client.post(f"/cases/{case_id}/police/eligibility", data={
        "civil_dispute": "y", "minor_circumstances": "y",
        "circumstance": "trifles_between_acquaintances"})


def fire_via_view(client, case_id: int, name: str, *, expect_ok: bool = True,
                  reason: str = ""):
    response = client.post(f"/cases/{case_id}/transitions/{name}",
                           data={"note": "", "reason": reason},
                           follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    if expect_ok:
        assert not flashes(page), flashes(page)
    return page


def send_via_view(client, case_id: int, kind: str, to, reason: str) -> str:
    form_page = client.get(f"/cases/{case_id}/referrals/{kind}")
    assert form_page.status_code == 200, form_page.status_code
    response = client.post(f"/cases/{case_id}/referrals/{kind}",
                           data={"to_institution_id": to.id, "reason": reason},
                           follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert not flashes(page), flashes(page)
    return page


def accept_via_view(client, referral_id: int) -> str:
    response = client.post(f"/referrals/{referral_id}/accept", follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert not flashes(page), flashes(page)
    return page


def record_session_via_view(client, case_id: int) -> None:
    response = client.post(f"/cases/{case_id}/sessions/new", data={
        "held_on": date.today().isoformat(), "place": "街道调解室", "mediators": "王调解员",
        "attendees": "双方当事人", "record": "释法明理，双方陈述意见，调解员提出方案。"})
    assert response.status_code == 302, response.get_data(as_text=True)


def sign_agreement_via_views(client, case_id: int, party_ids: list[int]) -> int:
    """Draft the agreement and sign it for every party and the mediator; returns its id."""
    response = client.post(f"/cases/{case_id}/agreement/new", data={
        "facts": "两家共用排水沟堵塞。", "matters": "双方均有责任。",
        "clauses": "李四于十五日内支付张三人民币800元。\n双方再无其他争议。",
        "amount": "800.00", "performance_manner": "银行转账",
        "performance_deadline": (date.today() + timedelta(days=15)).isoformat()})
    assert response.status_code == 302, response.get_data(as_text=True)
    agreement_id = int(response.headers["Location"].split("/agreements/")[1].split("/")[0])
    signers = [f"party-{party_id}" for party_id in party_ids] + ["mediator"]
    for signer in signers:
        response = client.post(f"/agreements/{agreement_id}/signatures",
                               data={"signer": signer, "image": signature_data_uri()},
                               follow_redirects=True)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert not flashes(page), flashes(page)
    return agreement_id


def pending_referral_id(app, case_id: int) -> int:
    with database(app) as session:
        referral_id = session.scalar(select(Referral.id).where(Referral.case_id == case_id,
                                                               Referral.status == "pending"))
    assert referral_id is not None
    return referral_id


def party_ids(app, case_id: int) -> list[int]:
    with database(app) as session:
        return [party.id for party in session.get(Case, case_id).parties]


# ---------------------------------------------------------------------------------------
# service-level flows


def file_case(session, actor: User, *, now: datetime, workflow: str | None = None,
              dispute_type: str = "neighbour", region: Region | None = None,
              summary: str = "邻里排水纠纷") -> Case:
    make = Factories(session)
    workflows = catalog()
    name = workflow or workflows.for_filing(actor.institution.kind)[0].name
    return cases.file_case(session, cases.NewCase(
        dispute_type=dispute_type, source="walk_in", region=region or actor.institution.region,
        summary=summary, received_on=now.date(), description="两家共用排水沟堵塞。",
        amount=Decimal("1200.00"), parties=[make.party("applicant"), make.party("respondent")]),
        actor=actor, now=now, workflow=workflows.sources[name])


def fire(session, case: Case, actor: User, now: datetime, *names: str) -> None:
    for name in names:
        if name == "accept":
            examined_for_police_mediation(session, case, actor, now=now)
        traffic_dates_before(session, case, actor, name, now=now)
        fire_transition(session, case, name, actor=actor, now=now,
                        reason=reason_for(case, name))


def record_session(session, case: Case, actor: User, now: datetime) -> None:
    agreements.record_session(session, case, agreements.SessionRecord(
        held_on=now.date(), place="调解室", mediators=actor.display_name, attendees="双方当事人",
        record="双方陈述意见。"), actor=actor, now=now)


def sign_agreement(session, case: Case, actor: User, now: datetime, *, on_complete=None):
    """Draft and sign for every party and the mediator through the service layer (no PDF
    unless `on_complete` issues one)."""
    agreement = agreements.draft_agreement(session, case, agreements.AgreementDraft(
        facts=case.description, matters="双方均有责任。", clauses=["李四支付张三人民币800元。"],
        amount=Decimal("800.00"), performance_manner="银行转账",
        performance_deadline=(now + timedelta(days=15)).date()), actor=actor, now=now)
    signers = [agreements.Signer(party=p) for p in case.parties] + [agreements.Signer(user=actor)]
    for signer in signers:
        agreements.sign_agreement(session, agreement, signer, image_png=signature_png(),
                                  ip_address="127.0.0.1", user_agent="pytest", actor=actor,
                                  now=now, on_complete=on_complete)
    assert agreement.status == "signed"
    return agreement


def send(session, case: Case, kind: str, to: Institution, actor: User, now: datetime,
         reason: str = "请予调处。") -> Referral:
    return referrals.send_referral(session, catalog(), case, kind=kind, to_institution=to,
                                   reason=reason, actor=actor, now=now, accept_working_days=3,
                                   issuer=current_issuer())


def accept(session, referral: Referral, actor: User, now: datetime):
    return referrals.accept_referral(session, catalog(), referral, actor=actor, now=now)
