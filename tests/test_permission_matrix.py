"""Every route × every role × own / foreign jurisdiction, with the expected answer.

"own" objects belong to a case the role's user reaches through their institution (or,
for the committee reader, their region; the admin sees no cases at all); "foreign"
objects belong to a case of another district handled by another institution.

Every answer is checked for its effect, not only its status code:
- a write (POST, PUT, DELETE) that is refused (401, 403, 404, 409, 422, or a redirect to
  the login page) leaves every table of the application exactly as it was; a write that is
  let through changes exactly the tables EFFECTS names for it;
- a page, file or API answer about a case record shows no personal data of the case's
  parties (name, ID number, phone) to a role it refuses, and shows region readers
  (dispatcher, committee reader) ID numbers and phones only masked."""

import io
import itertools
import subprocess
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from flask import g
from sqlalchemy import select

from mediation_app.agreements.models import Agreement, FollowUp, MediationSession, Performance
from mediation_app.archive.models import CaseArchive
from mediation_app.auth.models import ApiToken
from mediation_app.casefile.models import Referral
from mediation_app.cases import services
from mediation_app.db import utcnow
from mediation_app.documents.models import Document
from mediation_app.domain.idcard import mask_id_number, mask_phone
from mediation_app.handlings.models import MediationPeriod
from mediation_app.ledger.models import LedgerImport
from mediation_app.monthly.models import MonthlyReport
from mediation_app.parties.models import Application, Appointment
from mediation_app.referrals.records import OutcomeReport
from mediation_app.storage import Storage
from mediation_app.supervision.models import SupervisionOrder
from mediation_app.warnings.models import EarlyWarning

from .factories import PASSWORD, id_number
from .unchanged import snapshot

ROLES = ["anonymous", "mediator", "liaison", "dispatcher", "committee", "admin"]
HOLDERS = ("mediator", "liaison", "dispatcher")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
STEP = {"mediator": "accept", "liaison": "accept", "dispatcher": "assess"}
KIND = {"mediator": "escalate", "liaison": "delegate", "dispatcher": "dispatch"}
JOB = "0b6f4e2c-1111-4222-8333-444455556666"  # a job id of the queue's form

