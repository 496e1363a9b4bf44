"""Hostile text from scraped pages (titles, bodies, links, provider names, errors) is inert on every page and feed."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html import escape
from html.parser import HTMLParser

import pytest
from icalendar import Calendar
from sqlalchemy import select

from fursa import storage
from tests.web.conftest import log_in, ADMIN

CORPUS = (
    "<script>alert('xss-1')</script>",
    "<img src=x onerror=alert('xss-2')>",
    '"><svg onload=alert(\'xss-3\')>',
    "<a href=\"javascript:alert('xss-4')\">click</a>",
    "<img srcset=\",,,,x 1x, javascript:alert('xss-5') 2x\" src=x>",
    "<iframe src=\"data:text/html,<script>alert('xss-6')</script>\"></iframe>",
    "</textarea></title><style>body{display:none}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss-7')>",
    "{{ 7*7 }} {% raw %}",
)
HOSTILE = " ".join(CORPUS)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "xlink:href", "poster", "data"}
FORBIDDEN_TAGS = {"script", "img", "object", "embed", "math", "style", "base", "textarea-x", "mglyph"}


class ActiveContent(HTMLParser):
    """Collects anything in a page that a browser would run or load from markup."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "svg" and names.get("class") != "chart":
            self.problems.append("<svg> that is not one of our charts")
        if tag == "iframe" and not (names.get("src") or "").startswith("/desk/digests/preview.html"):
            self.problems.append("<iframe> that is not the digest preview")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}")
            if name in URL_ATTRIBUTES and value and value.strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                self.problems.append(f"{name}={value}")


TEMPLATE_TEXT = CORPUS[-1]


def assert_inert(html: str, where: str, *, shows_corpus: bool = True) -> None:
    """Nothing in `html` would run or load; where the page shows the corpus, its template syntax is
    there word for word (run as a template it would read "49", or fail on the unclosed raw block)."""
    parser = ActiveContent()
    parser.feed(html)
    assert parser.problems == [], f"{where}: {parser.problems}"
    if shows_corpus:
        assert TEMPLATE_TEXT in html, f"{where}: the scraped text {TEMPLATE_TEXT!r} is not shown as it was written"


@pytest.fixture
def hostile(ctx, make_call, now):
    """An approved call, a new one and a source, every text field carrying the corpus."""
    approved = make_call(f"Scholarship {HOSTILE}", status="approved", text=HOSTILE, summary=HOSTILE,
                         provider=CORPUS[1], url="javascript:alert('xss-url')", kind="scholarship",
                         deadline_text=CORPUS[0], evidence={CORPUS[0]: [CORPUS[1]]}, flags=[CORPUS[2]])
    fresh = make_call(f"New {HOSTILE}", text=HOSTILE, url="data:text/html,<script>alert(1)</script>",
                      evidence={"07": [CORPUS[3]]}, flags=[CORPUS[4]])
    with ctx.sessions.begin() as session:
        row = session.scalars(select(storage.Source)).one()
        row.last_status, row.last_error, row.consecutive_failures = "error", HOSTILE, 4
        row.description = HOSTILE
        storage.add_subscriber(session, storage.SubscriberInput(email="amal@ppu.edu", name=f"{CORPUS[1]} {TEMPLATE_TEXT}",
                                                                confirmed=True), now)
        storage.record_audit(session, actor=f"{CORPUS[0]} {TEMPLATE_TEXT}", action=CORPUS[1], target_type="opportunity",
                             target_id=approved,
                             now=now, details={"title": HOSTILE})
    return approved, fresh


def test_public_pages_render_the_corpus_as_text(client, hostile):
    approved, _ = hostile
    for path in ("/", "/?q=Scholarship", f"/calls/{approved}"):
        response = client.get(path)
        assert response.status_code == 200
        assert_inert(response.text, path)
        assert "&lt;script&gt;alert(&#39;xss-1&#39;)&lt;/script&gt;" in response.text, path


def test_a_javascript_link_is_never_written_as_a_link(client, hostile):
    approved, _ = hostile
    page = client.get(f"/calls/{approved}").text
    assert "Read the call and apply" not in page
    assert "javascript:alert(&#39;xss-url&#39;)" in page  # shown as text, for staff to see what was scraped


def test_desk_pages_render_the_corpus_as_text(client, users, hostile):
    approved, fresh = hostile
    log_in(client, ADMIN)
    showing = ("/desk", "/desk/queue", "/desk/queue?status=approved", f"/desk/calls/{approved}", f"/desk/calls/{fresh}",
               "/desk/sources", "/desk/sources/1", "/desk/subscribers", "/desk/audit")
    # A digest shortens long titles and names, so the corpus is cut before its template text.
    others = ("/desk/digests?email=amal@ppu.edu", "/desk/digests?levels=master")
    for path in showing + others:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_inert(response.text, path, shows_corpus=path in showing)
    edit_form = client.get(f"/desk/calls/{fresh}").text
    assert 'value="New &lt;script&gt;' in edit_form  # the title sits escaped inside the input's value


def test_the_check_sees_scraped_text_that_was_run_as_a_template():
    """assert_inert must fail on a page where the corpus went through the template engine."""
    title = f"Scholarship {HOSTILE}"
    escaped = f"<html><body><h1>{escape(title)}</h1></body></html>"
    assert_inert(escaped, "escaped page")
    ran = escaped.replace(TEMPLATE_TEXT, "49 ")
    with pytest.raises(AssertionError, match="not shown as it was written"):
        assert_inert(ran, "a page that ran the title as a template")
    with pytest.raises(AssertionError, match="script"):
        assert_inert(f"<html><body><h1>{title}</h1></body></html>", "a page that wrote the title as markup")


def test_feeds_carry_the_corpus_as_text(client, hostile):
    rss = ET.fromstring(client.get("/feeds/calls.rss").content)
    item = rss.find("./channel/item")
    # RSS descriptions are HTML by convention: once a reader decodes them they must still be inert.
    assert_inert(item.findtext("description"), "rss description")
    assert_inert(item.findtext("title"), "rss title")
    atom = ET.fromstring(client.get("/feeds/calls.atom").content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    summary = atom.find("./a:entry/a:summary", ns)
    assert summary.get("type") == "text"
    assert atom.find("./a:entry/a:title", ns).get("type") in (None, "text")
    calendar = Calendar.from_ical(client.get("/feeds/calls.ics").content)
    event = next(iter(calendar.walk("VEVENT")))
    assert "attach" not in {key.lower() for key in event}  # the javascript: link is not offered as a link


def test_api_returns_the_corpus_as_json_strings(client, hostile):
    response = client.get("/api/v1/calls")
    assert response.headers["content-type"].startswith("application/json")
    body = json.loads(response.text)
    assert body["items"][0]["title"].startswith("Scholarship <script>")
