"""A demo city for newcomers: 淮安市 with two districts, every kind of institution,
a user for every role and cases in every state. Deterministic for a given day."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from .access import roles
from .agreements import issuing
from .agreements import services as agreements
from .archive.services import archive_case
from .auth.models import User
from .auth.services import create_user
from .casefile.models import Case
from .cases import services as cases
from .db import utcnow
from .deadlines.services import sweep
from .directory.models import Region
from .directory.services import create_institution, create_region
from .documents import services as documents
from .domain.idcard import check_digit
from .handlings import police, traffic
from .handlings.rulings import Ruling, record_ruling
from .handlings.services import fire_transition
from .referrals import services as referrals
from .review.checklist import Checklist
from .review.services import Mark, applicable_items, review_case
from .warnings.rules import WarningRules
from .warnings.services import evaluate
from .workflow.calendar import china_date
from .workflow.catalog import Catalog

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
    # code, name, short name, kind, region[, specialty]
    ("HA-ZFW", "淮安市委政法委", "淮安政法", "committee", "320800"),
    ("HA-YH", "淮安市医患纠纷人民调解委员会", "淮医调", "professional_committee", "320800",
     "medical"),
    ("QJP-ZFW", "清江浦区委政法委", "清江浦政法", "committee", "320812"),
    ("QJP-MTZX", "清江浦区社会矛盾纠纷调处化解中心", "清江浦矛调", "governance_centre", "320812"),
    ("QJP-FY", "清江浦区人民法院", "清江浦法", "court", "320812"),
    ("QJP-JCY", "清江浦区人民检察院", "清江浦检", "procuratorate", "320812"),
    ("QJP-XFJ", "清江浦区信访局", "清江浦访", "petition_office", "320812"),
    ("QJP-JJ", "淮安市公安局交通警察支队清江浦大队", "清江浦交", "traffic_police", "320812"),
    ("QJP-JT", "清江浦区道路交通事故纠纷人民调解委员会", "清江浦交调", "professional_committee",
     "320812", "traffic"),
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
    ("mediator_yh", "钱医平", "mediator", "HA-YH"),
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

# Cases filed at each institution: (institution, dispute types, how many).
PLAN = [
    ("QJP-PL", ["neighbour", "marriage_family", "property", "loan", "housing_land"], 14),
    ("QJP-QH", ["neighbour", "property", "marriage_family"], 7),
    ("QJP-JT", ["traffic"], 5),
    ("HY-WY", ["neighbour", "loan"], 5),
    ("QJP-FY", ["loan", "contract"], 4),
    ("QJP-PL-PCS", ["neighbour", "damages"], 4),
    ("QJP-RS", ["labour"], 3),
]

# How far each case goes, in turn: steps are transitions, "session" records a session and
# "agreement" drafts the agreement and collects every signature.
PATHS = [
    [],
    ["accept"],
    ["accept", "start_mediation", "session"],
    ["accept", "start_mediation", "session", "agreement", "close_success"],
    ["accept", "start_mediation", "session", "session", "agreement", "close_success"],
    ["accept", "start_mediation", "session", "close_failure"],
    ["accept", "withdraw"],
]




def demo_id_number(rng: random.Random, region: str = "320812") -> str:
    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 50))
    first17 = f"{region}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return first17 + check_digit(first17)


def _person(rng: random.Random, role: str) -> cases.NewParty:
    return cases.NewParty(
        role=role,
        name=rng.choice(SURNAMES) + rng.choice(GIVEN),
        sex=rng.choice(["male", "female"]),
        id_number=demo_id_number(rng),
        phone=f"13{rng.randrange(0, 10)}{rng.randrange(10**7, 10**8)}",
        address=f"淮安市清江浦区{rng.choice(['健康西路', '淮海南路', '承德北路'])}{rng.randrange(1, 200)}号",
    )


def signature_png(name: str, rng: random.Random) -> bytes:
    """A drawn-looking signature stroke, as a tablet would capture it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (360, 120), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    x, y = 20, 60
    points = []
    for _step in range(14 + len(name) * 4):
        x += rng.randrange(8, 20)
        y = max(15, min(105, y + rng.randrange(-22, 23)))
        points.append((min(x, 345), y))
    draw.line([(20, 60)] + points, fill=(20, 20, 20, 255), width=3, joint="curve")
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class Demo:
    """What seeding needs: the session, workflows, the document issuer, and a clock."""

    session: Session
    catalog: Catalog
    issuer: documents.Issuer
    rng: random.Random
    institutions: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)

    def user_at(self, code: str) -> User:
        """The first demo user acting for the institution."""
        institution = self.institutions[code]
        return next(user for user in self.users.values() if user.institution_id == institution.id
                    and roles.acts_for_institution(user))

    def file(self, code: str, dispute_type: str, filed, *, parties=None, amount=None,
             region=None, workflow: str | None = None) -> Case:
        actor = self.user_at(code)
        summary, description = STORIES.get(dispute_type, STORIES["neighbour"])
        parties = parties or [_person(self.rng, "applicant"), _person(self.rng, "respondent")]
        local = region or self.rng.choice(
            [r for r in self.session.scalars(select(Region))
             if r.path.startswith(actor.institution.region.path)])
        name = workflow or self.catalog.for_filing(actor.institution.kind)[0].name
        return cases.file_case(
            self.session,
            cases.NewCase(dispute_type=dispute_type, source=self.rng.choice(["walk_in", "phone", "grid"]),
                          region=local, summary=f"{parties[0].name}与{parties[1].name}{summary}",
                          description=description, amount=amount, received_on=filed.date(),
                          assigned_mediator=actor if roles.may_be_assigned_cases(actor) else None,
                          parties=parties),
            actor=actor, now=filed, workflow=self.catalog.sources[name])

    def walk(self, case: Case, steps: list[str], start) -> datetime:
        actor = self.user_at(case.holder_institution.code)
        moment = start
        for step in steps:
            moment = min(moment + timedelta(days=self.rng.randrange(1, 4), hours=2), utcnow())
            if step == "session":
                agreements.record_session(self.session, case, agreements.SessionRecord(
                    held_on=moment.date(), place=f"{case.holder_institution.name}调解室",
                    mediators=actor.display_name, attendees="双方当事人",
                    record="释法明理，双方陈述各自意见，调解员提出调解方案。"), actor=actor, now=moment)
            elif step == "agreement":
                self.signed_agreement(case, actor, moment)
            else:
                self.fire(case, step, actor, moment)
        return moment

    def traffic_dates(self, case: Case, step: str, actor: User, moment) -> None:
        """交通事故: the application two days after the 事故认定书 before acceptance, the end
        of treatment before mediation (道路交通事故处理程序规定 第八十六条、第九十条)."""
        day = china_date(moment)
        if step == "accept":
            traffic.record_application(self.session, case, traffic.Application(
                certificate_received_on=day - timedelta(days=2), applied_on=day),
                actor=actor, now=moment)
        elif step == "start_mediation":
            traffic.record_loss_event(self.session, case, traffic.LossEvent(
                kind="injury", occurred_on=day), actor=actor, now=moment)

    def fire(self, case: Case, step: str, actor: User, moment) -> None:
        """Fire a step, with the workflow's own step before it where it has one (police:
        达成协议 before 履行完毕) and the first reason it declares for a failure or withdrawal."""
        definition = case.current_handling.definition
        if step == "accept" and police.asks_for(case.current_handling, police.ELIGIBILITY_GUARDS):
            police.record_eligibility(self.session, case, police.Eligibility(
                civil_dispute=True, minor_circumstances=True,
                circumstance="trifles_between_acquaintances"), actor=actor, now=moment)
        if traffic.asks_for(case.current_handling, traffic.APPLICATION_GUARDS):
            self.traffic_dates(case, step, actor, moment)
        if step == "close_success" and definition.transition("agree") is not None:
            fire_transition(self.session, case, "agree", actor=actor, now=moment)
        target = definition.state(definition.transition(step).target)
        reasons = definition.reasons_for(target.outcome) if target.outcome else ()
        fire_transition(self.session, case, step, actor=actor, now=moment,
                        reason=reasons[0].code if reasons else None)

    def signed_agreement(self, case: Case, actor: User, moment):
        amount = case.amount if case.amount is not None else Decimal("2000.00")
        agreement = agreements.draft_agreement(self.session, case, agreements.AgreementDraft(
            facts=case.description, matters="双方对纠纷发生均负有一定责任。",
            clauses=[f"{case.parties[1].name}于十五日内向{case.parties[0].name}支付人民币{amount}元。",
                     "双方就本纠纷再无其他争议。"],
            amount=amount, performance_manner="银行转账一次性付清",
            performance_deadline=(moment + timedelta(days=15)).date()), actor=actor, now=moment)
        self.sign_all(case, agreement, actor, moment)
        return agreement

    def sign_all(self, case: Case, agreement, actor: User, moment) -> None:
        signers = [agreements.Signer(party=p) for p in case.parties] + [agreements.Signer(user=actor)]
        for signer in signers:
            agreements.sign_agreement(
                self.session, agreement, signer, image_png=signature_png(signer.name, self.rng),
                ip_address="10.32.8.15", user_agent="demo tablet", actor=actor, now=moment,
                on_complete=lambda signed: issuing.issue_agreement(
                    self.session, self.issuer, signed, actor=actor, now=moment))

    def refer(self, case: Case, kind: str, to_code: str, moment, reason: str):
        sender = self.user_at(case.handlings[-1].institution.code)
        return referrals.send_referral(self.session, self.catalog, case, kind=kind,
                                       to_institution=self.institutions[to_code], reason=reason,
                                       actor=sender, now=moment, accept_working_days=3,
                                       issuer=self.issuer, parties_consent=True)

    def accept(self, referral, moment):
        receiver = self.user_at(self.institutions_by_id()[referral.to_institution_id].code)
        return referrals.accept_referral(self.session, self.catalog, referral, actor=receiver,
                                         now=moment)

    def institutions_by_id(self) -> dict:
        return {i.id: i for i in self.institutions.values()}


