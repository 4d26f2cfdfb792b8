"""A small world for the parties' front door: a district with its governance centre (矛调中心)
and a town with its people's mediation committee; codes are read from the outbox."""

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from mediation_app.outbox.models import OutboxMessage

from ..factories import id_number

APPLICANT_PHONE = "13912345678"
RESPONDENT_PHONE = "13787654321"
APPLICANT_ID = id_number(birth="19750312", area="320811", serial=123)


@dataclass
class World:
    city: object
    district: object
    town: object
    centre: object
    dispatcher: object
    committee: object
    mediator: object
    other_mediator: object


@pytest.fixture
def world(make):
    city = make.region(name="淮安市")
    district = make.region(level="district", parent=city, name="清江浦区")
    town = make.region(level="town", parent=district, name="浦楼街道")
    other_district = make.region(level="district", parent=city, name="淮阴区")
    centre = make.institution(kind="governance_centre", region=district, name="清江浦区矛调中心",
                              short_name="清矛")
    committee = make.institution(region=town, name="浦楼街道人民调解委员会", short_name="浦楼")
    return World(city=city, district=district, town=town, centre=centre,
                 dispatcher=make.user(role="dispatcher", institution=centre),
                 committee=committee, mediator=make.user(institution=committee),
                 other_mediator=make.user(institution=make.institution(region=other_district)))


def texts_to(session, phone: str) -> list[str]:
    """Bodies of the text messages queued for a phone, oldest first."""
    rows = session.scalars(select(OutboxMessage).where(
        OutboxMessage.channel == "sms", OutboxMessage.recipient == phone)
        .order_by(OutboxMessage.id))
    return [row.body for row in rows]


def last_code(session, phone: str) -> str:
    codes = [m.group(1) for body in texts_to(session, phone)
             if (m := re.search(r"验证码 (\d{6})", body))]
    assert codes, f"no code was sent to {phone}"
    return codes[-1]


def application_form(world, **overrides) -> dict:
    data = {
        "applicant_phone": APPLICANT_PHONE, "applicant_name": "张建国", "applicant_sex": "male",
        "applicant_id_number": APPLICANT_ID, "applicant_address": "浦楼街道健康西路1号",
        "respondent_kind": "person", "respondent_name": "王秀英",
        "respondent_phone": RESPONDENT_PHONE, "respondent_id_number": "",
        "respondent_address": "浦楼街道健康西路3号", "dispute_type": "neighbour",
        "region_id": str(world.town.id), "institution_id": "0", "mediator_id": "0",
        "summary": "邻居排水沟堵塞", "facts": "两家共用的排水沟被堵，雨天院子积水。",
        "claims": "请求对方疏通排水沟并赔偿损失800元。", "amount": "800",
    }
    data.update(overrides)
    return data


def apply_online(client, session, world, *, files=None, **overrides):
    """Ask for a code, read it from the outbox, submit the application with it."""
    code = overrides.pop("code", None)
    form = application_form(world, **overrides)
    client.post("/apply", data={**form, "send_code": "1"})
    code = code or last_code(session, form["applicant_phone"])
    data = {**form, "code": code, "submit": "1"}
    if files:
        data["files"] = files
    return client.post("/apply", data=data, content_type="multipart/form-data")
