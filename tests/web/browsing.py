"""The pieces the browser tests share: Debian's chromium driven by Playwright, a site on loopback with
calls and subscribers seeded for worst-case pages (long titles, unbroken addresses, Arabic text), every
public page a visitor can reach, and two measures taken in the page: does anything stick out sideways
(`overflow_of`), and what axe-core finds (`axe_violations`).

axe-core is not a Python package: `.ci/run` installs it from npm into `.ci/node` (the command is
AXE_INSTALL below); FURSA_AXE_JS may point at another copy of axe.min.js.
"""
from __future__ import annotations

import importlib.util
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fursa import digests, storage, web
from sqlalchemy import select

from tests.web.conftest import ADMIN, NOW, CallMaker, enrol_in_browser, make_context, make_settings
from tests.web.live import serve_app

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "screenshots"
AXE_INSTALL = "npm install --no-save --prefix .ci/node axe-core@4"
AXE_JS = Path(os.environ.get("FURSA_AXE_JS") or ROOT / ".ci/node/node_modules/axe-core/axe.min.js")
PHONE = 390
LANGUAGES = ("en", "ar")

needs_browser = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"),
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None, reason="needs the playwright package (pip install playwright)"),
]
needs_axe = pytest.mark.skipif(
    not AXE_JS.exists(),
    reason=f"needs axe-core's axe.min.js at {AXE_JS}: run `{AXE_INSTALL}` at the repository root "
           "(or set FURSA_AXE_JS to an axe.min.js)")


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Worst cases for a narrow screen: a long title, a provider with long words, a scraped text holding an
# address with no space to break at, and an Arabic call.
LONG_ADDRESS = "https://www.example.org/programmes/international-credit-mobility/applications/2027/" \
               "call-for-applications-engineering-and-information-technology-students.pdf"
LONG_TITLE = ("Erasmus+ International Credit Mobility: fully funded semester exchange for engineering, "
              "information technology and applied sciences students at partner universities")
ARABIC_TITLE = "منحة ماجستير ممولة بالكامل في الهندسة الميكانيكية والميكاترونكس للطلبة الفلسطينيين"


@dataclass
class Site:
    """The app on a real port, with what the pages need already stored."""

    base: str
    ctx: object
    calls: dict[str, int]
    subscribers: dict[str, int] = field(default_factory=dict)
    confirm_tokens: dict[str, str] = field(default_factory=dict)

    def signed_link(self, lang: str, purpose: str) -> str:
        """The preferences or unsubscribe link of the subscriber who reads `lang`, as a digest carries it."""
        with self.ctx.sessions() as session:
            row = session.get(storage.Subscriber, self.subscribers[lang])
            token = digests.make_subscriber_token(row, purpose, self.ctx.settings.secret_key)
        return f"/{purpose}/{token}"

    def source_id(self) -> int:
        with self.ctx.sessions() as session:
            return session.scalars(select(storage.Source.id)).first()


def seed(ctx, now: datetime) -> Site:
    """Calls (enough for a second page), a confirmed subscriber per language, a pending confirmation per
    language, and the desk's admin."""
    make = CallMaker(ctx, now)
    calls = {
        "long": make(LONG_TITLE, status="approved", kind="exchange", levels=["bachelor", "master", "phd"],
                     disciplines=["071", "061", "0613", "0714"], palestinian_eligible=True, featured=True,
                     provider="Universitätsverbund für Hochschulkooperationen", url=LONG_ADDRESS,
                     summary="A semester abroad with tuition, travel and a monthly grant.",
                     text=f"A semester abroad with tuition, travel and a monthly grant.\n\nApply at {LONG_ADDRESS}"
                          "\n\nApplicants send a transcript, a motivation letter and two references."),
        "arabic": make(ARABIC_TITLE, status="approved", kind="scholarship", levels=["master"],
                       disciplines=["0715"], palestinian_eligible=True, provider="صندوق الطالب الفلسطيني",
                       summary="منحة تغطي الرسوم الدراسية والسكن.", deadline_days=5,
                       text="منحة تغطي الرسوم الدراسية والسكن.\n\nيقدم الطلب عبر الموقع الإلكتروني للصندوق."),
    }
    for number in range(22):
        make(f"Research grant number {number} for faculty in the natural sciences", status="approved",
             kind="research_funding", levels=["faculty"], disciplines=["05"], deadline_days=10 + number)
    site = Site(base="", ctx=ctx, calls=calls)
    with ctx.sessions.begin() as session:
        storage.add_user(session, ADMIN[0], ADMIN[1], "admin", now, name="Amal Admin")
        for lang in LANGUAGES:
            row, _ = storage.add_subscriber(session, storage.SubscriberInput(
                email=f"reader-{lang}@ppu.edu", name="Rania" if lang == "en" else "رانية", levels=("master",),
                disciplines=("071",), language=lang, confirmed=True), now)
            site.subscribers[lang] = row.id
            pending, _ = storage.add_subscriber(session, storage.SubscriberInput(
                email=f"new-{lang}@ppu.edu", language=lang), now)
            site.confirm_tokens[lang] = storage.issue_token(session, purpose=storage.CONFIRM_PURPOSE, subscriber=pending,
                                                            now=now, ttl=timedelta(hours=storage.CONFIRM_HOURS))
    return site


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    """One seeded site for a whole test module (the pages only read it, or change what they own)."""
    folder = tmp_path_factory.mktemp("site")
    holder: dict[str, Site] = {}

    def make_app(base_url: str):
        ctx = make_context(make_settings(folder, base_url=base_url))
        holder["site"] = seed(ctx, NOW)
        return web.create_app(ctx, clock=lambda: NOW)

    with serve_app(make_app) as base_url:
        holder["site"].base = base_url
        yield holder["site"]