OWN = {
    "GET /cases/{id}":                                  [302, 200, 200, 200, 200, 404],
    "GET /cases/{id}/edit":                             [302, 200, 200, 200, 403, 404],
    "GET /cases/{id}/parties/new":                      [302, 200, 200, 200, 403, 404],
    "GET /cases/{id}/parties/{pty}/edit":               [302, 200, 200, 200, 403, 404],
    "POST /cases/{id}/attachments":                     [302, 302, 302, 302, 403, 404],
    "GET /cases/{id}/attachments/{att}":                [302, 200, 200, 200, 200, 404],
    "POST /cases/{id}/transitions/{step}":              [302, 302, 302, 302, 403, 404],
    "POST /cases/{id}/ruling":                          [302, 302, 302, 302, 403, 404],
    # 治安调解 records: the matrix's cases are not police cases, so the holders are told so
    "POST /cases/{id}/police/eligibility":              [302, 302, 302, 302, 403, 404],
    "POST /cases/{id}/police/guardians":                [302, 302, 302, 302, 403, 404],
    # 交通事故 dates: nor are they traffic police cases
    "POST /cases/{id}/traffic/application":             [302, 302, 302, 302, 403, 404],
    "POST /cases/{id}/traffic/loss-event":              [302, 302, 302, 302, 403, 404],
    "POST /cases/{id}/traffic/insurer":                 [302, 302, 302, 302, 403, 404],
    "GET /cases/{id}/referrals/{kind}":                 [302, 200, 200, 200, 403, 403],
    # each step's documents; {kind} is a referral kind here, not a document issued on the spot
    "GET /cases/{id}/documents":                        [302, 200, 200, 200, 200, 404],
    "POST /cases/{id}/documents/{kind}":                [302, 403, 403, 403, 403, 404],
    # a document being issued by a queue worker: followed by who may issue it, under its own
    # case; without Redis (as here) no job is found
    "GET /cases/{id}/documents/jobs/{job}":             [302, 404, 404, 404, 403, 404],
    "GET /cases/{id}/sessions/new":                     [302, 200, 200, 200, 403, 404],
    "GET /sessions/{ses}/edit":                         [302, 200, 200, 200, 403, 404],
    "GET /cases/{id}/agreement/new":                    [302, 200, 200, 200, 403, 404],
    # the matrix's cases are registered, before mediation: the holders are told, not shown a form
    "GET /cases/{id}/agreement/oral":                   [302, 302, 302, 302, 403, 404],
    "POST /cases/{id}/agreement/oral":                  [302, 302, 302, 302, 403, 404],
    "GET /agreements/{agr}/edit":                       [302, 200, 200, 200, 403, 404],
    "GET /agreements/{agr}/preview.pdf":                [302, 200, 200, 302, 200, 404],
    # the draft being rendered by a queue worker: followed under its own draft by who may
    # preview it; without Redis (as here) no job is found
    "GET /agreements/{agr}/preview/{job}":              [302, 404, 404, 404, 404, 404],
    "GET /agreements/{agr}/preview/{job}/file":         [302, 404, 404, 404, 404, 404],
    "GET /agreements/{agr}/sign":                       [302, 200, 200, 200, 200, 404],
    "POST /agreements/{agr}/signatures":                [302, 302, 302, 302, 403, 404],
    "POST /agreements/{agr}/correct":                   [302, 302, 302, 302, 403, 404],
    # 调解笔录 signed by those present: only the holder whose workflow issues it (the
    # committee's, not the court's or the centre's) collects the signatures
    "GET /sessions/{ses}/record":                       [302, 200, 403, 403, 403, 404],
    "POST /sessions/{ses}/record/signatures":           [302, 302, 403, 403, 403, 404],
    "POST /sessions/{ses}/record/refusals":             [302, 302, 403, 403, 403, 404],
    # 回访记录 of a visit after success: issued by the committee that mediated it
    "POST /follow-ups/{visit}/record":                  [302, 302, 403, 403, 403, 404],
    "GET /documents/{doc}":                             [302, 200, 200, 200, 200, 404],
    "POST /referrals/{ref}/accept":                     [302, 302, 302, 302, 403, 403],
    "GET /referrals/{ref}/return":                      [302, 403, 403, 403, 403, 403],
    "POST /referrals/{ref}/withdraw":                   [302, 302, 302, 302, 403, 403],
    "GET /cases/{closed}/follow-ups/new":               [302, 200, 200, 403, 403, 404],
    "POST /agreements/{signed}/performances":           [302, 302, 302, 403, 403, 404],
    "POST /performances/{perf}":                        [302, 302, 302, 403, 403, 404],
    "POST /cases/{closed}/failure-notice":              [302, 403, 403, 403, 403, 404],
    "POST /agreements/{signed}/confirmation-application": [302, 302, 302, 403, 403, 404],
    "POST /agreements/{agr}/signing-links":             [302, 302, 302, 302, 403, 403],
    "GET /cases/{id}/mediators":                        [302, 200, 200, 200, 200, 403],
    "POST /cases/{id}/mediators":                       [302, 302, 302, 302, 403, 403],
    "POST /cases/{id}/recusals":                        [302, 302, 302, 302, 403, 403],
    "GET /cases/{id}/appointments":                     [302, 200, 200, 200, 403, 403],
    "POST /cases/{id}/appointments/{apt}/cancel":       [302, 302, 302, 302, 403, 403],
    "POST /documents/{doc}/deliver":                    [302, 302, 302, 302, 403, 403],
    "GET /api/v1/cases/{id}":                           [401, 200, 200, 200, 200, 404],
    "GET /notifications/cases/{id}":                    [302, 200, 200, 200, 200, 404],
    "GET /cases/{id}/period":                           [302, 200, 200, 200, 403, 404],
    "GET /outcome-reports/{out}":                       [302, 200, 200, 200, 404, 404],
    "GET /api/v1/cases/{id}/transitions":               [401, 200, 200, 200, 200, 404],
    "POST /api/v1/cases/{id}/transitions/{step}":       [401, 200, 200, 200, 403, 404],
    "POST /api/v1/cases/{id}/referrals":                [401, 422, 422, 422, 403, 404],
    "GET /api/v1/cases/{id}/agreements":                [401, 200, 200, 200, 200, 404],
    "PUT /api/v1/agreements/{agr}":                     [401, 422, 422, 422, 403, 404],
    "PUT /api/v1/cases/{id}/parties/{pty}":             [401, 422, 422, 422, 403, 404],
    "GET /api/v1/cases/{id}/sessions":                  [401, 200, 200, 200, 200, 404],
    "PUT /api/v1/sessions/{ses}":                       [401, 422, 422, 422, 403, 404],
    "POST /api/v1/referrals/{ref}/accept":              [401, 409, 409, 409, 404, 404],
    "POST /api/v1/referrals/{ref}/return":              [401, 422, 422, 422, 404, 404],
    "POST /api/v1/referrals/{ref}/withdraw":            [401, 200, 200, 200, 404, 404],
    # 归档: the holder of a closed case archives it (an empty form is not a confirmation);
    # the case file is read by every reader of the case, whole or masked
    "GET /cases/{closed}/archive":                      [302, 200, 200, 200, 403, 404],
    "POST /cases/{closed}/archive":                     [302, 200, 200, 200, 403, 404],
    "GET /cases/{archived}/casefile.pdf":               [302, 200, 200, 200, 200, 404],
    # an archived case is read-only, for its holder too
    "POST /cases/{archived}/attachments":               [302, 403, 403, 403, 403, 404],
    "POST /cases/{archived}/transitions/{step}":        [302, 403, 403, 403, 403, 404],
    "POST /cases/{archived}/follow-ups/new":            [302, 403, 403, 403, 403, 404],
    "POST /cases/{archived}/archive":                   [302, 403, 403, 403, 403, 404],
    # 案件评查: every reader of an archived case reads its reviews; only a region reader whose
    # institution did not handle it scores it (an empty form scores nothing)
    "GET /cases/{archived}/review":                     [302, 200, 200, 200, 200, 404],
    "POST /cases/{archived}/review":                    [302, 403, 403, 403, 200, 404],
    # what a closed mediation prevented: the holder's mediators correct it (an empty form
    # gives no reason: shown again), not once the case is archived
    "GET /cases/{closed}/prevented":                    [302, 200, 403, 403, 403, 404],
    "POST /cases/{closed}/prevented":                   [302, 200, 403, 403, 403, 404],
    "POST /cases/{archived}/prevented":                 [302, 403, 403, 403, 403, 404],
}
# Routes guarded by role before the case is looked up answer 403 to the wrong role.
ROLE_FIRST = {"GET /cases/{id}/referrals/{kind}", "POST /referrals/{ref}/accept",
              "GET /referrals/{ref}/return", "POST /referrals/{ref}/withdraw",
              "POST /agreements/{agr}/signing-links", "GET /cases/{id}/appointments",
              "POST /cases/{id}/appointments/{apt}/cancel",
              "POST /documents/{doc}/deliver"}
