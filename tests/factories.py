"""Factories with overridable defaults; each flushes and returns the object."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal

from werkzeug.security import generate_password_hash

from mediation_app.agreements import issuing
from mediation_app.agreements import services as agreements
from mediation_app.auth.models import ApiToken, User
from mediation_app.cases import services
from mediation_app.db import utcnow
from mediation_app.directory.models import Institution, Region
from mediation_app.directory.services import create_institution, create_region
from mediation_app.domain.idcard import check_digit
from mediation_app.handlings.catalog import catalog
from mediation_app.workflow.calendar import china_date

PASSWORD = "correct-horse-42"


def _signature_png() -> bytes:
    from io import BytesIO

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (240, 80), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(10, 60), (60, 20), (110, 55), (170, 15), (230, 50)],
                               fill=(0, 0, 0, 255), width=3)
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


SIGNATURE_PNG = _signature_png()
# cheap scrypt parameters keep sign-ins fast in tests; production uses the library default
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")
_numbers = itertools.count(1)


def id_number(birth: str = "19800101", area: str = "320812", serial: int | None = None) -> str:
    first17 = f"{area}{birth}{(serial if serial is not None else next(_numbers) % 1000):03d}"
    return first17 + check_digit(first17)


def examined_for_police_mediation(session, case, by: User, *, now=None, **changes):
    """Where the workflow asks (治安调解), record a finding that the case qualifies, as the
    officer does on acceptance (公安机关办理行政案件程序规定 arts. 178, 179)."""
    from mediation_app.handlings import police

    if not police.asks_for(case.current_handling, police.ELIGIBILITY_GUARDS):
        return None
    finding = police.Eligibility(**{"civil_dispute": True, "minor_circumstances": True,
                                    "circumstance": "trifles_between_acquaintances",
                                    "exclusions": [], **changes})
    return police.record_eligibility(session, case, finding, actor=by, now=now or utcnow())


def traffic_dates_before(session, case, by: User, step: str, *, now=None):
    """Where the workflow asks (交通事故损害赔偿调解), record before acceptance an application
    made within ten days of the 事故认定书, and before mediation a loss determined that day
    (道路交通事故处理程序规定 第八十六条、第九十条)."""
    from mediation_app.handlings import traffic

    handling = case.current_handling
    if handling is None or not traffic.asks_for(handling, traffic.APPLICATION_GUARDS):
        return None
    now = now or utcnow()
    day = china_date(now)
    if step == "accept":
        return traffic.record_application(session, case, traffic.Application(
            certificate_received_on=day - timedelta(days=3), applied_on=day), actor=by, now=now)
    if step == "start_mediation":
        return traffic.record_loss_event(session, case, traffic.LossEvent(
            kind="property", occurred_on=day), actor=by, now=now)
    return None


def reason_for(case, transition: str) -> str | None:
    """The first reason the case's workflow declares for where `transition` ends (failure,
    withdrawal); None for a step that needs none."""
    definition = case.current_handling.definition
    step = definition.transition(transition)
    target = definition.state(step.target) if step else None
    reasons = definition.reasons_for(target.outcome) if target and target.outcome else ()
    return reasons[0].code if reasons else None


def filing_workflow(user: User, name: str | None = None):
    workflows = catalog()
    return workflows.sources[name or workflows.for_filing(user.institution.kind)[0].name]


class Factories:
    def __init__(self, session):
        self.session = session

    def region(self, *, level: str = "city", parent: Region | None = None, name: str | None = None,
               code: str | None = None) -> Region:
        n = next(_numbers)
        return create_region(self.session, code=code or f"R{n}", name=name or f"地区{n}",
                             level=level, parent=parent)

    def district(self, name: str | None = None) -> Region:
        """A district under a fresh city."""
        return self.region(level="district", parent=self.region(), name=name)

    def institution(self, *, kind: str = "peoples_committee", region: Region | None = None,
                    name: str | None = None, short_name: str = "清江浦",
                    case_number_format: str = "（{year}）{short}调字第{seq:04d}号") -> Institution:
        n = next(_numbers)
        return create_institution(
            self.session, code=f"I{n}", name=name or f"调解委员会{n}", kind=kind,
            region=region or self.district(), short_name=short_name,
            case_number_format=case_number_format)

    def user(self, *, role: str = "mediator", institution: Institution | None = None,
             username: str | None = None, **overrides) -> User:
        n = next(_numbers)
        user = User(username=username or f"user{n}", display_name=overrides.pop("display_name", f"用户{n}"),
                    role=role, institution=institution or self.institution(),
                    password_hash=_PASSWORD_HASH, **overrides)
        self.session.add(user)
        self.session.flush()
        return user

    def party(self, role: str = "applicant", **overrides) -> services.NewParty:
        values = {"role": role, "name": f"当事人{next(_numbers)}", "sex": "male",
                  "id_number": id_number(), "phone": "13800138000", "address": "淮安市健康西路1号"}
        values.update(overrides)
        return services.NewParty(**values)

    def case(self, *, by: User | None = None, region: Region | None = None,
             now: datetime | None = None, parties: list | None = None, **overrides):
        actor = by or self.user()
        data = services.NewCase(
            dispute_type=overrides.pop("dispute_type", "neighbour"),
            source=overrides.pop("source", "walk_in"),
            region=region or actor.institution.region,
            summary=overrides.pop("summary", "邻里排水纠纷"),
            received_on=overrides.pop("received_on", date.today()),
            parties=parties or [self.party("applicant"), self.party("respondent")],
            description=overrides.pop("description", "两家共用排水沟堵塞。"),
            amount=overrides.pop("amount", Decimal("1200.00")),
            **overrides,
        )
        return services.file_case(self.session, data, actor=actor, now=now or utcnow(),
                                  workflow=filing_workflow(actor))

    def session_record(self, case, by: User, **overrides):
        data = agreements.SessionRecord(**{
            "held_on": date.today(), "place": "调解室", "mediators": by.display_name,
            "attendees": "双方当事人", "record": "双方陈述意见。", **overrides})
        return agreements.record_session(self.session, case, data, actor=by, now=utcnow())

    def agreement(self, case, by: User, **overrides):
        data = agreements.AgreementDraft(**{
            "facts": "两家共用排水沟堵塞。", "matters": "双方均有责任。",
            "clauses": ["被申请人于十日内支付申请人人民币1,200元。", "双方再无其他争议。"],
            "amount": Decimal("1200.00"), "performance_manner": "银行转账",
            "performance_deadline": date.today(), **overrides})
        return agreements.draft_agreement(self.session, case, data, actor=by, now=utcnow())

    def sign_everyone(self, agreement, case, by: User, *, issuer=None, now=None):
        """Every party and the mediator sign; with an issuer the PDF is issued too."""
        now = now or utcnow()
        signers = [agreements.Signer(party=p) for p in case.parties] + [agreements.Signer(user=by)]
        for signer in signers:
            agreements.sign_agreement(
                self.session, agreement, signer, image_png=SIGNATURE_PNG, ip_address="127.0.0.1",
                user_agent="pytest", actor=by, now=now,
                on_complete=(lambda signed: issuing.issue_agreement(
                    self.session, issuer, signed, actor=by, now=now)) if issuer else None)
        return agreement

    def mediating_case(self, by: User | None = None, **overrides):
        """A case accepted, in mediation, with one session recorded."""
        from mediation_app.handlings.services import fire_transition

        mediator = by or self.user()
        case = self.case(by=mediator, **overrides)
        self.examined_for_police_mediation(case, mediator)
        fire_transition(self.session, case, "accept", actor=mediator, now=utcnow())
        fire_transition(self.session, case, "start_mediation", actor=mediator, now=utcnow())
        self.session_record(case, mediator)
        return case, mediator

    def visited_case(self, by: User | None = None):
        """A case closed in success with its agreement signed, and one follow-up visit
        recorded (回访), committed: (case, mediator, visit)."""
        from mediation_app.handlings.services import fire_transition

        case, mediator = self.mediating_case(by=by)
        self.sign_everyone(self.agreement(case, mediator), case, mediator)
        fire_transition(self.session, case, "close_success", actor=mediator, now=utcnow())
        visit = agreements.record_follow_up(self.session, case, visited_on=date(2026, 12, 1),
                                            satisfaction=5, notes="已按期付款。", actor=mediator,
                                            now=utcnow())
        self.commit()
        return case, mediator, visit

    def examined_for_police_mediation(self, case, by: User, **changes):
        return examined_for_police_mediation(self.session, case, by, **changes)

    def token(self, user: User, name: str = "test") -> str:
        token, secret = ApiToken.issue(user, name)
        self.session.add(token)
        self.session.flush()
        return secret

    def commit(self) -> None:
        self.session.commit()
