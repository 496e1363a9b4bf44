"""A student's own list in a real browser on a phone (390 px), English and Arabic: "Save to my list" from an
e-mail (the confirm page, the button pressed), then the list with the saved call and a withdrawn one greyed
with its note; then, in the browser that opened its list, a filtered public list's "Get these by e-mail" and
its confirm page. No page scrolls sideways; axe finds nothing serious."""
from __future__ import annotations

import pytest

from fursa import digests, storage
from tests.web.browsing import (
    LANGUAGES, PHONE, axe_violations, chromium, needs_axe, needs_browser, new_page, overflow_of, serious, shoot, site,
    use_language,
)
from tests.web.conftest import NOW, CallMaker

pytestmark = needs_browser
__all__ = ["chromium", "site"]   # the fixtures, imported to be found

WITHDRAWN_TITLE = "Withdrawn: a summer school in renewable energy engineering at a partner university"
SAVED = {"en": "Saved to your list", "ar": "حُفظت في قائمتك"}
WITHDRAWN_NOTE = {"en": "withdrew this call", "ar": "سحب مكتب العلاقات الدولية"}


@pytest.fixture(scope="module")
def withdrawn(site):
    """A call both readers saved before the office withdrew it."""
    call_id = CallMaker(site.ctx, NOW)(WITHDRAWN_TITLE, status="approved", kind="training")
    with site.ctx.sessions.begin() as session:
        call = session.get(storage.Opportunity, call_id)
        for lang in LANGUAGES:
            storage.save_bookmark(session, session.get(storage.Subscriber, site.subscribers[lang]), call, NOW)
        call.status = "rejected"
    return call_id


def _list_link(site, lang: str) -> str:
    with site.ctx.sessions() as session:
        row = session.get(storage.Subscriber, site.subscribers[lang])
        return f"/my/{digests.make_list_token(row, site.ctx.settings.secret_key, NOW)}"


def _fits(page, what: str, lang: str) -> None:
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr"), what
    assert overflow_of(page) == [], f"{what} ({lang}) at {PHONE} px"


@needs_axe
@pytest.mark.parametrize("lang", LANGUAGES)
def test_save_from_an_email_then_the_list_fits_a_phone(chromium, site, withdrawn, lang):
    page = new_page(chromium, PHONE)
    try:
        link = _list_link(site, lang)
        page.goto(f"{site.base}{link}/save/{site.calls['long']}")   # the e-mail's "Save to my list"
        _fits(page, "save confirm page", lang)
        page.click("form[action*='/save/'] button[type=submit]")
        assert SAVED[lang] in page.locator("p.flash").inner_text()
        page.goto(f"{site.base}{link}")
        titles = page.locator("ol.saved-calls li .saved-title").all_inner_texts()
        assert len(titles) == 2 and WITHDRAWN_TITLE in titles
        greyed = page.locator("li.saved-withdrawn")
        assert WITHDRAWN_NOTE[lang] in greyed.inner_text() and greyed.locator("form[action*='/applied/']").count() == 0
        _fits(page, "my list", lang)
        assert serious(axe_violations(page)) == [], f"my list ({lang})"
        shoot(page, f"my-list-{PHONE}-{lang}")
    finally:
        page.context.close()


@needs_axe
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_filtered_list_becomes_a_subscription_after_a_confirm_page(chromium, site, lang):
    page = new_page(chromium, PHONE)
    try:
        page.goto(f"{site.base}{_list_link(site, lang)}")   # this browser opens its list (the cookie)
        use_language(page, site, lang, then="/?field=071&level=phd&country=DE")
        page.click("p.by-mail a")
        assert "/my/search?" in page.url
        assert page.locator("form[action='/my/search'] input[name=level]").get_attribute("value") == "phd"
        _fits(page, "saved-search confirm page", lang)
        assert serious(axe_violations(page)) == [], f"saved-search confirm page ({lang})"
        shoot(page, f"my-search-{PHONE}-{lang}")
        page.click("form[action='/my/search'] button[type=submit]")
        assert page.url.endswith("/my")
        with site.ctx.sessions() as session:
            row = session.get(storage.Subscriber, site.subscribers[lang])
            assert "phd" in row.levels and "071" in row.disciplines
    finally:
        page.context.close()
