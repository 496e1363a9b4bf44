"""Sharing and the weekly post in a real browser on a phone (390 px), English and Arabic: a call page's share
links and short link, and the desk's weekly post page (its copy button copies the text, its card shows);
nothing scrolls sideways and axe finds nothing serious."""
from __future__ import annotations

import pytest

from fursa import digests
from tests.web.browsing import (
    LANGUAGES, PHONE, axe_violations, chromium, needs_axe, needs_browser, new_page, overflow_of, serious, shoot,
    sign_in, site, use_language,
)

pytestmark = [*needs_browser, needs_axe]
__all__ = ["chromium", "site"]   # the fixtures, imported to be found

COPIED = {"en": "Copied", "ar": "نُسخ النص"}


@pytest.fixture(scope="module")
def desk(chromium, site):
    page = new_page(chromium, PHONE)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, site)
    yield page
    page.context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_call_page_offers_its_share_links_on_a_phone(chromium, site, lang):
    page = new_page(chromium, PHONE)
    try:
        call = site.calls["arabic"]
        use_language(page, site, lang, then=f"/calls/{call}")
        share = page.locator("section.share")
        assert share.locator("a[href^='https://wa.me/?text=']").is_visible()
        assert share.locator("a[href^='https://t.me/share/url?url=']").is_visible()
        assert page.input_value("#short-link") == f"{site.base}/c/{digests.short_code(call)}"
        assert page.locator("meta[property='og:locale']").get_attribute("content") == \
            ("ar_AR" if lang == "ar" else "en_US")
        shoot(page, f"call-share-{PHONE}-{lang}")
        assert overflow_of(page) == [], f"call page ({lang}) at {PHONE} px"
        assert serious(axe_violations(page)) == []
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_weekly_post_page_copies_its_text_and_fits_a_phone(site, desk, lang):
    path = f"/desk/posts?audience=student&language={lang}"
    use_language(desk, site, lang, then=path)
    assert desk.url.endswith(path), desk.url
    text = desk.input_value("#post-text")
    assert digests.short_code(site.calls["arabic"]) in text and "*" in text
    card = desk.locator("img.post-card")
    assert desk.evaluate("(image) => image.complete && image.naturalWidth", card.element_handle()) == \
        digests.WEEK_CARD_SIZE[0]
    button = desk.locator("button[data-copy='post-text']")
    assert button.is_visible(), "the script shows the copy button"
    button.click()
    # The clipboard write is a promise: wait for the status it sets, not the click's return.
    desk.wait_for_function("(word) => document.getElementById('copy-status').textContent.includes(word)",
                           arg=COPIED[lang], timeout=5000)
    assert COPIED[lang] in desk.locator("#copy-status").inner_text()
    assert desk.evaluate("navigator.clipboard.readText()") == text
    shoot(desk, f"weekly-post-{PHONE}-{lang}")
    assert overflow_of(desk) == [], f"{path} ({lang}) at {PHONE} px"
    assert serious(axe_violations(desk)) == []
