"""A demo city for newcomers: 淮安市 with two districts, every kind of institution,
a user for every role and cases in every state. Deterministic for a given day."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from .auth.models import User
from .auth.services import create_user
from .cases import services as cases
from .db import utcnow
from .directory.models import Institution, Region
from .directory.services import create_institution, create_region
from .domain.idcard import check_digit

DEMO_PASSWORD = "demo-pass-2026"

REGIONS = [
    # code, name, level, parent
    ("320800", "淮安市", "city", None),
    ("320812", "清江浦区", "district", "320800"),
    ("320812001", "浦楼街道", "town", "320812"),
    ("320812001001", "清河社区", "village", "320812001"),
    ("320812001001-01", "清河社区第一网格", "grid", "320812001001"),
    ("320812001001-02", "清河社区第二网格", "grid", "320812001001"),
    ("320812001002", "柳树湾社区", "village", "320812001"),
    ("320812001002-01", "柳树湾社区第一网格", "grid", "320812001002"),
    ("320812002", "长西街道", "town", "320812"),
    ("320812002001", "长西村", "village", "320812002"),
    ("320812002001-01", "长西村第一网格", "grid", "320812002001"),
    ("320804", "淮阴区", "district", "320800"),
    ("320804001", "王营街道", "town", "320804"),
    ("320804001001", "新村社区", "village", "320804001"),
    ("320804001001-01", "新村社区第一网格", "grid", "320804001001"),
]

INSTITUTIONS = [
    # code, name, short name, kind, region
    ("HA-ZFW", "淮安市委政法委", "淮安政法", "committee", "320800"),
    ("HA-YH", "淮安市医患纠纷人民调解委员会", "淮医调", "professional_committee", "320800"),
    ("QJP-ZFW", "清江浦区委政法委", "清江浦政法", "committee", "320812"),
    ("QJP-MTZX", "清江浦区社会矛盾纠纷调处化解中心", "清江浦矛调", "governance_centre", "320812"),
    ("QJP-FY", "清江浦区人民法院", "清江浦法", "court", "320812"),
    ("QJP-JCY", "清江浦区人民检察院", "清江浦检", "procuratorate", "320812"),
    ("QJP-XFJ", "清江浦区信访局", "清江浦访", "petition_office", "320812"),
    ("QJP-JJ", "淮安市公安局交通警察支队清江浦大队", "清江浦交", "traffic_police", "320812"),
    ("QJP-JT", "清江浦区道路交通事故纠纷人民调解委员会", "清江浦交调", "professional_committee",
     "320812"),
    ("QJP-RS", "清江浦区劳动人事争议仲裁院", "清江浦劳", "labour_bureau", "320812"),
    ("QJP-SJJ", "清江浦区市场监督管理局", "清江浦市监", "admin_other", "320812"),
    ("QJP-PL-PCS", "淮安市公安局清江浦分局浦楼派出所", "浦楼派", "police", "320812001"),
    ("QJP-PL", "浦楼街道人民调解委员会", "清江浦浦楼", "peoples_committee", "320812001"),
    ("QJP-QH", "清河社区人民调解委员会", "清河", "peoples_committee", "320812001001"),
    ("QJP-CX", "长西街道人民调解委员会", "清江浦长西", "peoples_committee", "320812002"),
    ("HY-WY", "王营街道人民调解委员会", "淮阴王营", "peoples_committee", "320804001"),
    ("HY-FY", "淮阴区人民法院", "淮阴法", "court", "320804"),
]

USERS = [
    # username, display name, role, institution
    ("admin", "系统管理员", "admin", "HA-ZFW"),
    ("mediator", "王秀英", "mediator", "QJP-PL"),
    ("mediator2", "李建国", "mediator", "QJP-PL"),
    ("mediator_qh", "陈桂兰", "mediator", "QJP-QH"),
    ("mediator_jt", "周立新", "mediator", "QJP-JT"),
    ("mediator_wy", "赵春梅", "mediator", "HY-WY"),
    ("court", "孙志强", "liaison", "QJP-FY"),
    ("police", "刘海涛", "liaison", "QJP-PL-PCS"),
    ("traffic", "吴振华", "liaison", "QJP-JJ"),
    ("petition", "郑文静", "liaison", "QJP-XFJ"),
    ("labour", "冯建军", "liaison", "QJP-RS"),
    ("dispatcher", "黄晓燕", "dispatcher", "QJP-MTZX"),
    ("committee", "何文斌", "committee", "QJP-ZFW"),
    ("committee_city", "马卫东", "committee", "HA-ZFW"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
         "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "玉兰", "志强", "海燕"]

STORIES = {
    "neighbour": ("邻里排水纠纷", "两家共用排水沟堵塞，雨天积水倒灌，双方互相指责。"),
    "marriage_family": ("赡养费纠纷", "老人三名子女就赡养费分担发生争执。"),
    "property": ("物业费纠纷", "业主以电梯长期故障为由拒交物业费。"),
    "labour": ("拖欠工资纠纷", "装修工人六人被拖欠三个月工资。"),
    "traffic": ("交通事故损害赔偿纠纷", "电动车与小轿车碰撞，一人受伤住院，就赔偿金额争议。"),
    "loan": ("民间借贷纠纷", "借款到期未还，出借人要求归还本金及利息。"),
    "housing_land": ("宅基地界址纠纷", "两户翻建房屋时就宅基地界址发生争议。"),
    "medical": ("医疗损害纠纷", "患者术后感染，家属要求医院赔偿。"),
    "consumer": ("消费纠纷", "预付卡健身房停业，会员要求退款。"),
    "contract": ("装修合同纠纷", "装修质量不合格，业主要求返工并赔偿。"),
}

# Where each handling institution's cases come from, and what happens to them.
PLAN = [
    ("QJP-PL", ["neighbour", "marriage_family", "property", "loan", "housing_land"], 18),
    ("QJP-QH", ["neighbour", "property", "marriage_family"], 8),
    ("QJP-JT", ["traffic"], 6),
    ("HY-WY", ["neighbour", "loan"], 5),
    ("QJP-FY", ["loan", "contract"], 4),
    ("QJP-PL-PCS", ["neighbour", "damages"], 4),
    ("QJP-RS", ["labour"], 3),
]

PATHS = [
    [],
    ["accepted"],
    ["accepted", "mediating"],
    ["accepted", "mediating", ("success", "success")],
    ["accepted", "mediating", ("success", "success")],
    ["accepted", "mediating", ("failure", "failure")],
    ["accepted", ("withdrawn", "withdrawn")],
]


def demo_id_number(rng: random.Random, region: str = "320812") -> str:
    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 50))
    first17 = f"{region}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return first17 + check_digit(first17)


def _person(rng: random.Random, role: str) -> cases.NewParty:
    sex = rng.choice(["male", "female"])
    return cases.NewParty(
        role=role,
        name=rng.choice(SURNAMES) + rng.choice(GIVEN),
        sex=sex,
        id_number=demo_id_number(rng),
        phone=f"13{rng.randrange(0, 10)}{rng.randrange(10**7, 10**8)}",
        address=f"淮安市清江浦区{rng.choice(['健康西路', '淮海南路', '承德北路'])}{rng.randrange(1, 200)}号",
    )


def seed_demo(session: Session) -> list[User]:
    """Load the demo city unless it is there already; return the demo users."""
    if session.scalar(select(Region).where(Region.code == REGIONS[0][0])):
        return list(session.scalars(select(User).order_by(User.id)))
    rng = random.Random(2026)
    regions: dict[str, Region] = {}
    for code, name, level, parent in REGIONS:
        regions[code] = create_region(session, code=code, name=name, level=level,
                                      parent=regions.get(parent))
    institutions: dict[str, Institution] = {}
    for code, name, short, kind, region in INSTITUTIONS:
        institutions[code] = create_institution(session, code=code, name=name, short_name=short,
                                                kind=kind, region=regions[region])
    users = {
        username: create_user(session, username=username, password=DEMO_PASSWORD, role=role,
                              institution=institutions[inst], display_name=display)
        for username, display, role, inst in USERS
    }
    _seed_cases(session, rng, regions, institutions, users)
    _seed_transfers(session, rng, institutions, users)
    return list(users.values())


def _filer_for(institution: Institution, users: dict[str, User]) -> User:
    return next(user for user in users.values() if user.institution_id == institution.id
                and user.role in ("mediator", "liaison"))


def _seed_cases(session, rng, regions, institutions, users) -> None:
    today = utcnow()
    deadline_days = {"peoples": 30, "administrative": 30, "judicial": 30}
    for code, types, count in PLAN:
        institution = institutions[code]
        filer = _filer_for(institution, users)
        local = [r for r in regions.values() if r.path.startswith(institution.region.path)]
        for index in range(count):
            dispute_type = types[index % len(types)]
            summary, description = STORIES.get(dispute_type, STORIES["neighbour"])
            filed = today - timedelta(days=rng.randrange(2, 110), hours=rng.randrange(0, 10))
            parties = [_person(rng, "applicant"), _person(rng, "respondent")]
            if rng.random() < 0.2:
                parties.append(_person(rng, "third_party"))
            case = cases.file_case(
                session,
                cases.NewCase(
                    dispute_type=dispute_type, source=rng.choice(["walk_in", "phone", "grid"]),
                    region=rng.choice(local), summary=f"{parties[0].name}与{parties[1].name}{summary}",
                    description=description,
                    amount=Decimal(rng.randrange(0, 20000) * 10) if rng.random() < 0.7 else None,
                    received_on=filed.date(),
                    assigned_mediator=filer if filer.role == "mediator" else None,
                    parties=parties,
                ),
                actor=filer, now=filed, deadline_days=deadline_days,
            )
            _walk(session, case, PATHS[index % len(PATHS)], filer, filed, rng)


def _walk(session, case, path, actor, start, rng) -> None:
    moment = start
    for step in path:
        moment = min(moment + timedelta(days=rng.randrange(1, 6)), utcnow())
        state, outcome = step if isinstance(step, tuple) else (step, None)
        cases.change_handling(session, case, state=state, outcome=outcome, actor=actor,
                              now=moment)


def _seed_transfers(session, rng, institutions, users) -> None:
    """Police to the town committee (公调对接), and a court case delegated and succeeded."""
    deadline_days = {"peoples": 30, "administrative": 30, "judicial": 30}
    pairs = [("QJP-PL-PCS", "QJP-PL", "neighbour"), ("QJP-FY", "QJP-PL", "loan"),
             ("QJP-JJ", "QJP-JT", "traffic")]
    for sender_code, receiver_code, dispute_type in pairs:
        sender = institutions[sender_code]
        receiver = institutions[receiver_code]
        filer = _filer_for(sender, users)
        mediator = _filer_for(receiver, users)
        filed = utcnow() - timedelta(days=rng.randrange(20, 60))
        summary, description = STORIES[dispute_type]
        parties = [_person(rng, "applicant"), _person(rng, "respondent")]
        case = cases.file_case(
            session,
            cases.NewCase(dispute_type=dispute_type, source="walk_in", region=sender.region,
                          summary=f"{parties[0].name}与{parties[1].name}{summary}",
                          description=description, amount=Decimal("8000.00"),
                          received_on=filed.date(), parties=parties),
            actor=filer, now=filed, deadline_days=deadline_days,
        )
        moment = filed + timedelta(days=1)
        cases.change_handling(session, case, state="transferred", outcome="transferred",
                              actor=filer, now=moment)
        cases.open_handling(session, case, receiver, actor=mediator, now=moment,
                            deadline_days=deadline_days)
        case.assigned_mediator = mediator
        _walk(session, case, ["accepted", "mediating", ("success", "success")], mediator,
              moment, rng)
