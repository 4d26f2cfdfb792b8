"""Fast seeding for benchmarks: a small directory through the services, then N cases
with one handling and two parties each (and a few pending referrals from the police
station to the mediator's committee), bulk-inserted with Core executemany.

seed_history() (statistics and monthly report benchmarks) seeds a richer two-year history:
more institutions and towns, realistic handling timelines, transfers and referrals."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import JSON, func, insert, select, text
from sqlalchemy.types import TypeDecorator

from mediation_app.auth.models import User
from mediation_app.casefile.models import Case, CaseCounter, Handling, Party, Referral
from mediation_app.db import db, utcnow
from mediation_app.deadlines.models import Escalation
from mediation_app.directory.models import Institution
from mediation_app.directory.services import create_institution, create_region
from mediation_app.domain.case_numbers import render_case_number
from mediation_app.domain.codes import DisputeType, Source, values
from mediation_app.domain.idcard import check_digit
from mediation_app.handlings.catalog import catalog, stored_version
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


class _RowContext:
    """What a context-sensitive column default reads of the row being inserted."""

    def __init__(self, row: dict):
        self.row = row

    def get_current_parameters(self, isolate_multiinsert_groups: bool = True) -> dict:
        return self.row


def _default(column, row: dict):
    default = column.default
    if default is None or default.is_sequence:
        return None
    if default.is_callable:
        return default.arg(_RowContext(row))
    if default.is_clause_element:
        raise ValueError(f"{column}: a SQL default cannot be written by COPY")
    return default.arg


def bulk_insert(session, table, rows: list[dict]) -> None:
    """Insert rows: COPY on PostgreSQL (an order of magnitude faster than executemany),
    Core executemany elsewhere. Both store what an insert through the app stores: columns
    missing from the rows get their Python defaults (computed from the row, as the parties'
    blind indexes are), and typed columns their stored form (ID numbers and phones
    encrypted)."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    given = set().union(*(row.keys() for row in rows))
    columns = [c for c in table.columns if c.key in given or c.default is not None]
    missing = [c for c in columns if c.key not in given]
    as_json = {c.key for c in columns if isinstance(c.type, JSON)}
    stored = {c.key: c.type.process_bind_param for c in columns
              if isinstance(c.type, TypeDecorator) and c.key not in as_json}
    dialect = connection.dialect
    names = ", ".join(f'"{c.name}"' for c in columns)
    cursor = connection.connection.dbapi_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for row in rows:
            full = {**row, **{c.key: _default(c, row) for c in missing}}
            values = []
            for column in columns:
                value = full.get(column.key)
                if column.key in as_json and value is not None:
                    value = json.dumps(value)
                elif column.key in stored:
                    value = stored[column.key](value, dialect)
                values.append(value)
            copy.write_row(values)


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
            bulk_insert(session, case_table, cases)
            bulk_insert(session, handling_table, handlings)
            bulk_insert(session, party_table, parties)
            if referrals:
                bulk_insert(session, Referral.__table__, referrals)
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



# --- a realistic two-year history, for the statistics and monthly report benchmarks -----

HISTORY_TOWNS = ["清河街道", "柳树湾街道", "盐河镇", "浦楼街道"]
# (code, name, kind, where: "town:<n>" or "district", short name, share of filed cases)
HISTORY_INSTITUTIONS = [
    ("BENCH-PC1", "清河街道人民调解委员会", "peoples_committee", "town:0", "清河", 0.24),
    ("BENCH-PC2", "柳树湾街道人民调解委员会", "peoples_committee", "town:1", "柳树湾", 0.14),
    ("BENCH-PC3", "盐河镇人民调解委员会", "peoples_committee", "town:2", "盐河", 0.10),
    ("BENCH-PC4", "浦楼街道人民调解委员会", "peoples_committee", "town:3", "浦楼", 0.06),
    ("BENCH-PS1", "清江浦公安分局清河派出所", "police", "town:0", "清河所", 0.14),
    ("BENCH-TP1", "清江浦公安分局交警大队", "traffic_police", "district", "交警", 0.07),
    ("BENCH-LB1", "清江浦区劳动人事争议调解中心", "labour_bureau", "district", "劳调", 0.07),
    ("BENCH-CT1", "清江浦区人民法院", "court", "district", "清法", 0.13),
    ("BENCH-GC1", "清江浦区社会治理中心", "governance_centre", "district", "治理", 0.05),
]
OUTCOME_WEIGHTS = {"success": 0.62, "failure": 0.20, "withdrawn": 0.10, "transferred": 0.08}
# who hands cases over to a committee, with which referral kind
SENDS_TO_COMMITTEE = {"police": "police_mediation", "court": "delegate",
                      "governance_centre": "dispatch"}
