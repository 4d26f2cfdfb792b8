"""The pages of the demo city a user reaches by following links from the dashboard.

Shared by the page walkers: the raw-code test (tests/ui/test_raw_codes.py) reads each page's
text through the Flask test client; the accessibility test (tests/browser/) opens the same
pages in Chromium. `seed_demo` loads the demo city as `flask seed-demo` does."""

import re
from collections import deque
from html.parser import HTMLParser
from typing import NamedTuple
from urllib.parse import urldefrag, urlsplit

from mediation_app.demo import DEMO_PASSWORD

ROLES_WALKED = ("mediator", "court", "dispatcher", "committee", "admin")
PAGES_PER_ROLE = 45
SKIPPED = re.compile(r"/(logout|static/|ledger/static/)|\.(pdf|csv|xlsx|json|svg|png|ico)$"
                     r"|/(download|export)\b|/verify/")


class Page(NamedTuple):
    url: str
    html: str | None  # None when the page failed to render
    error: Exception | None = None


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def links_of(html: str) -> list[str]:
    """The local links (path and query, fragment dropped) of a page, in document order."""
    parser = _Links()
    parser.feed(html)
    found = (urldefrag(link)[0] for link in parser.links)
    return [link for link in found if link.startswith("/") and not link.startswith("//")]


def shape_of(url: str) -> str:
    """The route a URL stands for: its path with every number replaced by N."""
    return re.sub(r"\d+", "N", urlsplit(url).path)


def walk(app, username: str, language: str = "zh-CN") -> list[Page]:
    """Every Page reached from the user's dashboard, one per route shape, breadth first, at
    most PAGES_PER_ROLE; a page that fails to render comes with its error, not skipped.

    The walk runs in an application context of its own: requests of the test client reuse
    the context they find, and Flask-Login keeps the signed-in user in its `g`, so a walk in
    a shared context would go on as the previous walk's user."""
    with app.app_context():
        return list(_walk(app.test_client(), username, language))


def _walk(client, username, language):
    headers = {"Accept-Language": language}
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD},
                           headers=headers)
    assert response.status_code == 302, username
    queue, seen_shapes = deque(["/"]), set()
    while queue and len(seen_shapes) < PAGES_PER_ROLE:
        url = queue.popleft()
        shape = shape_of(url)
        if shape in seen_shapes or SKIPPED.search(urlsplit(url).path):
            continue
        seen_shapes.add(shape)
        try:
            response = client.get(url, headers=headers, follow_redirects=True)
        except Exception as error:  # a page that fails to render is reported, not skipped
            yield Page(url, None, error)
            continue
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        yield Page(url, html)
        queue.extend(links_of(html))


def seed_demo(app, monkeypatch):
    """Load the demo city (one month of monthly reports caught up, to stay quick)."""
    monkeypatch.setitem(app.config, "MONTHLY_CATCH_UP_MONTHS", 1)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return app