FOREIGN = {
    route: [401 if "/api/" in route else 302]
    + ([404, 404, 404, 403, 403] if route in ROLE_FIRST else [404] * 5)
    for route in OWN
}
# the roster admits region readers, then looks the case up: they get 404 abroad, admins 403
FOREIGN.update({route: [302, 404, 404, 404, 404, 403] for route in (
    "GET /cases/{id}/mediators", "POST /cases/{id}/mediators", "POST /cases/{id}/recusals")})
GLOBAL = {
    "GET /":                                 [302, 200, 200, 200, 200, 302],
    # everyone signed in changes their own password (等保 2.0 身份鉴别)
    "GET /account/password":                 [302, 200, 200, 200, 200, 200],
    "POST /account/password":                [302, 200, 200, 200, 200, 200],
    "GET /cases/":                           [302, 200, 200, 200, 200, 403],
    "GET /cases/new":                        [302, 200, 200, 200, 403, 403],
    "GET /cases/export.xlsx":                [302, 200, 200, 200, 200, 403],
    "GET /cases/?assign=1":                  [302, 200, 200, 200, 200, 403],
    "POST /roster/assignments":              [302, 302, 302, 302, 403, 403],
    "GET /referrals":                        [302, 200, 200, 200, 403, 403],
    "GET /workflows":                        [302, 200, 200, 200, 200, 200],
    "GET /workflows/peoples_committee":      [302, 200, 200, 200, 200, 200],
    "GET /admin/users":                      [302, 403, 403, 403, 403, 200],
    "GET /admin/users/new":                  [302, 403, 403, 403, 403, 200],
    "GET /admin/regions":                    [302, 403, 403, 403, 403, 200],
    "GET /admin/institutions":               [302, 403, 403, 403, 403, 200],
    "GET /admin/tokens":                     [302, 403, 403, 403, 403, 200],
    "GET /admin/users/{uid}":                [302, 403, 403, 403, 403, 200],
    "POST /admin/users/{uid}/password":      [302, 403, 403, 403, 403, 302],
    "POST /admin/users/{uid}/active":        [302, 403, 403, 403, 403, 302],
    "GET /admin/institutions/{iid}":         [302, 403, 403, 403, 403, 200],
    "POST /admin/tokens/{tid}/revoke":       [302, 403, 403, 403, 403, 302],
    "GET /admin/users/{foreign_uid}":        [302, 403, 403, 403, 403, 404],
    "GET /admin/institutions/{foreign_iid}": [302, 403, 403, 403, 403, 404],
    "POST /admin/tokens/{foreign_tid}/revoke": [302, 403, 403, 403, 403, 404],
    "GET /api/v1/cases":                     [401, 200, 200, 200, 200, 200],
    "POST /api/v1/cases":                    [401, 422, 422, 422, 403, 403],
    "GET /api/v1/referrals/inbox":           [401, 200, 200, 200, 403, 403],
    "GET /api/v1/statistics":                [401, 200, 200, 200, 200, 403],
    "GET /healthz":                          [200] * 6,
    "GET /api/v1/openapi.json":              [200] * 6,
    "GET /stats/":                           [302, 200, 200, 200, 200, 403],
    "GET /stats/charts/channels.svg":        [302, 200, 200, 200, 200, 403],
    "GET /stats/export.csv":                 [302, 200, 200, 200, 200, 403],
    "GET /stats/export.xlsx":                [302, 200, 200, 200, 200, 403],
    "GET /stats/ministry-report.xlsx":       [302, 200, 200, 200, 200, 403],
    "GET /subsidy/":                         [302, 200, 200, 200, 200, 403],
    "GET /subsidy/statement.csv":            [302, 200, 200, 200, 200, 403],
    # a render job of the queue; without Redis (as here) none is found
    "GET /subsidy/statement/jobs/{job}":      [302, 404, 404, 404, 404, 403],
    "GET /subsidy/statement/jobs/{job}/file": [302, 404, 404, 404, 404, 403],
    "GET /notifications/":                   [302, 200, 200, 200, 200, 200],
    "POST /notifications/read":              [302, 302, 302, 302, 302, 302],
    "GET /notifications/preferences":        [302, 200, 200, 200, 200, 200],
    "GET /ledger/":                          [302, 200, 200, 200, 403, 200],
    "GET /ledger/export":                    [302, 200, 200, 200, 200, 403],
    "GET /ledger/template.xlsx":             [302, 200, 200, 200, 403, 200],
    "GET /ledger/imports/{imp}":             [302, 200, 404, 404, 403, 200],
    "GET /ledger/imports/{imp}.json":        [302, 200, 404, 404, 403, 200],
    "GET /reports/":                         [302, 403, 403, 200, 200, 200],
    "GET /reports/{rep}.pdf":                [302, 403, 403, 200, 200, 200],
    "GET /reports/{foreign_rep}.pdf":        [302, 403, 403, 404, 404, 404],
    "POST /reports/requests":                [302, 403, 403, 200, 200, 403],
    # the parties' public pages: the same answer with or without a staff session
    "GET /apply":                            [200] * 6,
    "POST /apply":                           [200] * 6,
    "GET /apply/submitted/{number}":         [404] * 6,
    "GET /follow":                           [200] * 6,
    "POST /follow":                          [200] * 6,
    "GET /follow/status":                    [302] * 6,
    "GET /follow/documents/{pdoc}":          [302] * 6,
    "POST /follow/rating":                   [302] * 6,
    "POST /follow/recusal":                  [302] * 6,
    "POST /follow/mediator":                 [302] * 6,
    "GET /sign/{token}":                     [404] * 6,
    "GET /sign/{token}/agreement":           [404] * 6,
    "POST /sign/{token}/signature":          [404] * 6,
    "GET /sign/{token}/jobs/{job}":          [404] * 6,
    "GET /applications":                     [302, 200, 200, 200, 403, 403],
    "GET /applications/{app}":               [302, 200, 404, 404, 403, 403],
    "GET /applications/{app}/files/{appfile}": [302, 404, 404, 404, 403, 403],
    "POST /applications/{app}/accept":       [302, 302, 404, 404, 403, 403],
    "POST /applications/{app}/decline":      [302, 302, 404, 404, 403, 403],
    "GET /supervision/":                     [302, 200, 200, 200, 200, 403],
    "GET /supervision/{sup}":                [302, 200, 404, 200, 200, 404],
    "POST /supervision/{sup}/reply":         [302, 302, 404, 403, 403, 404],
    "POST /supervision/{sup}/close":         [302, 403, 404, 302, 403, 404],
    # the printed 督办单: the issuing centre and the supervised institution only
    "GET /supervision/{sup}.pdf":            [302, 200, 404, 200, 403, 404],
    "GET /supervision/{sup}/print/{job}":    [302, 404, 404, 404, 403, 404],  # no Redis: no job
    "GET /supervision/{sup}/print/{job}/file": [302, 404, 404, 404, 403, 404],
    "POST /supervision/{sup}/list":          [302, 403, 404, 302, 403, 404],
    "POST /supervision/{sup}/lift":          [302, 403, 404, 302, 403, 404],
    "GET /supervision/cases/{sup_case}/new": [302, 403, 404, 200, 403, 404],
    "POST /supervision/cases/{sup_case}/new": [302, 403, 404, 200, 403, 404],
    "GET /supervision/warnings/{warn}/dismiss": [302, 403, 404, 200, 403, 404],
    "POST /supervision/warnings/{warn}/dismiss": [302, 403, 404, 200, 403, 404],
    "GET /supervision/warnings/{warn}/assign": [302, 403, 404, 200, 403, 404],
    "POST /supervision/warnings/{warn}/assign": [302, 403, 404, 200, 403, 404],
    "GET /supervision/{foreign_sup}":        [302, 404, 404, 404, 404, 404],
    "POST /supervision/{foreign_sup}/reply": [302, 404, 404, 404, 404, 404],
    "POST /supervision/{foreign_sup}/close": [302, 404, 404, 404, 404, 404],
    "GET /supervision/{foreign_sup}.pdf":    [302, 404, 404, 404, 404, 404],
    "GET /supervision/{foreign_sup}/print/{job}": [302, 404, 404, 404, 404, 404],
    "POST /supervision/{foreign_sup}/list":  [302, 404, 404, 404, 404, 404],
    "POST /supervision/{foreign_sup}/lift":  [302, 404, 404, 404, 404, 404],
    "GET /supervision/cases/{foreign_case}/new": [302, 404, 404, 404, 404, 404],
    "POST /supervision/warnings/{foreign_warn}/dismiss": [302, 404, 404, 404, 404, 404],
    "POST /supervision/warnings/{foreign_warn}/assign": [302, 404, 404, 404, 404, 404],
    "GET /roster":                           [302, 200, 200, 200, 200, 403],
    "GET /roster/{uid}":                     [302, 200, 404, 404, 404, 403],
    "POST /recusals/{norec}":                [302, 404, 404, 404, 404, 403],
    "GET /verify":                           [200] * 6,
    "GET /verify/{code}":                    [200] * 6,
}


