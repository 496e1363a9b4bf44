"""Limited submissions in a real browser on a phone (390 px), English and Arabic: the desk's page
filled in as a person does it, with the list of who intends to apply; the public "I intend to apply"
page opened from a signed link without signing in, the button pressed, the answer in the reader's
language; no page scrolls sideways."""
from __future__ import annotations

from datetime import timedelta

import pytest

from fursa import digests, storage
from tests.web.browsing import LANGUAGES, PHONE, chromium, needs_browser, new_page, overflow_of, shoot, sign_in, site
from tests.web.conftest import NOW

pytestmark = needs_browser
__all__ = ["chromium", "site"]   # the fixtures, imported to be found

RECORDED = {"en": "your intention to apply is recorded", "ar": "سُجّلت نيتك التقدّم"}


@pytest.fixture(scope="module")
def desk(chromium, site):
    page = new_page(chromium, PHONE)
    sign_in(page, site)
    call = site.calls["long"]
    page.goto(f"{site.base}/desk/calls/{call}")
    page.click(f"a[href='/desk/calls/{call}/limited']")
    page.fill("#slots", "2")
    page.fill("#internal_date", (NOW + timedelta(days=10)).date().isoformat())
    page.fill("#contact", "grants-office@ppu.edu")
    page.fill("#notes", "ترسل الطلبات إلى مكتب المنح قبل الموعد الداخلي.")
    page.click(f"form[action='/desk/calls/{call}/limited'] button[type=submit]")
    assert page.url.endswith(f"/desk/calls/{call}/limited"), page.url
    assert page.locator(".flash").first.inner_text().startswith("Saved")
    yield page
    page.context.close()


def _intent_link(site, lang: str) -> str:
    with site.ctx.sessions() as session:
        row = session.get(storage.Subscriber, site.subscribers[lang])
        return f"/intent/{digests.make_intent_token(row, site.calls['long'], site.ctx.settings.secret_key)}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_public_intent_page_records_and_fits_a_phone(chromium, site, desk, lang):
    page = new_page(chromium, PHONE)   # a fresh browser: no desk session, no cookie
    try:
        page.goto(f"{site.base}{_intent_link(site, lang)}")
        assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        assert overflow_of(page) == [], f"intent page ({lang}) at {PHONE} px"
        shoot(page, f"intent-{PHONE}-{lang}")
        page.click("form[action^='/intent/'] button[type=submit]")
        assert RECORDED[lang] in page.locator("p.flash").inner_text()
        assert overflow_of(page) == [], f"intent answer ({lang}) at {PHONE} px"
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_desk_page_lists_them_and_fits_a_phone(site, desk, lang):
    with site.ctx.sessions.begin() as session:   # whichever order the tests run in, both readers said yes
        limited = storage.limited_of(session, site.calls["long"])
        for reader in LANGUAGES:
            storage.record_intent(session, limited, session.get(storage.Subscriber, site.subscribers[reader]), NOW)
    path = f"/desk/calls/{site.calls['long']}/limited"
    desk.goto(f"{site.base}/language/{lang}?next={path}")
    assert desk.url.endswith(path), desk.url
    assert desk.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert desk.locator("ol.intents li").count() == len(LANGUAGES)
    assert "رانية" in desk.locator("ol.intents").inner_text()
    shoot(desk, f"limited-desk-{PHONE}-{lang}")
    assert overflow_of(desk) == [], f"{path} ({lang}) at {PHONE} px"
