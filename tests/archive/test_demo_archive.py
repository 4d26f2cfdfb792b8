"""The demo city has a case archived (一案一档, 人民调解法 第二十七条) and scored (案件评查), made
by the services the pages use (so its trail, its signed case file and its notices are those a
real archive leaves), and the pages show them after `make run`."""

from sqlalchemy import select

from mediation_app.archive.models import CaseArchive
from mediation_app.audit.models import CaseEvent
from mediation_app.auth.models import User
from mediation_app.demo import DEMO_PASSWORD
from mediation_app.documents.signing import check_signature
from mediation_app.notifications.models import Notification
from mediation_app.review.models import CaseReview

from ..demo_pages import seed_demo


def _client(app, username):
    client = app.test_client()
    client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    return client


def _user(session, username) -> User:
    return session.scalar(select(User).where(User.username == username))


def test_the_demo_archives_and_reviews_a_case_through_the_services_and_its_pages_show_it(
        app, session, monkeypatch):
    seed_demo(app, monkeypatch)
    archive = session.scalar(select(CaseArchive))
    review = session.scalar(select(CaseReview).where(CaseReview.case_id == archive.case_id))
    actions = set(session.scalars(select(CaseEvent.action)
                                  .where(CaseEvent.case_id == archive.case_id)))
    assert {"case.archived", "case.reviewed"} <= actions and review.is_current
    assert archive.verification_code

    police = _user(session, "police")
    told = session.scalar(select(Notification).where(Notification.user_id == police.id,
                                                     Notification.kind == "outcome.archived"))
    assert told is not None and told.case_id == archive.case_id

    download = _client(app, "mediator").get(f"/cases/{archive.case_id}/casefile.pdf")
    assert download.status_code == 200 and check_signature(download.data).intact

    page = _client(app, "committee").get(f"/cases/{archive.case_id}/review",
                                         headers={"Accept-Language": "zh-CN"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and review.grade_label in text
    assert f"{review.score:.2f}" in text