_serials = itertools.count()


def _parties(make) -> list:
    """An applicant and a respondent whose name, ID number and phone (whole and masked)
    appear nowhere else, so that finding one in an answer can only mean a leak."""
    return [make.party(role, name=f"当事人{n}号", id_number=id_number(serial=n),
                       phone=f"139{n:04d}{n + 5000:04d}")
            for role, n in (("applicant", _serial()), ("respondent", _serial()))]


def _serial() -> int:
    return 100 + next(_serials) % 900


@dataclass(frozen=True)
class Person:
    case_id: int
    name: str
    id_number: str
    phone: str

    @classmethod
    def of(cls, party) -> "Person":
        return cls(party.case_id, party.name, party.id_number, party.phone)

    def shown(self, field: str, *, whole: bool) -> str:
        value = getattr(self, field)
        return value if whole else {"id_number": mask_id_number, "phone": mask_phone}[field](value)

    @property
    def whole(self) -> tuple[str, str]:
        return self.id_number, self.phone

    @property
    def masked(self) -> tuple[str, str]:
        return mask_id_number(self.id_number), mask_phone(self.phone)


def _objects(make, session, app, holder, receiver) -> dict:
    """A case held by the holder with an attachment, a draft agreement, a document and a
    pending referral; and a closed successful case with a signed agreement and an obligation."""
    case = make.case(by=holder, parties=_parties(make))
    storage = Storage(app.config["MEDIATION_STORAGE"])
    attachment = services.add_attachment(session, case, filename="a.png", content=PNG,
                                         storage=storage, allowed=("image/png",), max_bytes=1024,
                                         actor=holder, now=utcnow())
    # a governance centre issues no agreement of its own (its workflow names none): the
    # draft row stands for one made while the case was held here
    agreement = Agreement(case_id=case.id, handling_id=case.current_handling.id,
                          template="agreement.html", facts="事实", matters="争议",
                          clauses=["一、条款"], performance_manner="转账",
                          created_by_id=holder.id)
    record = MediationSession(case_id=case.id, handling_id=case.current_handling.id,
                              held_on=date.today(), place="调解室", mediators="调解员",
                              attendees="双方", record="记录", created_by_id=holder.id)
    session.add_all([agreement, record])
    session.flush()
    key, digest = storage.put("documents", b"%PDF-1.7 test")
    masked_key, _ = storage.put("documents", b"%PDF-1.7 masked")
    document = Document(case_id=case.id, institution_id=holder.institution_id, kind="agreement",
                        title="调解协议书", storage_key=key, masked_storage_key=masked_key,
                        sha256=digest, size=13,
                        verification_code=f"CODE{case.id:06d}")
    referral = Referral(case_id=case.id, kind="escalate", from_institution_id=holder.institution_id,
                        to_institution_id=receiver.id, from_handling_id=case.handlings[0].id,
                        reason="上报", created_by_id=holder.id, accept_by=utcnow() + timedelta(3))
    closed = make.case(by=holder, parties=_parties(make))
    handling = closed.handlings[0]
    handling.state, handling.outcome, handling.concluded_at = "succeeded", "success", utcnow()
    closed.closed_at = utcnow()
    signed = Agreement(case_id=closed.id, handling_id=handling.id, template="peoples", facts="f",
                       matters="m", clauses=["c"], performance_manner="p", status="signed",
                       signed_at=utcnow(), created_by_id=holder.id)
    signed.performances.append(Performance(description="付款", due_on=date.today()))
    visit = FollowUp(case_id=closed.id, visited_on=date.today(), satisfaction=5, notes="已履行",
                     recorded_by_id=holder.id)
    appointment = Appointment(case_id=case.id, starts_at=utcnow() + timedelta(days=2),
                              place="调解室", created_by_id=holder.id, created_at=utcnow())
    session.add_all([document, referral, signed, appointment, visit])
    session.flush()
    return {"id": case.id, "archived": _archived(make, session, storage, holder), "att": attachment.id, "agr": agreement.id, "doc": document.id,
            "pty": case.parties[0].id, "ses": record.id, "apt": appointment.id,
            "visit": visit.id, "job": JOB,
            "ref": referral.id, "closed": closed.id, "signed": signed.id,
            "perf": signed.performances[0].id, "code": document.verification_code,
            "people": [Person.of(party) for party in case.parties + closed.parties],
            "out": _loop_records(session, case, closed, referral, receiver)}