def seed_demo(session: Session, *, catalog: Catalog, issuer: documents.Issuer,
              checklist: Checklist | None = None) -> list[User]:
    """Load the demo city unless it is there already; return the demo users. `checklist`:
    the review checklist (default: the app's)."""
    if session.scalar(select(Region).where(Region.code == REGIONS[0][0])):
        return list(session.scalars(select(User).order_by(User.id)))
    demo = Demo(session=session, catalog=catalog, issuer=issuer, rng=random.Random(2026))
    regions: dict[str, Region] = {}
    for code, name, level, parent in REGIONS:
        regions[code] = create_region(session, code=code, name=name, level=level,
                                      parent=regions.get(parent))
    for code, name, short, kind, region, *specialty in INSTITUTIONS:
        institution = create_institution(session, code=code, name=name, short_name=short,
                                         kind=kind, region=regions[region])
        institution.specialty = specialty[0] if specialty else None
        demo.institutions[code] = institution
    for username, display, role, code in USERS:
        demo.users[username] = create_user(session, username=username, password=DEMO_PASSWORD,
                                           role=role, institution=demo.institutions[code],
                                           display_name=display)
    _seed_everyday_cases(demo)
    _seed_cross_channel_cases(demo, regions)
    _seed_traffic_cases(demo)
    _seed_archived_cases(demo, regions, checklist or _app_checklist())
    sweep(session, now=utcnow(), config={"REMINDER_HOURS": 24})
    return list(demo.users.values())


