"""Printing (issue "Printing and the case file"): the case page, the case list and the
statistics page carry a 打印 button that works under the CSP (no inline script: the handler
is in static/app.js), and static/app.css has a print stylesheet that drops the navigation,
forms and buttons from the paper."""

import re
from pathlib import Path

import pytest

import mediation_app
from tests.factories import PASSWORD

STATIC = Path(mediation_app.__file__).parent / "static"


@pytest.fixture
def signed_in(app, make, session):
    case, mediator = make.mediating_case()
    session.commit()
    client = app.test_client()
    client.post("/login", data={"username": mediator.username, "password": PASSWORD})
    return client, case


def _pages(client, case) -> dict[str, str]:
    return {path: client.get(path).get_data(as_text=True)
            for path in (f"/cases/{case.id}", "/cases/", "/stats/")}


def test_the_case_page_the_case_list_and_the_statistics_carry_a_print_button(signed_in):
    client, case = signed_in
    pages = _pages(client, case)
    assert [path for path, page in pages.items()
            if not re.search(r"<button[^>]*data-print[^>]*>打印</button>", page)] == []


def test_the_print_button_needs_no_inline_script(signed_in):
    client, case = signed_in
    for page in _pages(client, case).values():
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
        assert "onclick" not in page
    assert "window.print()" in (STATIC / "app.js").read_text()


def test_pages_without_a_print_layout_carry_no_print_button(signed_in):
    client, _ = signed_in
    assert "data-print" not in client.get("/referrals").get_data(as_text=True)


def test_the_print_stylesheet_leaves_navigation_forms_and_buttons_off_the_paper():
    css = (STATIC / "app.css").read_text()
    printed = css[css.index("@media print"):]
    assert all(part in printed for part in (".topbar", "form", "button", ".print-action"))