PARTY_REUSE_SHARE = 0.08     # a party of a recent case of the same type comes back
GROUP_DISPUTE_SHARE = 0.006  # cases with 5 to 40 parties
RETURN_REASONS = ["not_our_remit", "outside_region", "incomplete_materials", "parties_refuse",
                  "already_handled", "other"]


@dataclass
class History:
    """What the history seeder made, by id."""

    city_id: int
    district_id: int
    town_ids: list[int]
    village_id: int
    institution_ids: dict[str, int]          # by code
    committee_institution_id: int            # the district's 司法局 (kind committee)
    reader_id: int                           # a committee reader there
    mediator_id: int
    cases: int
    handlings: int
    parties: int
    referrals: dict[str, int]                # by status
    escalations: int
    seconds: float


def _history_directory(session):
    city = create_region(session, code="B320800", name="淮安市", level="city", parent=None)
    district = create_region(session, code="B320812", name="清江浦区", level="district",
                             parent=city)
    towns = [create_region(session, code=f"B320812{n:03d}", name=name, level="town",
                           parent=district)
             for n, name in enumerate(HISTORY_TOWNS, start=1)]
    village = create_region(session, code="B320812003001", name="盐河村", level="village",
                            parent=towns[2])
    institutions = []
    for code, name, kind, where, short, _share in HISTORY_INSTITUTIONS:
        region = district if where == "district" else towns[int(where.split(":")[1])]
        institutions.append(create_institution(session, code=code, name=name, kind=kind,
                                               region=region, short_name=short))
    bureau = create_institution(session, code="BENCH-SJ1", name="清江浦区司法局",
                                kind="committee", region=district, short_name="司法局")
    return city, district, towns, village, institutions, bureau


@dataclass(frozen=True)
class _HistoryFlow:
    institution_id: int
    kind: str
    short_name: str
    number_format: str
    channel: str | None
    is_mediation: bool
    workflow_version_id: int
    initial: str
    after_accept: tuple[str, ...]          # open states once accepted
    state_of: dict                         # outcome -> terminal state name
    region_ids: tuple[int, ...]            # where its disputes are (weighted by repetition)


def _history_flow(session, institution, region_ids) -> _HistoryFlow:
    definition = catalog().for_filing(institution.kind)[0]
    version = stored_version(session, catalog().sources[definition.name])
    state_of = {}
    for state in definition.states:
        if state.outcome and state.outcome not in state_of:
            state_of[state.outcome] = state.name
    state_of[TRANSFERRED] = TRANSFERRED
    return _HistoryFlow(
        institution_id=institution.id, kind=institution.kind,
        short_name=institution.short_name, number_format=institution.case_number_format,
        channel=definition.channel, is_mediation=definition.counts_as_mediation,
        workflow_version_id=version.id, initial=definition.initial.name,
        after_accept=tuple(s.name for s in definition.states
                           if not s.is_terminal and not s.initial) or (definition.initial.name,),
        state_of=state_of, region_ids=tuple(region_ids))


