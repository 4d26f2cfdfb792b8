"""No raw code in the interface: every page of the demo city, opened as every role, shows
no snake_case word, no event code (handling.escalated), no bare state or kind code and no
untranslated English phrase in Chinese; and, in English, no interface text or workflow label
left in Chinese. The pages are found by following the links from each user's dashboard."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from mediation_app.demo import USERS
from mediation_app.labels import LABELS

from ..demo_pages import ROLES_WALKED, seed_demo, walk

ROOT = Path(__file__).resolve().parent.parent.parent
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
EVENT = re.compile(r"\b[a-z]+\.[a-z_]+[a-z]\b")
PHRASE = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,})+\b")
# what the demo's own data or well-known names put on pages
ALLOWED = {"PDF", "CSV", "XLSX", "Excel", "PAdES", "OpenAPI", "API", "JSON", "SMTP", "Graphviz",
           "QR", "UTF"} | {username for username, *_ in USERS}
# the demo users' names are data (the admin's is also the Chinese of the role's label)
DEMO_NAMES = {display_name for _, display_name, *_ in USERS}
WORDS_OF_CODES = {code for group in LABELS.values() for code in group
                  if re.fullmatch(r"[a-z]+", code) and len(code) > 3}


class _Text(HTMLParser):
    """Visible text nodes and the texts a reader meets in titles and placeholders."""

    def __init__(self):
        super().__init__()
        self.texts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name in ("title", "placeholder", "aria-label", "alt"):
            if attrs.get(name):
                self.texts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.texts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(data.strip())


def _parse(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def _texts(app, username: str, language: str):
    """(url, visible texts) of every page of the demo the user reaches."""
    for page in walk(app, username, language):
        if page.error is not None:
            yield page.url, [f"page error: {page.error!r}"]
        else:
            yield page.url, _parse(page.html).texts


def _raw_codes(text: str) -> list[str]:
    if text.startswith("page error: "):
        return [text]
    found = [m for m in SNAKE.findall(text) if m not in ALLOWED]
    found += [m for m in EVENT.findall(text) if not m.endswith((".pdf", ".csv", ".xlsx"))]
    found += [word for word in re.findall(r"\b[a-z]+\b", text)
              if word in WORDS_OF_CODES and word not in ALLOWED]
    found += [p for p in PHRASE.findall(text) if not set(p.split()) <= ALLOWED]
    return found


def _catalogue_texts() -> set[str]:
    """Every Chinese msgstr of the catalogue."""
    path = ROOT / "mediation_app/translations/zh_Hans_CN/LC_MESSAGES/messages.po"
    with path.open("rb") as handle:
        return {message.string for message in read_po(handle)
                if isinstance(message.string, str) and "%" not in message.string
                and re.search(r"[\u4e00-\u9fff]", message.string)}


def _workflow_labels() -> set[str]:
    """Every label and title in the workflow files."""
    def labels(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("label", "title") and isinstance(value, str):
                    yield value
                else:
                    yield from labels(value)
        elif isinstance(node, list):
            for item in node:
                yield from labels(item)

    found = set()
    for workflow in (ROOT / "workflows").glob("*.yaml"):
        found |= set(labels(yaml.safe_load(workflow.read_text(encoding="utf-8"))))
    return found


def _left_in_chinese(app, chinese: set[str]) -> dict:
    offences = {}
    for username in ROLES_WALKED:
        for url, texts in _texts(app, username, "en"):
            for text in texts:
                if text in chinese or text.startswith("page error: "):
                    offences.setdefault(text, f"{username} {url}")
    return offences


@pytest.fixture
def demo(app, session, monkeypatch):
    return seed_demo(app, monkeypatch)


def test_no_page_of_the_demo_shows_a_raw_code_in_chinese(demo):
    offences, pages = {}, {}
    for username in ROLES_WALKED:
        for url, texts in _texts(demo, username, "zh-CN"):
            pages[username] = pages.get(username, 0) + 1
            for text in texts:
                for code in _raw_codes(text):
                    offences.setdefault(f"{code!r}", f"{username} {url}: {text[:80]}")
    assert min(pages.values()) >= 8 and len(pages) == len(ROLES_WALKED), pages
    assert not offences, "\n".join(f"{code} in {where}" for code, where in sorted(offences.items()))


def test_no_page_of_the_demo_leaves_interface_text_in_chinese_in_english(demo):
    offences = _left_in_chinese(demo, _catalogue_texts() - _workflow_labels() - DEMO_NAMES)
    assert not offences, "\n".join(f"{text} in {where}" for text, where in sorted(offences.items()))


def test_no_page_of_the_demo_shows_a_workflow_label_in_chinese_in_english(demo):
    offences = _left_in_chinese(demo, _workflow_labels() - _catalogue_texts())
    assert not offences, "\n".join(f"{text} in {where}" for text, where in sorted(offences.items()))
