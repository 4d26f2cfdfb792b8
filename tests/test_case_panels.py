"""The case page is composed of panels that feature packages register: the case pages
import none of them (import-linter says so), and a panel shows where it says, for the
reader it is computed for, or not at all."""

import pytest
from flask import g
from jinja2 import ChoiceLoader, DictLoader

from mediation_app.panels import CasePanel, register_case_panel
from tests.factories import PASSWORD


@pytest.fixture
def extra_panels(app):
    """Panels registered for one test, with templates of their own; removed afterwards."""
    before = list(app.extensions.get("case_panels", []))
    loader = app.jinja_loader
    templates = {}
    app.jinja_loader = ChoiceLoader([DictLoader(templates), loader])
    app.jinja_env.loader = app.jinja_loader

    def add(panel: CasePanel, source: str):
        templates[panel.template] = source
        register_case_panel(app, panel)

    yield add
    app.extensions["case_panels"] = before
    app.jinja_loader = loader
    app.jinja_env.loader = loader
    app.jinja_env.cache.clear()


def test_a_registered_panel_shows_in_its_slot_with_its_context(make, login, extra_panels):
    mediator = make.user()
    case = make.case(by=mediator)
    extra_panels(CasePanel("records", "test/_note.html",
                           lambda c, reader, now: {"who": reader.display_name}),
                 "<section id='test-note'>{{ case.case_no }} · {{ who }}</section>")
    page = login(mediator).get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"<section id='test-note'>{case.case_no} · {mediator.display_name}</section>" in page
    assert page.index("test-note") > page.index("<h2>办理环节</h2>")  # records: below the handlings


def test_a_panel_with_nothing_to_show_is_left_out(make, login, extra_panels):
    mediator = make.user()
    case = make.case(by=mediator)
    extra_panels(CasePanel("alerts", "test/_empty.html", lambda c, reader, now: None),
                 "<section id='never-shown'></section>")
    page = login(mediator).get(f"/cases/{case.id}").get_data(as_text=True)
    assert "never-shown" not in page


def test_each_reader_gets_the_panel_computed_for_them(make, login, extra_panels, app):
    mediator = make.user()
    colleague = make.user(institution=mediator.institution)
    case = make.case(by=mediator)
    extra_panels(CasePanel("alerts", "test/_mine.html",
                           lambda c, reader, now: {} if reader.id == mediator.id else None),
                 "<section id='only-for-the-mediator'></section>")
    assert "only-for-the-mediator" in login(mediator).get(f"/cases/{case.id}").get_data(as_text=True)
    g.pop("_login_user", None)  # the test's app context outlives the first reader's request
    other = app.test_client()
    other.post("/login", data={"username": colleague.username, "password": PASSWORD})
    page = other.get(f"/cases/{case.id}")
    assert page.status_code == 200
    assert "only-for-the-mediator" not in page.get_data(as_text=True)


def test_a_panel_names_a_slot_the_page_has():
    with pytest.raises(ValueError, match="unknown case page slot"):
        CasePanel("sidebar", "x.html", lambda c, reader, now: {})