def _archived(make, session, storage, holder) -> int:
    """A closed case the holder has archived, its case file stored whole and masked."""
    case = make.case(by=holder, parties=_parties(make))
    handling = case.handlings[0]
    handling.state, handling.outcome, handling.concluded_at = "succeeded", "success", utcnow()
    case.closed_at = case.archived_at = utcnow()
    key, digest = storage.put("casefiles", b"%PDF-1.7 case file")
    masked_key, _ = storage.put("casefiles", b"%PDF-1.7 masked case file")
    session.add(CaseArchive(case_id=case.id, institution_id=holder.institution_id,
                            archived_by_id=holder.id, checker_name="检查人",
                            retention="long_term", storage_key=key,
                            masked_storage_key=masked_key, sha256=digest, size=18,
                            page_count=8, contents=[]))
    session.flush()
    return case.id


def _loop_records(session, case, closed, referral, receiver) -> int:
    """An outcome report the holder receives, and a court mediation period on the case."""
    report = OutcomeReport(referral_id=referral.id, case_id=closed.id,
                           handling_id=closed.handlings[0].id,
                           from_institution_id=referral.from_institution_id,
                           to_institution_id=receiver.id, kind="delegate", outcome="success",
                           concluded_at=utcnow())
    period = MediationPeriod(handling_id=case.current_handling.id, referral_id=referral.id,
                             started_at=utcnow(), ends_at=utcnow() + timedelta(days=30))
    session.add_all([report, period])
    session.flush()
    return report.id


def _ledger_import(session, owner) -> int:
    record = LedgerImport(user_id=owner.id, filename="台账.csv", file_kind="csv",
                          storage_key=f"ledger/matrix-{owner.id}", import_key=f"matrix-{owner.id}",
                          status="done", dry_run=False)
    session.add(record)
    session.commit()
    return record.id


def _monthly_report(session, app, region) -> int:
    key, digest = Storage(app.config["MEDIATION_STORAGE"]).put("reports", b"%PDF-1.7 report")
    report = MonthlyReport(region_id=region.id, month="2026-10", storage_key=key,
                           figures={"totals": {"received": 3, "success": 1, "success_rate": None}},
                           sha256=digest, size=15)
    session.add(report)
    session.commit()
    return report.id


def _application(session, addressee) -> int:
    """An online application waiting in the inbox of the addressee's institution."""
    record = Application(number="SQ20261201-MATRIX", institution_id=addressee.institution_id,
                         region_id=addressee.institution.region_id, dispute_type="neighbour",
                         summary="排水沟堵塞", facts="两家共用排水沟堵塞。", claims="疏通",
                         applicant_name="张建国", applicant_id_number=id_number(),
                         applicant_phone="13912345678", applicant_address="健康西路1号",
                         respondent_name="王秀英")
    session.add(record)
    session.commit()
    return record.id


def _supervision(make, session, users, case_id, foreign_case_id, foreign_holder, region) -> dict:
    """On the mediator's case, an order from the dispatcher's centre and an open warning;
    on the foreign case, the same from the other district's centre."""
    foreign_centre = make.institution(kind="governance_centre", region=region)
    due = utcnow() + timedelta(days=5)
    orders = [SupervisionOrder(case_id=case_id, centre_id=users["dispatcher"].institution_id,
                               institution_id=users["mediator"].institution_id, source="manual",
                               instruction="请报告进展", due_at=due),
              SupervisionOrder(case_id=foreign_case_id, centre_id=foreign_centre.id,
                               institution_id=foreign_holder.institution_id, source="manual",
                               instruction="请报告进展", due_at=due)]
    warnings = [EarlyWarning(case_id=each, flag="risk_words", rule="self_harm", term="跳楼")
                for each in (case_id, foreign_case_id)]
    session.add_all(orders + warnings)
    session.commit()
    return {"sup": orders[0].id, "foreign_sup": orders[1].id, "warn": warnings[0].id,
            "foreign_warn": warnings[1].id, "sup_case": case_id, "foreign_case": foreign_case_id}


