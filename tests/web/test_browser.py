"""End to end in a real browser: Debian's chromium driven by Playwright against uvicorn on loopback,
with a real SQLite file and a real SMTP server (aiosmtpd). Writes screenshots of the main pages, in
English and Arabic, to screenshots/ at the repository root."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from fursa import digests, storage, web
from tests.web.browsing import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, needs_browser
from tests.web.conftest import ADMIN, NOW, CallMaker, enrol_in_browser, make_context, make_settings
from tests.web.live import serve_app, smtp_server

pytestmark = needs_browser


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield playwright, chromium
        chromium.close()


@pytest.fixture
def site(tmp_path):
    """The app on a real port with a real SMTP server; yields (base URL, context, mail sink)."""
    with smtp_server() as (sink, smtp_port):
        holder = {}

        def make_app(base_url: str):
            settings = make_settings(tmp_path, base_url=base_url, smtp_url=f"smtp://127.0.0.1:{smtp_port}")
            holder["ctx"] = make_context(settings)
            return web.create_app(holder["ctx"], clock=lambda: NOW)

        with serve_app(make_app) as base_url:
            yield base_url, holder["ctx"], sink


@pytest.fixture
def page(browser):
    _, chromium = browser
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    yield context.new_page()
    context.close()


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def wait_for_preview(page, text: str) -> None:
    """The digest preview frame loads after its page: wait for the digest inside it, and bring the
    frame into view so the browser paints it before the screenshot."""
    page.frame_locator("iframe.preview").locator(f"text={text}").first.wait_for()
    page.locator("iframe.preview").scroll_into_view_if_needed()


def switch_language(page, lang: str) -> None:
    page.click("header a.lang")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")


def test_staff_approves_a_crawled_call_and_it_appears_on_the_public_page_and_in_the_feed(site, page):
    base, ctx, _ = site
    with ctx.sessions.begin() as session:
        storage.add_user(session, ADMIN[0], ADMIN[1], "admin", NOW, name="Amal")
    call_id = CallMaker(ctx, NOW)("Erasmus Mundus master in mechatronics", kind="scholarship", levels=["master"],
                                  disciplines=["071"], palestinian_eligible=True,
                                  evidence={"071": ["mechatronics", "engineering"]})
    CallMaker(ctx, NOW)("Chevening scholarships for Palestinian students", status="approved", kind="scholarship",
                        levels=["master"], disciplines=["any"], deadline_days=12)

    page.goto(f"{base}/desk")
    assert "/desk/login?next=/desk" in page.url
    shoot(page, "login-en")
    switch_language(page, "ar")
    assert "/desk/login" in page.url
    shoot(page, "login-ar")
    switch_language(page, "en")
    page.fill("#email", ADMIN[0])
    page.fill("#password", ADMIN[1])
    page.click("form[action='/desk/login'] button[type=submit]")
    enrol_in_browser(page, NOW)   # an admin's first sign-in sets up the second factor
    assert page.url == f"{base}/desk"
    shoot(page, "dashboard-en")

    page.goto(f"{base}/desk/queue")
    shoot(page, "queue-en")
    page.click(f"#call-{call_id} button[value='approve:{call_id}']")
    assert "Calls updated: 1." in page.inner_text(".flash")
    with ctx.sessions() as session:
        assert session.get(storage.Opportunity, call_id).status == "approved"

    page.goto(f"{base}/desk/calls/{call_id}")
    shoot(page, "desk-call-en")
    for path, name in (("/desk/sources", "sources-en"), ("/desk/subscribers", "subscribers-en"),
                       ("/desk/digests?levels=master", "digests-en"), ("/desk/audit", "audit-en")):
        page.goto(base + path)
        if "digests" in path:
            wait_for_preview(page, "Erasmus Mundus master in mechatronics")
        shoot(page, name)

    page.goto(f"{base}/")
    page.click("text=Erasmus Mundus master in mechatronics")
    assert page.url == f"{base}/calls/{call_id}"
    assert "Open to Palestinians" in page.inner_text(".facts")
    shoot(page, "call-en")
    page.goto(f"{base}/?kind=scholarship")
    shoot(page, "browse-en")
    feed = page.request.get(f"{base}/feeds/calls.rss?kind=scholarship")
    assert feed.ok and "Erasmus Mundus master in mechatronics" in feed.text()
    calendar = page.request.get(f"{base}/feeds/calls.ics")
    assert "Erasmus Mundus master in mechatronics" in calendar.text()

    switch_language(page, "ar")
    assert "منح دراسية وبرامج تبادل وتمويل بحثي" in page.inner_text("h1")
    shoot(page, "browse-ar")
    page.goto(f"{base}/calls/{call_id}")
    shoot(page, "call-ar")
    for path, name in (("/desk", "dashboard-ar"), ("/desk/queue?status=approved", "queue-ar"),
                       (f"/desk/calls/{call_id}", "desk-call-ar"), ("/desk/sources", "sources-ar"),
                       ("/desk/subscribers", "subscribers-ar"), ("/desk/digests?levels=master", "digests-ar"),
                       ("/desk/audit", "audit-ar")):
        page.goto(base + path)
        assert page.locator("html").get_attribute("dir") == "rtl"
        if "digests" in path:
            wait_for_preview(page, "Erasmus Mundus master in mechatronics")
        shoot(page, name)


def test_a_visitor_subscribes_confirms_changes_preferences_and_unsubscribes_with_one_click(site, page, browser):
    base, ctx, sink = site
    playwright, _ = browser
    page.goto(f"{base}/subscribe")
    shoot(page, "subscribe-en")
    page.fill("#email", "Rania.Student@ppu.edu")
    page.fill("#name", "Rania")
    page.check("input[name=levels][value=master]")
    page.check("input[name=kinds][value=scholarship]")
    page.click("form[action='/subscribe'] button[type=submit]")
    assert "Check your inbox" in page.inner_text("h1")
    shoot(page, "subscribe-sent-en")

    message = sink.next_message()
    assert message["To"].addresses[0].addr_spec == "rania.student@ppu.edu"
    assert message["Subject"] == "Confirm your Fursa subscription"
    text = message.get_body(("plain",)).get_content()
    link = re.search(rf"{re.escape(base)}/confirm/\S+", text).group(0)
    assert link in message.get_body(("html",)).get_content()
    with ctx.sessions() as session:
        assert not session.scalars(select(storage.Subscriber)).one().confirmed

    page.goto(link)
    shoot(page, "confirm-en")
    page.click("text=Yes, send me the calls")
    assert "/preferences/" in page.url and "Your subscription is confirmed" in page.inner_text("main")
    shoot(page, "preferences-en")
    with ctx.sessions() as session:
        subscriber = session.scalars(select(storage.Subscriber)).one()
        assert subscriber.confirmed and subscriber.status == "active" and subscriber.levels == ["master"]

    page.check("input[name=levels][value=phd]")
    page.check("input[name=language][value=ar]")
    page.check("input[name=frequency][value=instant]")
    page.click("form[action^='/preferences/'] button[type=submit]")
    assert "حُفظت التفضيلات" in page.inner_text("h1")
    assert page.locator("html").get_attribute("dir") == "rtl"
    shoot(page, "preferences-saved-ar")
    page.go_back()
    page.reload()
    shoot(page, "preferences-ar")
    with ctx.sessions() as session:
        subscriber = session.scalars(select(storage.Subscriber)).one()
        assert (subscriber.levels, subscriber.language, subscriber.frequency) == (["master", "phd"], "ar", "instant")
        unsubscribe = f"{base}/unsubscribe/" + digests.make_subscriber_token(subscriber, "unsubscribe",
                                                                             ctx.settings.secret_key)

    page.goto(unsubscribe)
    shoot(page, "unsubscribe-ar")
    with ctx.sessions() as session:
        assert session.scalars(select(storage.Subscriber)).one().status == "active"  # the GET only asks

    mail_client = playwright.request.new_context()  # a mail client's one-click POST: no cookies, no form token
    answer = mail_client.post(unsubscribe, form={"List-Unsubscribe": "One-Click"})
    assert answer.status == 200 and "set-cookie" not in answer.headers
    mail_client.dispose()
    with ctx.sessions() as session:
        assert session.scalars(select(storage.Subscriber)).one().status == "unsubscribed"

    page.click("form[action^='/unsubscribe/'] button[type=submit]")  # the person clicks too: harmless
    assert "تم إلغاء اشتراكك" in page.inner_text("h1")
    shoot(page, "unsubscribed-ar")

    page.goto(f"{base}/language/ar?next=/subscribe")
    shoot(page, "subscribe-ar")
    page.fill("#email", "sami@ppu.edu")
    page.check("input[name=role][value=faculty]")
    page.click("form[action='/subscribe'] button[type=submit]")
    assert "تفقّد بريدك الوارد" in page.inner_text("h1")
    shoot(page, "subscribe-sent-ar")
    arabic = sink.next_message()
    assert arabic["Subject"] == "أكّد اشتراكك في فرصة" and arabic["Content-Language"] == "ar"
    page.goto(re.search(rf"{re.escape(base)}/confirm/\S+", arabic.get_body(("plain",)).get_content()).group(0))
    shoot(page, "confirm-ar")
    page.goto(f"{base}/language/en?next=/unsubscribe/not-a-token")
    assert "This link does not work" in page.inner_text("h1")
    shoot(page, "link-invalid-en")


@pytest.fixture
def phone(browser):
    """A phone-sized window (390 px wide), where the desk must still show its warnings whole."""
    _, chromium = browser
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="en-GB", device_scale_factor=2)
    yield context.new_page()
    context.close()


def _fits(page, selector: str) -> None:
    """The element is shown and lies within the 390 px the phone has (nothing cut off at either side)."""
    element = page.locator(selector).first
    element.wait_for(state="visible")
    box = element.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390 + 0.5, (selector, box)


def test_on_a_phone_staff_read_what_the_matcher_found_in_english_and_arabic(site, phone):
    base, ctx, _ = site
    with ctx.sessions.begin() as session:
        storage.add_user(session, ADMIN[0], ADMIN[1], "admin", NOW, name="Amal")
    make = CallMaker(ctx, NOW)
    closed = make("منحة دراسية للطلاب السعوديين في جميع التخصصات باستثناء الطب", kind="scholarship",
                  disciplines=["any"], excluded=["09"], palestinian_eligible=False,
                  eligibility_evidence=["يشترط أن يكون المتقدم سعودي الجنسية"],
                  deadline_days=None, deadline_text="آخر موعد 15 آذار", flags=["deadline_year_unknown"])
    unplaced = make("Call for applications", disciplines=[], flags=["no_field_found"])

    phone.goto(f"{base}/desk/login")
    phone.fill("#email", ADMIN[0])
    phone.fill("#password", ADMIN[1])
    phone.click("form[action='/desk/login'] button[type=submit]")
    enrol_in_browser(phone, NOW)
    phone.goto(f"{base}/desk/calls/{closed}")
    warnings = phone.inner_text(".warnings")
    assert "All fields except: Health and welfare (09)" in warnings
    assert "Not open to Palestinians — because: «يشترط أن يكون المتقدم سعودي الجنسية»" in warnings
    assert "Deadline stated without a year: «آخر موعد 15 آذار»" in warnings
    for selector in (".warning.excluded", ".warning.closed", ".warning.year-unknown"):
        _fits(phone, selector)
    shoot(phone, "desk-call-warnings-390-en")
    phone.goto(f"{base}/desk/calls/{unplaced}")
    assert "No field found — tag it" in phone.inner_text(".warnings")
    _fits(phone, ".warning.no-field")

    switch_language(phone, "ar")
    phone.goto(f"{base}/desk/calls/{closed}")
    warnings = phone.inner_text(".warnings")
    assert "جميع التخصصات ما عدا: الصحة والرفاه (09)" in warnings
    assert "غير متاحة للفلسطينيين — والسبب: «يشترط أن يكون المتقدم سعودي الجنسية»" in warnings
    assert "الموعد النهائي مذكور دون سنة" in warnings
    for selector in (".warning.excluded", ".warning.closed", ".warning.year-unknown"):
        _fits(phone, selector)
    shoot(phone, "desk-call-warnings-390-ar")
    phone.goto(f"{base}/desk/calls/{unplaced}")
    assert "لم يُعثر على تخصص — صنّفها" in phone.inner_text(".warnings")
    _fits(phone, ".warning.no-field")
