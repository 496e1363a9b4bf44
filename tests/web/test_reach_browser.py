"""Reach in a real browser on a phone (390 px), English and Arabic: the desk's Reach page (figures,
chart, table) and the public "I applied" page opened from its signed link without signing in, the
button pressed, the answer in the reader's language; no page scrolls sideways."""
from __future__ import annotations

import pytest

from fursa import digests, storage
from tests.web.browsing import LANGUAGES, PHONE, chromium, needs_browser, new_page, overflow_of, shoot, sign_in, site
from tests.web.conftest import NOW

pytestmark = needs_browser
__all__ = ["chromium", "site"]   # the fixtures, imported to be found

MONTH = f"{NOW:%Y-%m}"
COUNTED = {"en": "your application is counted", "ar": "حُسب تقديمك"}


@pytest.fixture(scope="module")
def desk(chromium, site):
    """The long call sent to both readers this month, clicked three times; the desk signed in."""
    call = site.calls["long"]
    with site.ctx.sessions.begin() as session:
        for number, lang in enumerate(LANGUAGES):
            reader = session.get(storage.Subscriber, site.subscribers[lang])
            session.add(storage.Delivery(subscriber_id=reader.id, period=f"weekly:test-{number}", state="sent",
                                         items=[call], created_at=NOW, updated_at=NOW, sent_at=NOW))
            for _ in range(number + 1):
                storage.record_click(session, call, digests.segment_of(reader), MONTH)
    page = new_page(chromium, PHONE)
    sign_in(page, site)
    yield page
    page.context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_reach_page_fits_a_phone(site, desk, lang):
    path = f"/desk/reach?month={MONTH}"
    desk.goto(f"{site.base}/language/{lang}?next={path.replace('?', '%3F').replace('=', '%3D')}")
    assert "/desk/reach" in desk.url, desk.url
    assert desk.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    cells = desk.locator("table.reach tbody tr").first.locator("td").all_inner_texts()
    assert [cell.strip() for cell in cells[1:]] == ["2", "3", "0"]   # sent to two, three clicks, none applied
    assert desk.locator("svg.chart rect").count() >= 3
    shoot(desk, f"reach-desk-{PHONE}-{lang}")
    assert overflow_of(desk) == [], f"{path} ({lang}) at {PHONE} px"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_i_applied_page_counts_and_fits_a_phone(chromium, site, lang):
    with site.ctx.sessions() as session:
        reader = session.get(storage.Subscriber, site.subscribers[lang])
        link = f"/applied/{digests.make_applied_token(reader, site.calls['arabic'], site.ctx.settings.secret_key)}"
    page = new_page(chromium, PHONE)   # a fresh browser: no desk session, no cookie
    try:
        page.goto(f"{site.base}{link}")
        assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        assert overflow_of(page) == [], f"I applied ({lang}) at {PHONE} px"
        page.click("form[action^='/applied/'] button[type=submit]")
        assert COUNTED[lang] in page.locator("p.flash").inner_text()
        shoot(page, f"applied-{PHONE}-{lang}")
        assert overflow_of(page) == [], f"I applied, answered ({lang}) at {PHONE} px"
    finally:
        page.context.close()
