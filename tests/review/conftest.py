"""A district with a people's mediation committee that archived a case, the district's
committee reader (政法委/司法行政 staff above the committee) who reviews it, and the
district governance centre's dispatcher."""

from dataclasses import dataclass
from datetime import datetime

import pytest

from mediation_app.archive.models import CaseArchive
from mediation_app.casefile.models import Case
from mediation_app.handlings.services import fire_transition
from mediation_app.review.services import Mark
from mediation_app.storage import Storage
from tests.factories import PASSWORD, reason_for

from ..pdfs import pdf_text  # noqa: F401  (fixture)


@dataclass
class District:
    committee: object     # the 调委会 whose case files are reviewed
    mediator: object
    reader: object        # the district's committee reader: reviews
    dispatcher: object    # the district governance centre's dispatcher: reviews too


@pytest.fixture
def district(make):
    region = make.district()
    committee = make.institution(kind="peoples_committee", region=region, name="城南调委会")
    return District(
        committee=committee,
        mediator=make.user(institution=committee, display_name="王调解"),
        reader=make.user(role="committee", display_name="李评查",
                         institution=make.institution(kind="committee", region=region,
                                                      name="区委政法委")),
        dispatcher=make.user(role="dispatcher", display_name="赵调度",
                             institution=make.institution(kind="governance_centre",
                                                          region=region, name="区矛调中心")))


def concluded(make, mediator, *, when=datetime(2026, 10, 10, 4, 0), outcome="close_success",
              **overrides) -> Case:
    """A case the mediator accepted, mediated and closed (with a signed agreement on success)."""
    case = make.case(by=mediator, now=when, assigned_mediator=mediator, **overrides)
    fire_transition(make.session, case, "accept", actor=mediator, now=when)
    fire_transition(make.session, case, "start_mediation", actor=mediator, now=when)
    make.session_record(case, mediator)
    if outcome == "close_success":
        make.sign_everyone(make.agreement(case, mediator), case, mediator, now=when)
    fire_transition(make.session, case, outcome, actor=mediator, now=when,
                    reason=reason_for(case, outcome))
    return case


def file_away(make, app, case: Case, holder, when=datetime(2026, 10, 12, 4, 0)) -> Case:
    """Archive the closed case as the matrix does: its case file stored, the case read-only
    (the PDF itself is tested in tests/archive)."""
    storage = Storage(app.config["MEDIATION_STORAGE"])
    key, digest = storage.put("casefiles", b"%PDF-1.7 case file")
    masked_key, _ = storage.put("casefiles", b"%PDF-1.7 masked case file")
    case.archived_at = when
    make.session.add(CaseArchive(case_id=case.id, institution_id=holder.institution_id,
                                 archived_by_id=holder.id, archived_at=when,
                                 checker_name="检查人", retention="long_term", storage_key=key,
                                 masked_storage_key=masked_key, sha256=digest, size=18,
                                 page_count=8, contents=[]))
    make.session.flush()
    return case


@pytest.fixture
def archived(make, app, district):
    return file_away(make, app, concluded(make, district.mediator), district.mediator)


def full_marks(items, **taken_off) -> dict:
    """Every item at its full points, except those given as code=(points, note)."""
    marks = {item.code: Mark(awarded=item.points) for item in items}
    marks.update({code: Mark(awarded=points, note=note)
                  for code, (points, note) in taken_off.items()})
    return marks


def form_data(items, **taken_off) -> dict:
    data = {}
    for code, mark in full_marks(items, **taken_off).items():
        data[f"awarded_{code}"] = str(mark.awarded)
        data[f"note_{code}"] = mark.note
    return data


def client_of(app, user):
    client = app.test_client()
    assert client.post("/login", data={"username": user.username,
                                       "password": PASSWORD}).status_code == 302
    return client
