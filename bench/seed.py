"""Fast seeding for benchmarks: a small directory through the services, then N cases
with one handling and two parties each (and a few pending referrals from the police
station to the mediator's committee), bulk-inserted with Core executemany."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select, text

from mediation_app.auth.models import User
from mediation_app.cases.models import Case, CaseCounter, Handling, Party
from mediation_app.db import db, utcnow
from mediation_app.directory.models import Institution
from mediation_app.directory.services import create_institution, create_region
from mediation_app.domain.case_numbers import render_case_number
from mediation_app.domain.codes import DisputeType, Source, values
from mediation_app.domain.idcard import check_digit
from mediation_app.handlings.catalog import catalog, stored_version
from mediation_app.referrals.models import Referral
from mediation_app.workflow.definition import TRANSFERRED

BATCH = 5_000
PASSWORD = "bench-password-42"
MEDIATOR_USERNAME = "bench_mediator"
MEDIATOR_SHARE = 0.6        # share of cases handled by the mediator's institution
NEIGHBOUR_SHARE = 0.2       # neighbour disputes are the most common kind
REFERRAL_SHARE = 0.2        # open police cases with a pending referral to the mediator's committee
SPAN_DAYS = 730             # filed_at spread over about two years

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
         "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建国", "海燕", "志强"]
SUMMARIES = {
    "neighbour": ["邻里排水纠纷", "相邻通行纠纷", "噪音扰民纠纷", "宅前屋后堆放杂物纠纷"],
    "marriage_family": ["赡养费纠纷", "离婚财产分割纠纷"],
    "labour": ["拖欠工资纠纷", "工伤赔偿纠纷"],
    "traffic": ["交通事故赔偿纠纷"],
    "loan": ["民间借贷纠纷"],
}


@dataclass(frozen=True)
class Flow:
    """What the seeder needs of an institution and the workflow it files under."""

    institution_id: int
    short_name: str
    number_format: str
    channel: str | None
    is_mediation: bool
    workflow_version_id: int
    initial: str
    open_states: tuple[str, ...]
    closed_states: tuple[tuple[str, str], ...]   # (state, outcome), success weighted up


def _flow(session, institution: Institution) -> Flow:
    definition = catalog().for_filing(institution.kind)[0]
    version = stored_version(session, catalog().sources[definition.name])
    closed = []
    for state in definition.states:
        if state.outcome and state.outcome != TRANSFERRED:
            closed += [(state.name, state.outcome)] * (3 if state.outcome == "success" else 1)
    return Flow(
        institution_id=institution.id,
        short_name=institution.short_name,
        number_format=institution.case_number_format,
        channel=definition.channel,
        is_mediation=definition.counts_as_mediation,
        workflow_version_id=version.id,
        initial=definition.initial.name,
        open_states=tuple(state.name for state in definition.states if not state.is_terminal),
        closed_states=tuple(closed),
    )


@dataclass
class Seeded:
    mediator_id: int
    mediator_username: str
    password: str
    institution_id: int
    cases: int
    referrals: int
    seconds: float


def _institutions(session) -> tuple[list[Institution], list]:
    city = create_region(session, code="B320800", name="淮安市", level="city", parent=None)
    district = create_region(session, code="B320812", name="清江浦区", level="district",
                             parent=city)
    towns = [create_region(session, code=f"B320812{n:03d}", name=name, level="town",
                           parent=district)
             for n, name in enumerate(["清河街道", "柳树湾街道", "盐河镇"], start=1)]
    specs = [
        ("BENCH-PC1", "清河街道人民调解委员会", "peoples_committee", towns[0], "清河"),
        ("BENCH-PC2", "柳树湾街道人民调解委员会", "peoples_committee", towns[1], "柳树湾"),
        ("BENCH-PS1", "清江浦公安分局清河派出所", "police", towns[0], "清河所"),
        ("BENCH-CT1", "清江浦区人民法院", "court", district, "清法"),
    ]
    institutions = [create_institution(session, code=code, name=name, kind=kind, region=region,
                                       short_name=short)
                    for code, name, kind, region, short in specs]
    return institutions, [district] + towns


def _dispute_types(rng: random.Random, n: int) -> list[str]:
    others = [v for v in values(DisputeType) if v != "neighbour"]
    weights = [NEIGHBOUR_SHARE] + [(1 - NEIGHBOUR_SHARE) / len(others)] * len(others)
    return rng.choices(["neighbour"] + others, weights=weights, k=n)


def _id_number(rng: random.Random) -> str:
    birth = f"{rng.randint(1950, 2002)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    first17 = f"320812{birth}{rng.randint(0, 999):03d}"
    return first17 + check_digit(first17)


def seed(n_cases: int, *, rng_seed: int = 20261127) -> Seeded:
    """Seed inside the current app context; the database must be empty."""
    import time

    started = time.perf_counter()
    rng = random.Random(rng_seed)
    session = db.session
    institutions, regions = _institutions(session)
    mediator_inst = institutions[0]
    mediator = User(username=MEDIATOR_USERNAME, display_name="调解员甲", role="mediator",
                    institution=mediator_inst)
    mediator.set_password(PASSWORD)
    police = next(i for i in institutions if i.kind == "police")
    liaison = User(username="bench_police_liaison", display_name="民警乙", role="liaison",
                   institution=police, password_hash=mediator.password_hash)
    session.add_all([mediator, liaison])
    session.flush()
    police_id, liaison_id = police.id, liaison.id
    first_id = (session.scalar(select(func.max(Case.id))) or 0) + 1
    flows = [_flow(session, institution) for institution in institutions]
    region_ids = [r.id for r in regions]
    mediator_id = mediator.id
    mediator_inst_id = mediator_inst.id
    session.commit()

    now = utcnow().replace(microsecond=0)
    start = now - timedelta(days=SPAN_DAYS)
    offsets = sorted(rng.random() * SPAN_DAYS * 86400 for _ in range(n_cases))
    dispute_types = _dispute_types(rng, n_cases)
    sources = values(Source)
    other_flows = flows[1:]
    counters: dict[tuple[int, int], int] = {}

    case_table, handling_table, party_table = (Case.__table__, Handling.__table__,
                                               Party.__table__)
    cases, handlings, parties, referrals = [], [], [], []
    n_referrals = 0

    def flush() -> None:
        if cases:
            session.execute(insert(case_table), cases)
            session.execute(insert(handling_table), handlings)
            session.execute(insert(party_table), parties)
            if referrals:
                session.execute(insert(Referral.__table__), referrals)
            session.commit()
        for rows in (cases, handlings, parties, referrals):
            rows.clear()

    for index in range(n_cases):
        case_id = first_id + index
        filed_at = start + timedelta(seconds=offsets[index])
        flow = flows[0] if rng.random() < MEDIATOR_SHARE else rng.choice(other_flows)
        inst_id = flow.institution_id
        key = (inst_id, filed_at.year)
        seq = counters[key] = counters.get(key, 0) + 1
        dispute_type = dispute_types[index]
        age_days = (now - filed_at).days
        closed = age_days > 60 or (age_days > 7 and rng.random() < 0.5)
        deadline = filed_at + timedelta(days=30)
        if closed:
            state, outcome = rng.choice(flow.closed_states)
            concluded = filed_at + timedelta(days=rng.randint(1, 45), hours=rng.randint(0, 23))
            accepted = filed_at + timedelta(hours=rng.randint(1, 48))
        else:
            outcome, concluded = None, None
            state = rng.choice(flow.open_states)
            accepted = filed_at + timedelta(hours=rng.randint(1, 48)) \
                if state != flow.initial else None
        summary = rng.choice(SUMMARIES.get(dispute_type, ["矛盾纠纷"]))
        cases.append({
            "id": case_id,
            "case_no": render_case_number(flow.number_format, year=filed_at.year,
                                          short=flow.short_name, seq=seq),
            "numbering_institution_id": inst_id,
            "year": filed_at.year,
            "seq": seq,
            "dispute_type": dispute_type,
            "source": rng.choice(sources),
            "region_id": rng.choice(region_ids),
            "summary": summary,
            "description": summary + "，双方同意调解。",
            "amount": Decimal(rng.randint(0, 5_000_000)) / 100 if rng.random() < 0.7 else None,
            "party_count": 2,
            "received_on": (filed_at - timedelta(days=rng.randint(0, 3))).date(),
            "filed_at": filed_at,
            "filed_by_id": mediator_id if inst_id == mediator_inst_id else None,
            "updated_at": concluded or accepted or filed_at,
            "assigned_mediator_id": mediator_id if inst_id == mediator_inst_id
            and rng.random() < 0.5 else None,
            "holder_institution_id": inst_id,
            "channel": flow.channel,
            "state": state,
            "deadline_at": None if closed else deadline,
            "closed_at": concluded,
        })
        handlings.append({
            "id": case_id,          # one handling per case, so ids can match
            "case_id": case_id,
            "institution_id": inst_id,
            "workflow_version_id": flow.workflow_version_id,
            "channel": flow.channel,
            "is_mediation": flow.is_mediation,
            "arrived_by": None,
            "state": state,
            "outcome": outcome,
            "started_at": filed_at,
            "accepted_at": accepted,
            "concluded_at": concluded,
            "deadline_at": None if closed else deadline,
        })
        if not closed and inst_id == police_id and rng.random() < REFERRAL_SHARE:
            n_referrals += 1
            referrals.append({
                "case_id": case_id,
                "kind": "police_mediation",
                "from_institution_id": police_id,
                "to_institution_id": mediator_inst_id,
                "from_handling_id": case_id,
                "reason": "当事人同意由人民调解委员会调解",
                "status": "pending",
                "created_by_id": liaison_id,
                "created_at": filed_at + timedelta(days=1),
                "accept_by": filed_at + timedelta(days=8),
            })
        for position, role in enumerate(("applicant", "respondent")):
            parties.append({
                "case_id": case_id,
                "position": position,
                "role": role,
                "kind": "person",
                "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                "sex": rng.choice(("male", "female")),
                "id_number": _id_number(rng),
                "phone": f"138{rng.randint(0, 99_999_999):08d}",
                "address": f"淮安市清江浦区健康西路{rng.randint(1, 300)}号",
                "representative_name": None,
                "representative_phone": None,
            })
        if len(cases) >= BATCH:
            flush()
    flush()

    with session.begin():
        connection = session.connection()
        connection.execute(insert(CaseCounter.__table__), [
            {"institution_id": inst_id, "year": year, "last_seq": last}
            for (inst_id, year), last in counters.items()
        ])
        if connection.dialect.name == "postgresql":
            for table in ("cases", "handlings", "parties", "referrals"):
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"))
    return Seeded(mediator_id=mediator_id, mediator_username=MEDIATOR_USERNAME,
                  password=PASSWORD, institution_id=mediator_inst_id, cases=n_cases,
                  referrals=n_referrals, seconds=time.perf_counter() - started)