def _seed_everyday_cases(demo: Demo) -> None:
    today = utcnow()
    for code, types, count in PLAN:
        for index in range(count):
            filed = today - timedelta(days=demo.rng.randrange(3, 110), hours=demo.rng.randrange(0, 9))
            dispute_type = types[index % len(types)]
            amount = Decimal(demo.rng.randrange(5, 2000) * 10) if demo.rng.random() < 0.7 else None
            parties = [_person(demo.rng, "applicant"), _person(demo.rng, "respondent")]
            if dispute_type == "traffic":
                parties.append(cases.NewParty(role="third_party", kind="organisation",
                                              name="中国人民财产保险股份有限公司淮安市分公司",
                                              representative_name="李明"))
            case = demo.file(code, dispute_type, filed, parties=parties, amount=amount)
            demo.walk(case, PATHS[index % len(PATHS)], filed)


def _seed_cross_channel_cases(demo: Demo, regions: dict) -> None:
    """公调对接 ending in judicial confirmation; 委派 that fails and returns to the court;
    访调对接 through the governance centre to the labour bureau; a returned referral; a
    pending one; and an agreement corrected after signing (the old version voided)."""
    start = utcnow() - timedelta(days=45)
    town = regions["320812001"]

    case = demo.file("QJP-PL-PCS", "neighbour", start, amount=Decimal("3000.00"), region=town)
    referral = demo.refer(case, "police_mediation", "QJP-PL", start + timedelta(hours=3),
                          "邻里纠纷，适宜人民调解，移送派出所驻所调解室。")
    moment = start + timedelta(days=1)
    demo.accept(referral, moment)
    moment = demo.walk(case, ["accept", "start_mediation", "session", "agreement", "close_success"],
                       moment)
    referral = demo.refer(case, "judicial_confirmation", "QJP-FY", moment + timedelta(hours=1),
                          "双方共同申请对调解协议进行司法确认，申请书已随附。")
    moment += timedelta(days=2)
    demo.accept(referral, moment)
    demo.walk(case, ["accept"], moment)
    judge = demo.user_at("QJP-FY")
    record_ruling(demo.session, demo.issuer, case, Ruling(
        confirmed=True, number=f"（{moment.year}）苏0812民特{case.id:03d}号",
        dated_on=(moment + timedelta(days=3)).date(), judge="陈立", clerk="周敏"),
        actor=judge, now=moment + timedelta(days=3))

    case = demo.file("QJP-FY", "loan", start, amount=Decimal("52000.00"))
    referral = demo.refer(case, "delegate", "QJP-PL", start + timedelta(hours=2),
                          "诉前委派调解，请于三十日内反馈结果。")
    moment = start + timedelta(days=1)
    demo.accept(referral, moment)
    moment = demo.walk(case, ["accept", "start_mediation", "session", "close_failure"], moment)
    documents.issue_failure_notice(demo.session, demo.issuer, case, actor=demo.user_at("QJP-PL"),
                                   now=moment)
    referral = demo.refer(case, "return_to_court", "QJP-FY", moment + timedelta(hours=1),
                          "委派调解不成，退回法院依法立案。")
    demo.accept(referral, moment + timedelta(days=1))

    case = demo.file("QJP-XFJ", "labour", start, amount=Decimal("86000.00"))
    referral = demo.refer(case, "petition_mediation", "QJP-MTZX", start + timedelta(hours=4),
                          "六名工人反映被拖欠工资，属劳动争议，转矛调中心分流。")
    moment = start + timedelta(days=1)
    demo.accept(referral, moment)
    demo.walk(case, ["assess"], moment)
    referral = demo.refer(case, "dispatch", "QJP-RS", moment + timedelta(hours=5),
                          "欠薪纠纷，分流至劳动人事争议仲裁院调解。")
    demo.accept(referral, moment + timedelta(days=1))

    case = demo.file("QJP-MTZX", "medical", start + timedelta(days=20), region=town)
    referral = demo.refer(case, "dispatch", "QJP-QH", start + timedelta(days=20, hours=2),
                          "医疗纠纷，请社区调委会先行调解。")
    referrals.return_referral(demo.session, referral, reason="not_our_remit",
                              note="医疗纠纷宜由医患纠纷专业调委会调解。",
                              actor=demo.user_at("QJP-QH"), now=start + timedelta(days=21))
    referral = demo.refer(case, "dispatch", "HA-YH", start + timedelta(days=21, hours=1),
                          "按社区调委会意见，改派医患纠纷人民调解委员会。")
    demo.accept(referral, start + timedelta(days=22))

    case = demo.file("QJP-PL", "property", utcnow() - timedelta(days=10), region=town)
    moment = demo.walk(case, ["accept", "start_mediation", "session", "agreement"],
                       utcnow() - timedelta(days=10))
    mediator = demo.user_at("QJP-PL")
    old = next(iter(demo.session.scalars(select(agreements.Agreement).where(
        agreements.Agreement.case_id == case.id))))
    corrected = agreements.correct_agreement(demo.session, old, reason="付款期限笔误，更正为三十日。",
                                             actor=mediator, now=moment + timedelta(hours=1))
    corrected.clauses = [clause.replace("十五日", "三十日") for clause in corrected.clauses]
    demo.sign_all(case, corrected, mediator, moment + timedelta(hours=2))
    demo.walk(case, ["close_success"], moment + timedelta(hours=3))

    case = demo.file("QJP-JJ", "traffic", utcnow() - timedelta(days=1), amount=Decimal("12000.00"))
    demo.refer(case, "escalate", "QJP-MTZX", utcnow() - timedelta(hours=20),
               "涉及多名伤者，需矛调中心统筹。")

    workers = [_person(demo.rng, "applicant") for _ in range(7)]
    employer = cases.NewParty(role="respondent", kind="organisation", name="淮安市某建筑劳务有限公司",
                              representative_name="钱某")
    case = demo.file("QJP-RS", "labour", utcnow() - timedelta(days=2), parties=workers + [employer],
                     amount=Decimal("168000.00"))
    case.description = "七名工人被拖欠工资近半年，扬言集体上访。"
    evaluate(demo.session, case, WarningRules(), now=utcnow() - timedelta(days=2))