@pytest.fixture
def world(make, session, app):
    city = make.region()
    district = make.region(level="district", parent=city)
    town = make.region(level="town", parent=district)
    other_district = make.region(level="district", parent=city)
    users = {
        "mediator": make.user(role="mediator", institution=make.institution(region=town)),
        "liaison": make.user(role="liaison", institution=make.institution(kind="court",
                                                                           region=district)),
        "dispatcher": make.user(role="dispatcher", institution=make.institution(
            kind="governance_centre", region=district)),
        "committee": make.user(role="committee", institution=make.institution(
            kind="committee", region=district)),
        "admin": make.user(role="admin", institution=make.institution(kind="committee",
                                                                      region=district)),
    }
    receiver = make.institution(region=district)
    own = {role: _objects(make, session, app, users[role], receiver) for role in HOLDERS}
    own["committee"] = own["admin"] = own["mediator"]
    foreign_mediator = make.user(institution=make.institution(region=other_district))
    foreign = _objects(make, session, app, foreign_mediator,
                       make.institution(region=other_district))
    tokens = {role: make.token(user) for role, user in users.items()}
    make.token(foreign_mediator)
    make.commit()
    token_ids = {token.user_id: token.id for token in session.scalars(select(ApiToken))}
    ids = {
        "uid": users["mediator"].id, "iid": users["mediator"].institution_id,
        "tid": token_ids[users["mediator"].id], "foreign_uid": foreign_mediator.id,
        "foreign_iid": foreign_mediator.institution_id,
        "foreign_tid": token_ids[foreign_mediator.id], "code": own["mediator"]["code"],
        "imp": _ledger_import(session, users["mediator"]),
        **_supervision(make, session, users, own["mediator"]["id"], foreign["id"],
                       foreign_mediator, other_district),
        "app": _application(session, users["mediator"]), "appfile": 999999, "pdoc": 999999, "norec": 999999,
        "token": "no-such-link", "number": "SQ20261201-NOSUCH", "job": JOB,
        "rep": _monthly_report(session, app, district), "foreign_rep": _monthly_report(
            session, app, other_district),
    }
    return {"users": users, "own": own, "foreign": foreign, "tokens": tokens, "ids": ids}


# What a write let through changes, table by table. The matrix sends each write empty (no
# form fields, an empty JSON object), so a write that needs input is refused by validation
# and must change NOTHING; the others change their records and, like every change to a
# case, write an audit event (case_events, chained in audit_heads) and mark the figures
# for recounting (stats_dirty). A route missing here fails test_every_write_states_its_effect.
NOTHING: frozenset[str] = frozenset()
BY_TOKEN = frozenset({"api_tokens"})  # an API call records when its token was last used


def audited(*tables: str) -> frozenset[str]:
    return frozenset({"case_events", "audit_heads", "stats_dirty", *tables})