def seed_history(n_cases: int, *, rng_seed: int = 20261128, span_days: int = SPAN_DAYS
                 ) -> History:
    """Seed inside the current app context (empty database): a district with four towns and
    a village, nine institutions over all three channels (and a non-mediation governance
    centre), a committee reader at the district's justice bureau, and n_cases cases filed
    over `span_days` with handlings whose accepted_at / concluded_at / outcome /
    deadline_at / agreement_amount follow a plausible spread (some late, some open),
    about 8 % handed over to a committee by an accepted referral (a transferred handling
    and a second one), and referrals returned, withdrawn, expired or pending. A share of
    parties come back in later cases of the same type, so durable success is not trivial;
    0.6 % are group disputes (5–40 parties); 40 % of late handlings were escalated (督办)."""
    import time

    started = time.perf_counter()
    rng = random.Random(rng_seed)
    session = db.session
    city, district, towns, village, institutions, bureau = _history_directory(session)
    mediator = User(username=MEDIATOR_USERNAME, display_name="调解员甲", role="mediator",
                    institution=institutions[0])
    mediator.set_password(PASSWORD)
    reader = User(username="bench_committee_reader", display_name="司法局科员", role="committee",
                  institution=bureau, password_hash=mediator.password_hash)
    session.add_all([mediator, reader])
    session.flush()
    all_places = [district.id] + [t.id for t in towns] + [village.id]
    flows = []
    for institution, spec in zip(institutions, HISTORY_INSTITUTIONS):
        if spec[3] == "district":
            places = all_places
        else:
            town = institution.region_id
            places = [town] * 17 + [p for p in all_places if p != town]   # mostly its town
            if town == towns[2].id:
                places += [village.id] * 6
        flows.append(_history_flow(session, institution, places))
    shares = [spec[5] for spec in HISTORY_INSTITUTIONS]
    committees = [f for f in flows if f.kind == "peoples_committee"]
    committee_of_place = {}
    for place in all_places:
        local = [f for f in committees if place in f.region_ids[:1]]
        committee_of_place[place] = local[0] if local else None
    ids = {
        "city": city.id, "district": district.id, "towns": [t.id for t in towns],
        "village": village.id, "bureau": bureau.id, "reader": reader.id,
        "mediator": mediator.id,
        "institutions": {spec[0]: inst.id for spec, inst in zip(HISTORY_INSTITUTIONS,
                                                                 institutions)},
    }
    mediator_id = mediator.id
    users = {"police": User(username="bench_police_liaison", display_name="民警乙",
                            role="liaison", institution=institutions[4],
                            password_hash=mediator.password_hash)}
    session.add_all(users.values())
    session.flush()
    sender_user = users["police"].id
    first_case = (session.scalar(select(func.max(Case.id))) or 0) + 1
    session.commit()

    now = utcnow().replace(microsecond=0)
    start = now - timedelta(days=span_days)
    offsets = sorted(rng.random() * span_days * 86400 for _ in range(n_cases))
    dispute_types = _dispute_types(rng, n_cases)
    sources = values(Source)
    counters: dict[tuple[int, int], int] = {}
    outcomes, outcome_weights = list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values())
    recent: dict[str, list[dict]] = {}          # dispute type -> recent parties
    cases, handlings, parties, referrals, escalations = [], [], [], [], []
    counts = {"handlings": 0, "parties": 0, "escalations": 0}
    centre_id = next(f.institution_id for f in flows if f.kind == "governance_centre")
    by_status: dict[str, int] = {}
    next_handling = [first_case + n_cases]      # ids of second handlings

    def flush() -> None:
        if cases:
            bulk_insert(session, Case.__table__, cases)
            bulk_insert(session, Handling.__table__, handlings)
            bulk_insert(session, Party.__table__, parties)
            if referrals:
                bulk_insert(session, Referral.__table__, referrals)
            if escalations:
                bulk_insert(session, Escalation.__table__, escalations)
            session.commit()
        counts["escalations"] += len(escalations)
        for rows in (cases, handlings, parties, referrals, escalations):
            rows.clear()

    def referral(case_id, kind, sender, receiver, handling_id, created, status, decided):
        by_status[status] = by_status.get(status, 0) + 1
        row = {"case_id": case_id, "kind": kind, "from_institution_id": sender,
               "to_institution_id": receiver, "from_handling_id": handling_id,
               "reason": "当事人同意由人民调解委员会调解", "status": status,
               "created_by_id": sender_user, "created_at": created,
               "accept_by": created + timedelta(days=7), "decided_by_id": None,
               "decided_at": decided, "return_reason": None, "return_note": None,
               "new_handling_id": None}
        if status == "returned":
            row["return_reason"] = rng.choice(RETURN_REASONS)
            row["return_note"] = "退回"
        referrals.append(row)
        return row

    def life(flow: _HistoryFlow, begun, *, may_transfer: bool) -> dict:
        """One handling's timeline from `begun`: accepted, deadline, outcome, amount."""
        accepted = begun + timedelta(hours=rng.uniform(1, 48)) if rng.random() < 0.93 else None
        deadline = (accepted or begun) + timedelta(days=30 if accepted else 3)
        days = min(rng.expovariate(1 / 17) + 0.5, 150)
        concluded = (accepted or begun) + timedelta(days=days, seconds=rng.randint(0, 3600))
        concluded = concluded.replace(microsecond=0)
        if concluded > now:
            state = rng.choice(flow.after_accept) if accepted else flow.initial
            return {"state": state, "outcome": None, "accepted_at": accepted,
                    "concluded_at": None, "deadline_at": deadline, "agreement_amount": None}
        if not flow.is_mediation:
            outcome = "transferred" if may_transfer and rng.random() < 0.5 else "withdrawn"
        elif accepted is None:
            outcome = "withdrawn"
        else:
            outcome = rng.choices(outcomes, weights=outcome_weights)[0]
            if outcome == "transferred" and not may_transfer:
                outcome = "failure"
        amount = None
        if outcome == "success" and flow.is_mediation and rng.random() < 0.75:
            amount = Decimal(rng.randint(100, 20_000_000)) / 100
        return {"state": flow.state_of[outcome], "outcome": outcome, "accepted_at": accepted,
                "concluded_at": concluded, "deadline_at": deadline, "agreement_amount": amount}

    for index in range(n_cases):
        case_id = first_case + index
        filed_at = start + timedelta(seconds=int(offsets[index]))
        flow = rng.choices(flows, weights=shares)[0]
        place = rng.choice(flow.region_ids)
        key = (flow.institution_id, filed_at.year)
        seq = counters[key] = counters.get(key, 0) + 1
        dispute_type = dispute_types[index]
        kind = SENDS_TO_COMMITTEE.get(flow.kind)
        first = life(flow, filed_at, may_transfer=kind is not None)
        rows = [(flow, case_id, filed_at, first, None)]
        if first["outcome"] == TRANSFERRED:
            target = committee_of_place.get(place) or rng.choice(committees)
            decided = first["concluded_at"]
            created = max(filed_at, decided - timedelta(hours=rng.uniform(2, 96)))
            second_id = next_handling[0]
            next_handling[0] += 1
            sent = referral(case_id, kind, flow.institution_id, target.institution_id, case_id,
                            created, "accepted", decided)
            sent["new_handling_id"] = second_id
            rows.append((target, second_id, decided, life(target, decided, may_transfer=False),
                         kind))
        elif kind is not None:
            begun = first["accepted_at"] or filed_at
            end = first["concluded_at"] or now
            roll = rng.random()
            if first["outcome"] is None and first["state"] != "mediating" and roll < 0.25:
                created = max(begun, now - timedelta(hours=rng.uniform(1, 200)))
                status = "pending" if now - created < timedelta(days=7) else "expired"
                referral(case_id, kind, flow.institution_id,
                         (committee_of_place.get(place) or committees[0]).institution_id,
                         case_id, created, status,
                         created + timedelta(days=7) if status == "expired" else None)
            elif roll < 0.12 and end - begun > timedelta(hours=6):
                created = begun + (end - begun) * rng.uniform(0, 0.5)
                status = rng.choices(["returned", "withdrawn", "expired"],
                                     weights=[0.6, 0.25, 0.15])[0]
                decided = created + (timedelta(days=7) if status == "expired"
                                     else timedelta(hours=rng.uniform(1, (end - created)
                                                                      .total_seconds() / 3600)))
                referral(case_id, kind, flow.institution_id, rng.choice(committees).institution_id,
                         case_id, created.replace(microsecond=0), status,
                         min(decided, end).replace(microsecond=0))
        current_flow, _id, _begun, current, _arrived = rows[-1]
        concluded = current["concluded_at"]
        amount_claimed = Decimal(rng.randint(0, 5_000_000)) / 100 if rng.random() < 0.7 else None
        summary = rng.choice(SUMMARIES.get(dispute_type, ["矛盾纠纷"]))
        n_parties = 3 if rng.random() < 0.15 else 2
        if rng.random() < GROUP_DISPUTE_SHARE:          # 群体性: five parties or more
            n_parties = rng.randint(5, 40)
        cases.append({
            "id": case_id,
            "case_no": render_case_number(flow.number_format, year=filed_at.year,
                                          short=flow.short_name, seq=seq),
            "numbering_institution_id": flow.institution_id,
            "year": filed_at.year, "seq": seq,
            "dispute_type": dispute_type, "source": rng.choice(sources), "region_id": place,
            "summary": summary, "description": summary + "，双方同意调解。",
            "amount": amount_claimed, "party_count": n_parties,
            "received_on": (filed_at - timedelta(days=rng.randint(0, 3))).date(),
            "filed_at": filed_at,
            "filed_by_id": mediator_id if flow is flows[0] else None,
            "updated_at": concluded or current["accepted_at"] or filed_at,
            "assigned_mediator_id": mediator_id if current_flow is flows[0]
            and rng.random() < 0.5 else None,
            "holder_institution_id": current_flow.institution_id,
            "channel": current_flow.channel, "state": current["state"],
            "deadline_at": current["deadline_at"] if current["outcome"] is None else None,
            "closed_at": concluded,
        })
        for handling_flow, handling_id, begun, facts, arrived_by in rows:
            handlings.append({
                "id": handling_id, "case_id": case_id,
                "institution_id": handling_flow.institution_id,
                "workflow_version_id": handling_flow.workflow_version_id,
                "channel": handling_flow.channel, "is_mediation": handling_flow.is_mediation,
                "arrived_by": arrived_by, "started_at": begun, **facts,
            })
            end = facts["concluded_at"] or now
            if facts["deadline_at"] + timedelta(days=1) < end and rng.random() < 0.4:
                escalations.append({"case_id": case_id, "handling_id": handling_id,
                                    "deadline_at": facts["deadline_at"],
                                    "escalated_at": facts["deadline_at"] + timedelta(days=1),
                                    "to_institution_id": centre_id})
        counts["handlings"] += len(rows)
        pool = recent.setdefault(dispute_type, [])
        for position in range(n_parties):
            if position == 0 and pool and rng.random() < PARTY_REUSE_SHARE:
                person = dict(rng.choice(pool))
            else:
                person = {"name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                          "sex": rng.choice(("male", "female")), "id_number": _id_number(rng),
                          "phone": f"138{rng.randint(0, 99_999_999):08d}"}
                if rng.random() < 0.1:
                    person["id_number"] = None          # not every ledger has ID numbers
            parties.append({
                "case_id": case_id, "position": position,
                "role": "applicant" if position == 0 else "respondent", "kind": "person",
                **person, "address": f"淮安市清江浦区健康西路{rng.randint(1, 300)}号",
                "representative_name": None, "representative_phone": None,
            })
            pool.append(person)
        if len(pool) > 400:
            del pool[:200]
        counts["parties"] += n_parties
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
            for table in ("cases", "handlings", "parties", "referrals", "escalations"):
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"))
    return History(city_id=ids["city"], district_id=ids["district"], town_ids=ids["towns"],
                   village_id=ids["village"], institution_ids=ids["institutions"],
                   committee_institution_id=ids["bureau"], reader_id=ids["reader"],
                   mediator_id=ids["mediator"], cases=n_cases, handlings=counts["handlings"],
                   parties=counts["parties"], referrals=by_status,
                   escalations=counts["escalations"],
                   seconds=time.perf_counter() - started)