def new_page(chromium, width: int = PHONE, height: int = 844):
    """A page in a fresh browser context. The site's Content-Security-Policy forbids any script, so the
    context lets the test load axe-core into the page (bypass_csp); the site's own pages run none."""
    context = chromium.new_context(viewport={"width": width, "height": height}, locale="en-GB", bypass_csp=True)
    return context.new_page()


def use_language(page, site: Site, lang: str, then: str = "/subscribe"):
    """The visitor's language choice (the header's switch), which goes on to `then`; its response."""
    return page.goto(f"{site.base}/language/{lang}?{urlencode({'next': then})}")


DESK_PAGES = {
    "dashboard": lambda site: "/desk",
    "queue": lambda site: "/desk/queue",
    "call-edit": lambda site: f"/desk/calls/{site.calls['long']}",
    "sources": lambda site: "/desk/sources",
    "source-edit": lambda site: f"/desk/sources/{site.source_id()}",
    "subscribers": lambda site: "/desk/subscribers",
    "digests": lambda site: "/desk/digests?levels=master",
    "account": lambda site: "/desk/account",
}


def sign_in(page, site: Site) -> None:
    """Sign the page's browser in to the desk as the admin (the first sign-in enrols the second factor)."""
    page.goto(f"{site.base}/desk/login")
    page.fill("#email", ADMIN[0])
    page.fill("#password", ADMIN[1])
    page.click("form[action='/desk/login'] button[type=submit]")
    enrol_in_browser(page, NOW)


def open_desk_page(page, site: Site, name: str, lang: str) -> None:
    path = DESK_PAGES[name](site)
    use_language(page, site, lang, then=path)
    assert page.url.endswith(path), page.url
    if name == "digests":
        page.frame_locator("iframe.preview").locator("h1").first.wait_for()


def _submit(page, selector: str, status: int = 200) -> None:
    """Send the form as a person does, and check the answer's status."""
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.click(f"{selector} button[type=submit]")
    assert answer.value.status == status, (selector, answer.value.status)


def _subscribe(page, site: Site, lang: str) -> None:
    page.goto(f"{site.base}/subscribe")
    page.fill("#email", f"visitor-{uuid.uuid4().hex[:8]}@ppu.edu")
    page.check("input[name=levels][value=master]")
    _submit(page, "form[action='/subscribe']")


def _subscribe_wrongly(page, site: Site, lang: str) -> None:
    """The form sent back with its errors shown: the browser's own check is off, as for an old browser."""
    page.goto(f"{site.base}/subscribe")
    page.fill("#email", "not an address")
    page.evaluate("document.querySelector(\"form[action='/subscribe']\").noValidate = true")
    _submit(page, "form[action='/subscribe']", 400)


def _save_preferences(page, site: Site, lang: str) -> None:
    page.goto(site.base + site.signed_link(lang, "preferences"))
    _submit(page, "form[action^='/preferences/']")


def _unsubscribe(page, site: Site, lang: str) -> None:
    page.goto(site.base + site.signed_link(lang, "unsubscribe"))
    _submit(page, "form[action^='/unsubscribe/']")


def _send_an_expired_form(page, site: Site, lang: str) -> None:
    """A form whose token is gone (a page left open past its session): the 403 page."""
    page.goto(f"{site.base}/subscribe")
    page.fill("#email", "late@ppu.edu")
    page.evaluate("document.querySelector(\"form[action='/subscribe'] input[name=csrf_token]\").remove()")
    _submit(page, "form[action='/subscribe']", 403)


@dataclass(frozen=True)
class PublicPage:
    """A page a visitor can reach: an address to open, or the steps that lead to it."""

    name: str
    path: Callable[[Site, str], str] | None = None
    steps: Callable[..., None] | None = None
    status: int = 200

    def open(self, page, site: Site, lang: str) -> None:
        if self.steps is not None:
            use_language(page, site, lang)
            self.steps(page, site, lang)
        else:
            response = use_language(page, site, lang, then=self.path(site, lang))
            assert response.status == self.status, (self.name, response.status)


