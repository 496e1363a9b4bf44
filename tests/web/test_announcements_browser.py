"""Announcements in a real browser on a phone (390 px), English and Arabic: the compose page filled in
as a person does (count, then save), the announcement's page with the segment's size and the preview
of one recipient's copy, and that copy itself (the e-mail) at 390 px, right to left for the Arabic
reader; nothing scrolls sideways."""
from __future__ import annotations

import pytest

from tests.web.browsing import (
    LANGUAGES, PHONE, axe_violations, chromium, needs_axe, needs_browser, new_page, overflow_of, serious, shoot,
    sign_in, site,
)

pytestmark = needs_browser
__all__ = ["chromium", "site"]   # the fixtures, imported to be found

BODY_EN = ("Dear students,\nThe Erasmus+ office of our partner explains the exchange on Tuesday at 10:00 in B201.\n\n"
           "Programme and slides: https://www.example.org/programmes/international-credit-mobility/applications/2027/"
           "information-session-slides-and-programme.pdf")
BODY_AR = "أعزاءنا الطلبة،\nيشرح مكتب إيراسموس+ لدى شريكنا برنامج التبادل يوم الثلاثاء الساعة العاشرة في القاعة B201."


@pytest.fixture(scope="module")
def desk(chromium, site):
    """Signed in, with one announcement written through the compose page: counted first, then saved."""
    page = new_page(chromium, PHONE)
    sign_in(page, site)
    page.goto(f"{site.base}/desk/announcements/new")
    page.fill("#subject_en", "Erasmus+ information session for master's students of engineering and technology")
    page.fill("#body_en", BODY_EN)
    page.fill("#subject_ar", "لقاء تعريفي ببرنامج إيراسموس+ لطلبة الماجستير")
    page.fill("#body_ar", BODY_AR)
    page.fill("#call", str(site.calls["long"]))
    page.check("input[name=levels][value=master]")
    page.click("button[name=do][value=count]")
    assert "2 people in this segment" in page.locator(".segment-size").inner_text()
    page.click("button[name=do][value=save]")
    assert "/desk/announcements/" in page.url and not page.url.endswith("/new"), page.url
    page.announcement_path = "/desk/announcements/" + page.url.split("/desk/announcements/")[1].split("?")[0]
    yield page
    page.context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_compose_page_fits_a_phone(site, desk, lang):
    desk.goto(f"{site.base}/language/{lang}?next=/desk/announcements/new")
    assert desk.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    shoot(desk, f"announcement-compose-{PHONE}-{lang}")
    assert overflow_of(desk) == [], f"compose ({lang}) at {PHONE} px"


@needs_axe
def test_axe_finds_nothing_serious_on_the_announcement_pages(site, desk):
    for path in ("/desk/announcements/new", desk.announcement_path, "/desk/announcements"):
        desk.goto(f"{site.base}/language/ar?next={path}")
        assert serious(axe_violations(desk)) == [], path


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_announcement_page_previews_each_readers_copy_and_fits_a_phone(site, desk, lang):
    path = desk.announcement_path
    reader = site.subscribers[lang]
    desk.goto(f"{site.base}/language/{lang}?next={path}?to={reader}")
    frame = desk.frame_locator("iframe.preview")
    frame.locator("h2").first.wait_for()
    assert ("إيراسموس" if lang == "ar" else "Erasmus+ information session") in frame.locator("h2").inner_text()
    shoot(desk, f"announcement-desk-{PHONE}-{lang}")
    assert overflow_of(desk) == [], f"{path} ({lang}) at {PHONE} px"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_email_fits_a_phone_in_the_readers_direction(chromium, site, desk, lang):
    email = new_page(chromium, PHONE)
    try:
        cookies = desk.context.cookies()
        email.context.add_cookies(cookies)
        email.goto(f"{site.base}{desk.announcement_path}/preview.html?to={site.subscribers[lang]}")
        assert email.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        assert email.locator("a.button").count() == 1   # the call it points to
        shoot(email, f"email-announcement-{PHONE}-{lang}")
        assert overflow_of(email) == [], f"announcement e-mail ({lang}) at {PHONE} px"
    finally:
        email.context.close()
