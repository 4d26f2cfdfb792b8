"""Every page of the demo city, opened in Chromium as every role, at desktop width and at
phone width (390×844), passes axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules with no serious or critical
violation; and on a phone every data table still shows its column headers.

The pages are those the raw-code walker finds (tests/demo_pages.py). axe-core is vendored
under tests/browser/vendor/axe-core/ (never served by the app) and added to each document
through the DevTools protocol, so the app's Content-Security-Policy stays in force. Each page
is opened once, checked at desktop width, then laid out again at phone width and checked."""

import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from mediation_app.demo import DEMO_PASSWORD

from ..demo_pages import ROLES_WALKED, seed_demo, shape_of, walk
from .signing_in import sign_in

AXE_VERSION = "4.14.1"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
               "resultTypes": ["violations"]}
FAILING_IMPACTS = ("serious", "critical")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

RUN_AXE = """async (options) => {
  const results = await axe.run(document, options);
  return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(' '))}));
}"""
NEXT_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
HIDDEN_HEADERS = """() => Array.from(document.querySelectorAll('table'))
  .filter(table => table.querySelector('th'))
  .filter(table => !Array.from(table.querySelectorAll('th')).some(th => th.checkVisibility()))
  .map(table => table.id || table.className || 'table')"""


def _one_per_route(app, urls):
    """The first URL of each route: the walker already keeps one case page of many, and
    here one workflow diagram of the thirteen, which share their template."""
    adapter, seen, kept = app.url_map.bind("localhost"), set(), []
    for url in urls:
        try:
            route = adapter.match(urlsplit(url).path)[0]
        except HTTPException:  # a redirect, e.g. to the path with a trailing slash
            route = shape_of(url)
        if route not in seen:
            seen.add(route)
            kept.append(url)
    return kept


@pytest.fixture
def demo_pages(app, session, monkeypatch):
    """The demo city loaded, and the URLs each role reaches from the dashboard."""
    started = time.monotonic()
    seed_demo(app, monkeypatch)
    seeded = time.monotonic()
    pages = {role: _one_per_route(app, [page.url for page in walk(app, role)
                                        if page.error is None])
             for role in ROLES_WALKED}
    session.remove()  # leave no SQLite read lock behind for the live server's requests
    print(f"\ndemo seeded in {seeded - started:.1f} s, pages found in "
          f"{time.monotonic() - seeded:.1f} s")
    return pages


def _violations(page, url, role, width_name):
    found = [f"{violation['id']} ({violation['impact']}) on {url} as {role} at {width_name} "
             f"width: {violation['help']}; " + ", ".join(violation["targets"][:8])
             for violation in page.evaluate(RUN_AXE, AXE_OPTIONS)
             if violation["impact"] in FAILING_IMPACTS]
    if width_name == "phone":
        found += [f"table-headers-hidden on {url} as {role} at phone width: {table}"
                  for table in page.evaluate(HIDDEN_HEADERS)]
    return found


@pytest.mark.browser
def test_every_page_of_the_demo_passes_axe_as_every_role_on_desktop_and_phone(
        demo_pages, live_server, page):
    # demo_pages comes before page: seeding signs documents with asyncio.run, which cannot
    # run inside the event loop Playwright starts
    assert AXE.read_text(encoding="utf-8").startswith(f"/*! axe v{AXE_VERSION}")
    page.context.add_init_script(path=str(AXE))  # into every document, before the page's scripts
    offences, views, started = [], 0, time.monotonic()
    for role in ROLES_WALKED:
        sign_in(page, live_server, role, DEMO_PASSWORD)
        for url in demo_pages[role]:
            page.set_viewport_size(DESKTOP)
            response = page.goto(live_server + url)
            assert response.ok, f"{url} as {role}: {response.status}"
            offences += _violations(page, url, role, "desktop")
            page.set_viewport_size(PHONE)  # the same document laid out again for a phone
            page.evaluate(NEXT_FRAMES)  # the resize handlers have run
            offences += _violations(page, url, role, "phone")
            views += 2
    elapsed = time.monotonic() - started
    print(f"\naxe-core {AXE_VERSION}: {views} page views in {elapsed:.1f} s")
    assert views >= 2 * 6 * len(ROLES_WALKED), demo_pages
    assert not offences, "\n".join(offences)