EFFECTS: dict[str, frozenset[str]] = {
    "POST /cases/{id}/attachments":                     NOTHING,  # no file chosen
    "POST /cases/{id}/transitions/{step}":              audited("cases", "handlings", "deadline_changes"),
    "POST /cases/{id}/ruling":                          NOTHING,
    "POST /agreements/{agr}/signatures":                NOTHING,
    "POST /agreements/{agr}/correct":                   NOTHING,
    "POST /sessions/{ses}/record/signatures":           NOTHING,  # nothing drawn
    "POST /sessions/{ses}/record/refusals":             NOTHING,  # nobody named, no note
    # the committee's closed case was visited: its 回访记录 is signed (with the certificate
    # the committee gets at its first document), stored and audited
    "POST /follow-ups/{visit}/record":                  audited("documents", "record_documents",
                                                                "institution_certificates"),
    "POST /referrals/{ref}/accept":                     NOTHING,  # not the receiver's to take
    "POST /referrals/{ref}/withdraw":                   audited("referrals"),
    "POST /agreements/{signed}/performances":           NOTHING,
    "POST /performances/{perf}":                        NOTHING,
    "POST /cases/{closed}/failure-notice":              NOTHING,  # the case succeeded
    "POST /agreements/{signed}/confirmation-application": NOTHING,  # no court picked
    "POST /agreements/{agr}/signing-links":             audited("signing_links", "outbox_messages"),
    "POST /cases/{id}/mediators":                       NOTHING,
    "POST /roster/assignments":                         NOTHING,  # no case ticked
    "POST /cases/{id}/recusals":                        NOTHING,
    "POST /documents/{doc}/deliver":                    audited("document_deliveries",
                                                                "outbox_messages"),
    "POST /api/v1/cases/{id}/transitions/{step}":       BY_TOKEN | audited(
        "cases", "handlings", "deadline_changes"),
    "POST /api/v1/cases/{id}/referrals":                NOTHING,
    "PUT /api/v1/agreements/{agr}":                     NOTHING,
    "PUT /api/v1/cases/{id}/parties/{pty}":             NOTHING,  # an empty body: 422
    "PUT /api/v1/sessions/{ses}":                       NOTHING,
    "POST /api/v1/referrals/{ref}/accept":              NOTHING,
    "POST /api/v1/referrals/{ref}/return":              NOTHING,
    "POST /api/v1/referrals/{ref}/withdraw":            BY_TOKEN | audited("referrals"),
    "POST /admin/users/{uid}/password":                 NOTHING,
    "POST /account/password":                           NOTHING,  # no password typed
    "POST /admin/users/{uid}/active":                   frozenset({"users"}),
    "POST /admin/tokens/{tid}/revoke":                  frozenset({"api_tokens"}),
    "POST /admin/tokens/{foreign_tid}/revoke":          NOTHING,
    "POST /api/v1/cases":                               NOTHING,
    "POST /notifications/read":                         NOTHING,  # nothing unread
    "POST /reports/requests":                           NOTHING,
    "POST /apply":                                      NOTHING,
    "POST /follow":                                     NOTHING,
    "POST /follow/rating":                              NOTHING,
    "POST /follow/recusal":                             NOTHING,
    "POST /follow/mediator":                            NOTHING,
    "POST /sign/{token}/signature":                     NOTHING,
    "POST /applications/{app}/accept":                  audited(
        "online_applications", "application_events", "cases", "case_counters", "parties",
        "handlings", "deadline_changes", "outbox_messages"),
    "POST /applications/{app}/decline":                 NOTHING,
    "POST /supervision/{sup}/reply":                    NOTHING,
    "POST /supervision/{sup}/close":                    audited("supervision_orders",
                                                                "notifications"),
    "POST /supervision/{sup}/list":                     audited("supervision_orders",
                                                                "notifications"),
    "POST /supervision/{sup}/lift":                     NOTHING,  # not listed yet
    "POST /supervision/cases/{sup_case}/new":           NOTHING,
    "POST /supervision/warnings/{warn}/dismiss":        NOTHING,
    "POST /supervision/warnings/{warn}/assign":         NOTHING,
    "POST /supervision/{foreign_sup}/reply":            NOTHING,
    "POST /supervision/{foreign_sup}/close":            NOTHING,
    "POST /supervision/{foreign_sup}/list":             NOTHING,
    "POST /supervision/{foreign_sup}/lift":             NOTHING,
    "POST /supervision/warnings/{foreign_warn}/dismiss": NOTHING,
    "POST /supervision/warnings/{foreign_warn}/assign": NOTHING,
    "POST /recusals/{norec}":                           NOTHING,
    "POST /cases/{id}/police/eligibility":              NOTHING,  # not a police case
    "POST /cases/{id}/police/guardians":                NOTHING,  # not a police case
    "POST /cases/{id}/traffic/application":             NOTHING,  # not a traffic case
    "POST /cases/{id}/documents/{kind}":                NOTHING,  # not a document kind
    "POST /cases/{id}/traffic/loss-event":              NOTHING,  # not a traffic case
    "POST /cases/{id}/traffic/insurer":                 NOTHING,  # not a traffic case
    "POST /cases/{id}/agreement/oral":                  NOTHING,  # not in mediation yet
    "POST /cases/{id}/appointments/{apt}/cancel":       NOTHING,  # no reason given
    "POST /cases/{closed}/archive":                     NOTHING,  # not confirmed
    "POST /cases/{archived}/attachments":               NOTHING,  # archived: read-only
    "POST /cases/{archived}/transitions/{step}":        NOTHING,
    "POST /cases/{archived}/follow-ups/new":            NOTHING,
    "POST /cases/{archived}/archive":                   NOTHING,
    "POST /cases/{archived}/review":                    NOTHING,  # no item scored
    "POST /cases/{closed}/prevented":                   NOTHING,  # no reason given
    "POST /cases/{archived}/prevented":                 NOTHING,  # archived: read-only
}


# -- what each answer did: the tables it changed, the text it showed --------------------

# Every table of the application's metadata is watched: a refused write touches none.
REFUSED = {401, 403, 404, 409, 422}
WRITES = ("POST", "PUT", "DELETE")


def _text(response) -> str:
    """The body as its reader sees it: the text of a PDF, nothing of an image."""
    if response.mimetype.startswith("image/"):
        return ""
    if response.mimetype == "application/pdf":
        extracted = subprocess.run(["pdftotext", "-", "-"], input=response.data,
                                   capture_output=True, check=False)
        if extracted.returncode == 0:
            return extracted.stdout.decode()
    return response.get_data(as_text=True)


@dataclass
class Answer:
    status: int
    location: str
    response: object
    changed: frozenset[str] | None  # None: a read, not watched

    @property
    def refused(self) -> bool:
        return self.status in REFUSED or "/login" in self.location

    @property
    def text(self) -> str:
        return _text(self.response)


def _request(app, world, role, route, objects) -> Answer:
    """One request by one role, on a fresh client; a write is framed by two snapshots."""
    g.pop("_login_user", None)  # the test's app context outlives requests: forget the user
    client = app.test_client()
    if role != "anonymous":
        signed_in = client.post("/login", data={"username": world["users"][role].username,
                                                "password": PASSWORD})
        assert signed_in.status_code == 302
        g.pop("_login_user", None)
    method, path = route.split(" ", 1)
    path = path.format(step=STEP.get(role, "accept"), kind=KIND.get(role, "escalate"),
                       **objects)
    headers = {}
    if path.startswith("/api/") and role != "anonymous":
        headers["Authorization"] = f"Bearer {world['tokens'][role]}"
    if path.startswith("/api/") and method in ("POST", "PUT"):
        options = {"json": {}}
    else:
        options = {"data": {"file": (io.BytesIO(b""), "")} if path.endswith("/attachments")
                   else None}
    before = snapshot() if method in WRITES else None
    response = client.open(path, method=method, headers=headers, **options)
    changed = None
    if before is not None:
        after = snapshot()
        changed = frozenset(name for name in before if before[name] != after[name])
    return Answer(response.status_code, response.headers.get("Location", ""), response, changed)


def _answers(app, world, route, objects_of) -> dict[str, Answer]:
    return {role: _request(app, world, role, route, objects_of(role)) for role in ROLES}