PUBLIC_PAGES = [
    PublicPage("home", lambda site, lang: "/"),
    PublicPage("browse-filtered", lambda site, lang: "/?kind=exchange&level=master&field=07&within=90&eligible=ps"),
    PublicPage("search", lambda site, lang: "/?q=engineering"),
    PublicPage("search-nothing", lambda site, lang: "/?q=astronautics+zoology"),
    PublicPage("browse-page-2", lambda site, lang: "/?page=2"),
    PublicPage("call", lambda site, lang: f"/calls/{site.calls['long']}"),
    PublicPage("call-arabic", lambda site, lang: f"/calls/{site.calls['arabic']}"),
    PublicPage("subscribe", lambda site, lang: "/subscribe"),
    PublicPage("subscribe-errors", steps=_subscribe_wrongly),
    PublicPage("subscribe-sent", steps=_subscribe),
    PublicPage("confirm", lambda site, lang: f"/confirm/{site.confirm_tokens[lang]}"),
    PublicPage("preferences", lambda site, lang: site.signed_link(lang, "preferences") + "?welcome=1"),
    PublicPage("preferences-saved", steps=_save_preferences),
    PublicPage("unsubscribe", lambda site, lang: site.signed_link(lang, "unsubscribe")),
    PublicPage("unsubscribed", steps=_unsubscribe),
    PublicPage("link-invalid", lambda site, lang: "/preferences/not-a-token", status=400),
    PublicPage("not-found", lambda site, lang: "/calls/999999", status=404),
    PublicPage("no-such-page", lambda site, lang: "/no/such/page", status=404),
    PublicPage("bad-request", lambda site, lang: "/?page=first", status=400),
    PublicPage("form-expired", steps=_send_an_expired_form),
]
# The feeds are RSS, Atom and iCalendar for readers and calendars, not pages: nothing to lay out.
FEEDS = ("/feeds/calls.rss", "/feeds/calls.atom", "/feeds/calls.ics")
WIDEST = ("home", "browse-filtered", "call", "preferences")


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


# Everything drawn outside the window, sideways: the page's own scroll width, and every element and
# run of text whose box leaves [0, window width] without a scrolling or clipping box around it (the
# right-hand overflow of a right-to-left page cannot be scrolled to, so scrollWidth alone misses it).
_OVERFLOW_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const clipped = (node) => {
    for (let el = node.parentElement; el && el !== document.body; el = el.parentElement) {
      if (getComputedStyle(el).overflowX !== 'visible') return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.classList.length ? '.' + [...el.classList].join('.') : '');
  const out = [];
  const check = (node, rect, what) => {
    if (rect.width === 0 || rect.height === 0) return;
    if (rect.left < -0.5 || rect.right > width + 0.5) {
      if (!clipped(node)) out.push(`${what} [${Math.round(rect.left)}, ${Math.round(rect.right)}]`);
    }
  };
  for (const el of document.body.querySelectorAll('*')) {
    if (getComputedStyle(el).position === 'fixed') continue;
    check(el, el.getBoundingClientRect(), name(el));
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    if (!text.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(text);
    check(text, range.getBoundingClientRect(),
          `text "${text.textContent.trim().slice(0, 40)}" in ${name(text.parentElement)}`);
  }
  return {width, scrollWidth: document.documentElement.scrollWidth, outside: out.slice(0, 8)};
}
"""


def overflow_of(page) -> list[str]:
    """What makes the page scroll sideways (empty when it fits the window)."""
    found = page.evaluate(_OVERFLOW_JS)
    problems = list(found["outside"])
    if found["scrollWidth"] > found["width"]:
        problems.insert(0, f"the page is {found['scrollWidth']} px wide in a {found['width']} px window")
    return problems


_AXE_RUN_JS = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 4).map(n => n.target.join(' '))}));
}
"""


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as shown (frames included: axe is loaded into each)."""
    for frame in page.frames:
        frame.add_script_tag(path=str(AXE_JS))
    return page.evaluate(_AXE_RUN_JS)


# Landmarks (one main, all content inside header/nav/main/footer) are "moderate" to axe; the issue asks
# for them, so they fail the check as well.
LANDMARK_RULES = frozenset({
    "region", "landmark-one-main", "landmark-unique", "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo", "landmark-no-duplicate-main", "landmark-main-is-top-level",
    "landmark-banner-is-top-level", "landmark-contentinfo-is-top-level", "landmark-complementary-is-top-level",
})


def serious(violations: list[dict]) -> list[str]:
    """The violations that fail a page: serious or critical ones, and any about landmarks."""
    return [f"{v['impact']}: {v['id']} ({v['help']}) at {v['nodes']}" for v in violations
            if v["impact"] in ("serious", "critical") or v["id"] in LANDMARK_RULES]
