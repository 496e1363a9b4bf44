"""Two-factor sign-in in a real browser (Debian's chromium, Playwright) on a 390 px phone, in English
and Arabic: the enrolment page, the recovery codes, the code after the password and the account
page show whole, with no sideways scrolling; the QR code loads under the CSP that forbids scripts."""
from __future__ import annotations

import pytest

from fursa import storage
from tests.web.conftest import NOW, second_factor_code
from tests.web.test_browser import browser, pytestmark, shoot, site, switch_language  # noqa: F401 (fixtures, marks)

WIDTH = 390
AMAL = ("amal@ppu.edu", "correct horse battery")
SAMI = ("sami@ppu.edu", "another long password")


@pytest.fixture
def phone(browser):  # noqa: F811 (the fixture imported above)
    _, chromium = browser
    context = chromium.new_context(viewport={"width": WIDTH, "height": 844}, locale="en-GB", device_scale_factor=2)
    yield context.new_page()
    context.close()


def _fits(page) -> None:
    """Nothing sticks out sideways: the page is as wide as the phone, and so is every element in it."""
    page.wait_for_load_state()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} scrolls sideways: {width} px wide"
    wide = page.evaluate("""() => [...document.querySelectorAll('main *')]
        .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.left < -0.5 || r.right > innerWidth + 0.5); })
        .map(e => e.tagName + '.' + e.className)""")
    assert wide == [], f"{page.url}: cut off at the side: {wide}"


def _qr_loaded(page) -> None:
    """The QR code is a data: image; a CSP that refused it would leave it 0 px wide."""
    image = page.locator(".qr img")
    image.wait_for(state="visible")
    assert page.evaluate("document.querySelector('.qr img').naturalWidth") > 100
    box = image.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH


def _sign_in(page, base: str, account: tuple[str, str]) -> None:
    page.goto(f"{base}/desk/login")
    page.fill("#email", account[0])
    page.fill("#password", account[1])
    page.click("form[action='/desk/login'] button[type=submit]")


def test_an_admin_enrols_on_a_phone_and_signs_in_with_the_code_in_english(site, phone):
    base, ctx, _ = site
    with ctx.sessions.begin() as session:
        storage.add_user(session, AMAL[0], AMAL[1], "admin", NOW, name="Amal")

    _sign_in(phone, base, AMAL)
    assert phone.url == f"{base}/desk/two-factor/setup?next=/desk"
    assert phone.inner_text("h1") == "Set up two-factor sign-in"
    _qr_loaded(phone)
    secret = "".join(phone.inner_text("#secret").split())
    assert len(secret) == 32
    assert phone.get_attribute("a.otpauth", "href").startswith("otpauth://totp/Fursa:amal%40ppu.edu?secret=")
    phone.click("details.uri summary")   # the long otpauth:// address wraps too
    _fits(phone)
    shoot(phone, "two-factor-setup-390-en")

    phone.fill("#code", "123456" if second_factor_code(ctx, AMAL[0], NOW) != "123456" else "654321")
    phone.click("form[action='/desk/two-factor/setup'] button[type=submit]")
    assert "This code is not right" in phone.inner_text("#code-error")
    _fits(phone)
    phone.fill("#code", second_factor_code(ctx, AMAL[0], NOW))
    phone.click("form[action='/desk/two-factor/setup'] button[type=submit]")
    assert phone.inner_text("h1") == "Two-factor sign-in is on"
    assert phone.locator("ol.codes li").count() == 10
    _fits(phone)
    shoot(phone, "two-factor-recovery-codes-390-en")
    phone.click("main a.button")
    assert phone.url == f"{base}/desk"

    phone.goto(f"{base}/desk/account")
    assert "Recovery codes left: 10." in phone.inner_text("#two-factor")
    _fits(phone)
    shoot(phone, "account-390-en")
    phone.click("footer button.link")   # sign out
    _sign_in(phone, base, AMAL)
    assert phone.url == f"{base}/desk/two-factor?next=/desk"
    _fits(phone)
    shoot(phone, "two-factor-code-390-en")
    phone.fill("#code", second_factor_code(ctx, AMAL[0], NOW))
    phone.click("form[action='/desk/two-factor'] button[type=submit]")
    assert phone.url == f"{base}/desk"


def test_an_admin_enrols_on_a_phone_in_arabic(site, phone):
    base, ctx, _ = site
    with ctx.sessions.begin() as session:
        storage.add_user(session, SAMI[0], SAMI[1], "admin", NOW, name="سامي", language="ar")

    phone.goto(f"{base}/desk/login")
    switch_language(phone, "ar")
    phone.fill("#email", SAMI[0])
    phone.fill("#password", SAMI[1])
    phone.click("form[action='/desk/login'] button[type=submit]")
    assert "/desk/two-factor/setup" in phone.url
    assert phone.locator("html").get_attribute("dir") == "rtl"
    assert phone.inner_text("h1") == "إعداد الدخول بخطوتين"
    _qr_loaded(phone)
    phone.click("details.uri summary")
    _fits(phone)
    shoot(phone, "two-factor-setup-390-ar")

    phone.fill("#code", second_factor_code(ctx, SAMI[0], NOW))
    phone.click("form[action='/desk/two-factor/setup'] button[type=submit]")
    assert phone.inner_text("h1") == "الدخول بخطوتين مُفعَّل"
    assert phone.locator("ol.codes li").count() == 10
    _fits(phone)
    shoot(phone, "two-factor-recovery-codes-390-ar")
    phone.click("main a.button")
    assert phone.url == f"{base}/desk"

    phone.goto(f"{base}/desk/account")
    assert phone.inner_text("h1") == "حسابك"
    _fits(phone)
    shoot(phone, "account-390-ar")
    phone.click("footer button.link")
    _sign_in(phone, base, SAMI)
    assert "/desk/two-factor?" in phone.url and phone.locator("html").get_attribute("dir") == "rtl"
    _fits(phone)
    shoot(phone, "two-factor-code-390-ar")