INSURER = ("中国人民财产保险股份有限公司淮安市分公司", "PDZA20263208000000123")


def _traffic_agreement(demo: Demo, case: Case, actor: User, moment, *, insured: bool):
    """The traffic police's 调解书 with the items of 第九十三条; the insurer's items where an
    insurer takes part (第八十九条)."""
    driver, injured = case.parties[1].name, case.parties[0].name
    details = {"basis": "道路交通事故认定书（第320812202600123号）",
               "losses": f"{driver}驾驶小型轿车与{injured}驾驶的电动自行车相撞，{injured}受伤住院。",
               "items": "医疗费 8,600.00\n误工费 2,400.00\n车辆修理费 1,000.00",
               "liability": f"{driver} 主要责任 70%\n{injured} 次要责任 30%"}
    if insured:
        details["insurer_items"] = "交强险医疗费用赔偿限额内 8,600.00\n交强险伤残赔偿限额内 2,400.00"
    agreement = agreements.draft_agreement(demo.session, case, agreements.AgreementDraft(
        facts=case.description, matters="事故责任以道路交通事故认定书为准。",
        clauses=[f"{driver}及承保的保险公司于十日内向{injured}赔偿人民币12,000元。" if insured
                 else f"{driver}于十日内向{injured}赔偿人民币12,000元。",
                 "双方就本次事故再无其他争议。"],
        amount=Decimal("12000.00"), performance_manner="银行转账",
        performance_deadline=(moment + timedelta(days=10)).date(), details=details),
        actor=actor, now=moment)
    demo.sign_all(case, agreement, actor, moment)