def _statuses(answers) -> dict[str, int]:
    return {role: answer.status for role, answer in answers.items()}


def _assert_effects(route, answers) -> None:
    """A refused write changes nothing; a write let through changes what EFFECTS says."""
    if not route.startswith(WRITES):
        return
    for role, answer in answers.items():
        if answer.refused:
            assert answer.changed == set(), f"{role} refused {answer.status} yet changed {set(answer.changed)}"
        elif route in EFFECTS:
            assert answer.changed == EFFECTS[route], f"{role} ({answer.status}) changed {set(answer.changed)}"


# Answers that list the case's parties, and what they show of each: there, a reader who
# may read the case finds those fields, whole or masked as the policy says.
SHOWS_PARTIES = {"GET /cases/{id}": ("id_number", "phone"),
                 "GET /api/v1/cases/{id}": ("id_number",)}


def _assert_personal_data(route, answers, people_of, whole_readers) -> None:
    """A refused reader sees nothing of the parties; a reader not in `whole_readers` sees
    their ID numbers and phones only masked."""
    if not route.startswith("GET "):
        return
    for role, answer in answers.items():
        text = answer.text
        for person in people_of(role):
            if answer.refused or answer.status == 302:
                shown = [value for value in (person.name, *person.whole, *person.masked)
                         if value in text]
                assert shown == [], f"{role} refused {answer.status} yet shown {shown}"
                continue
            whole = role in whole_readers
            if not whole:
                shown = [value for value in person.whole if value in text]
                assert shown == [], f"{role} reads masked yet shown {shown}"
            # a route on `{id}` shows the first of the objects' cases
            if route in SHOWS_PARTIES and person.case_id == people_of(role)[0].case_id:
                expected = [person.shown(field, whole=whole) for field in SHOWS_PARTIES[route]]
                missing = [value for value in expected if value not in text]
                assert missing == [], f"{role} does not see {missing}"


@pytest.mark.parametrize("route", list(OWN))
def test_own_jurisdiction(app, world, route):
    own = world["own"]
    answers = _answers(app, world, route, lambda role: own.get(role, own["mediator"]))
    assert _statuses(answers) == dict(zip(ROLES, OWN[route]))
    _assert_effects(route, answers)
    # the committee reader reads the mediator's case masked; each holder reads its own whole
    _assert_personal_data(route, answers, lambda role: own.get(role, own["mediator"])["people"],
                          HOLDERS)
    if route.startswith("GET "):
        # the dispatcher reads the mediator's case, in its region, masked
        abroad = {"dispatcher": _request(app, world, "dispatcher", route, own["mediator"])}
        _assert_personal_data(route, abroad, lambda role: own["mediator"]["people"], ())


@pytest.mark.parametrize("route", list(FOREIGN))
def test_foreign_jurisdiction(app, world, route):
    answers = _answers(app, world, route, lambda role: world["foreign"])
    assert _statuses(answers) == dict(zip(ROLES, FOREIGN[route]))
    _assert_effects(route, answers)
    _assert_personal_data(route, answers, lambda role: world["foreign"]["people"], ())


@pytest.mark.parametrize("route", list(GLOBAL))
def test_routes_without_a_case(app, world, route):
    answers = _answers(app, world, route, lambda role: world["ids"])
    assert _statuses(answers) == dict(zip(ROLES, GLOBAL[route]))
    _assert_effects(route, answers)


CONVERTERS = {"id": "case_id", "closed": "case_id", "archived": "case_id", "att": "attachment_id", "agr": "agreement_id",
              "signed": "agreement_id", "doc": "document_id", "ref": "referral_id",
              "perf": "performance_id", "uid": "user_id", "foreign_uid": "user_id",
              "iid": "institution_id", "foreign_iid": "institution_id", "tid": "token_id",
              "foreign_tid": "token_id", "imp": "import_id", "rep": "report_id",
              "foreign_rep": "report_id", "app": "application_id",
              "appfile": "file_id", "pdoc": "document_id",
              "norec": "recusal_id", "apt": "appointment_id"}
CONVERTERS.update({"out": "report_id", "pty": "party_id", "ses": "session_id", "visit": "visit_id"})
CONVERTERS.update({"sup": "order_id", "foreign_sup": "order_id", "warn": "warning_id",
                   "foreign_warn": "warning_id", "sup_case": "case_id", "foreign_case": "case_id"})


def _as_rule(path: str) -> str:
    for placeholder, name in CONVERTERS.items():
        path = path.replace("{" + placeholder + "}", f"<int:{name}>")
    path = path.split("?")[0]
    return (path.replace("{step}", "<name>").replace("{kind}", "<kind>")
            .replace("{job}", "<job_id>")
            .replace("{code}", "<code>").replace("{token}", "<token>")
            .replace("{number}", "<number>").replace("/peoples_committee", "/<name>")
            .replace("/channels.svg", "/<name>.svg").replace("/export.csv", "/export.<fmt>")
            .replace("/statement.csv", "/statement.<fmt>"))


def test_every_route_is_in_the_matrix(app):
    covered = {_as_rule(route.split(" ", 1)[1]) for table in (OWN, GLOBAL) for route in table}
    public = {"/static/<path:filename>", "/ledger/static/<path:filename>", "/login", "/logout",
              "/language/<code>"}
    routes = {rule.rule for rule in app.url_map.iter_rules()}
    assert routes - covered - public == set()


def test_every_write_states_its_effect():
    writes = {route for table in (OWN, GLOBAL) for route in table if route.startswith(WRITES)}
    assert writes - set(EFFECTS) == set()
    assert set(EFFECTS) - writes == set()
