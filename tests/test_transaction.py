"""A request commits once, after the view, and only when it ended well."""

from flask import abort
from sqlalchemy import select

from mediation_app.directory.models import Region
from mediation_app.extensions import db
from mediation_app.transaction import discard, unit_of_work


def _app_with_views(other_app):
    app = other_app(WTF_CSRF_ENABLED=False)

    @app.post("/_tx/ok")
    def ok():
        db.session.add(Region(code="TXOK", name="提交", level="city", path="/TXOK/"))
        db.session.flush()
        return "ok"

    @app.post("/_tx/refused")
    def refused():
        db.session.add(Region(code="TXNO", name="拒绝", level="city", path="/TXNO/"))
        db.session.flush()
        abort(409)

    @app.post("/_tx/discarded")
    def discarded():
        db.session.add(Region(code="TXDI", name="放弃", level="city", path="/TXDI/"))
        db.session.flush()
        discard()
        return "form shown again"

    return app


def _codes(app):
    with app.app_context():
        return set(db.session.scalars(select(Region.code).where(Region.code.like("TX%"))))


def test_a_request_that_ends_well_is_committed(other_app):
    app = _app_with_views(other_app)
    app.test_client().post("/_tx/ok")
    assert _codes(app) == {"TXOK"}


def test_a_request_that_ends_in_an_error_status_is_rolled_back(other_app):
    app = _app_with_views(other_app)
    assert app.test_client().post("/_tx/refused").status_code == 409
    assert _codes(app) == set()


def test_a_discarded_request_commits_nothing_even_with_status_200(other_app):
    app = _app_with_views(other_app)
    assert app.test_client().post("/_tx/discarded").status_code == 200
    assert _codes(app) == set()


def test_a_unit_of_work_rolls_back_when_its_block_raises(app):
    with app.app_context():
        try:
            with unit_of_work(db.session) as session:
                session.add(Region(code="TXUW", name="任务", level="city", path="/TXUW/"))
                session.flush()
                raise RuntimeError("job failed")
        except RuntimeError:
            pass
        assert _codes(app) == set()