def _seed_traffic_cases(demo: Demo) -> None:
    """交通事故损害赔偿调解 at the traffic police: one with the insurer of the car taking part
    (道路交通事故处理程序规定 第八十九条), settled; one with no insurer, which failed and went,
    with the parties' consent, to the 道路交通事故人民调解委员会 (第八十六条第二款), where it was
    settled; and one the committee could not settle, handed back to the traffic police at
    the parties' request and waiting for them to accept it."""
    officer = demo.user_at("QJP-JJ")
    start = utcnow() - timedelta(days=30)

    case = demo.file("QJP-JJ", "traffic", start, amount=Decimal("12000.00"))
    traffic.record_insurer(demo.session, case, traffic.Insurer(
        present=True, name=INSURER[0], policy_number=INSURER[1]), actor=officer,
        now=start + timedelta(hours=1))
    moment = demo.walk(case, ["accept", "start_mediation", "session"], start)
    _traffic_agreement(demo, case, officer, moment, insured=True)
    demo.walk(case, ["close_success"], moment)

    case = demo.file("QJP-JJ", "traffic", start, amount=Decimal("12000.00"))
    traffic.record_insurer(demo.session, case, traffic.Insurer(present=False), actor=officer,
                           now=start + timedelta(hours=1))
    moment = demo.walk(case, ["accept", "start_mediation", "session", "close_failure"], start)
    referral = demo.refer(case, "traffic_peoples_mediation", "QJP-JT",
                          moment + timedelta(hours=2),
                          "交警调解未达成协议，双方当事人同意由交通事故人民调解委员会调解。")
    moment = moment + timedelta(days=1)
    demo.accept(referral, moment)
    moment = demo.walk(case, ["accept", "start_mediation", "session"], moment)
    _traffic_agreement(demo, case, demo.user_at("QJP-JT"), moment, insured=False)
    demo.walk(case, ["close_success"], moment)

    case = demo.file("QJP-JT", "traffic", start + timedelta(days=10),
                     amount=Decimal("30000.00"))
    moment = demo.walk(case, ["accept", "start_mediation", "session", "close_failure"],
                       start + timedelta(days=10))
    demo.refer(case, "traffic_police_mediation", "QJP-JJ", moment + timedelta(hours=2),
               "人民调解未达成协议，双方当事人一致申请公安机关交通管理部门调解。")
def _app_checklist() -> Checklist:
    from .review.catalog import checklist

    return checklist()


def _seed_archived_cases(demo: Demo, regions: dict, checklist: Checklist) -> None:
    """一案一档 and 案件评查, through the services the pages use: a 公调对接 case mediated to an
    agreement and visited (回访), archived by the committee (the police station is told its
    case file is closed) and scored by the district's committee reader. One case only: each
    case file is laid out three times and signed."""
    start = utcnow() - timedelta(days=40)
    case = demo.file("QJP-PL-PCS", "neighbour", start, amount=Decimal("1800.00"),
                     region=regions["320812001"])
    referral = demo.refer(case, "police_mediation", "QJP-PL", start + timedelta(hours=2),
                          "邻里噪音纠纷，双方同意调解，移送驻所调解室。")
    demo.accept(referral, start + timedelta(days=1))
    moment = demo.walk(case, ["accept", "start_mediation", "session", "agreement",
                              "close_success"], start + timedelta(days=1))
    mediator = demo.user_at("QJP-PL")
    moment = min(moment + timedelta(days=7), utcnow())
    agreements.record_follow_up(demo.session, case, visited_on=moment.date(), satisfaction=5,
                                notes="双方已按协议履行，邻里关系恢复。", actor=mediator, now=moment)
    archive_case(demo.session, demo.issuer, case, actor=mediator, checker_name="李建国",
                 retention="long_term", now=min(moment + timedelta(days=1), utcnow()))
    _review(demo, case, checklist, now=min(moment + timedelta(days=3), utcnow()))


def _review(demo: Demo, case: Case, checklist: Checklist, *, now) -> None:
    """Full marks but for the first item worth more than a point, docked one with its reason."""
    items = applicable_items(checklist, demo.session, case)
    marks = {item.code: Mark(awarded=Decimal(item.points)) for item in items}
    docked = next((item for item in items if item.points > 1), None)
    if docked is not None:
        marks[docked.code] = Mark(awarded=Decimal(docked.points - 1),
                                  note="卷内材料排列顺序与目录不完全一致。")
    review_case(demo.session, case, checklist=checklist, marks=marks,
                actor=demo.users["committee"], now=now)
