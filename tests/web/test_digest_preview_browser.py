"""The desk's digest preview in a real browser on a phone: a profile no call fits reads "nothing to send
this week" in English and Arabic, with no empty frame, and the page does not scroll sideways."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.web.browsing import LANGUAGES, PHONE, chromium, needs_browser, new_page, overflow_of, shoot, sign_in, site

pytestmark = needs_browser
__all__ = ["chromium", "site"]   # the fixtures, imported to be found

NOTHING = {"en": "Nothing to send this week", "ar": "لا شيء يُرسل هذا الأسبوع"}
# The seeded calls are for students and faculty in engineering, computing and the sciences: no conference for postdocs.
NOTHING_FITS = "/desk/digests?role=faculty&levels=postdoc&kinds=conference"


@pytest.fixture(scope="module")
def desk(chromium, site):
    page = new_page(chromium, PHONE)
    sign_in(page, site)
    yield page
    page.context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_empty_preview_says_so_on_a_phone(site, desk, lang):
    desk.goto(f"{site.base}/language/{lang}?next={quote(NOTHING_FITS, safe='/')}")
    assert desk.url.endswith(NOTHING_FITS), desk.url
    assert desk.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    notice = desk.locator("p.notice[role=status]")
    assert NOTHING[lang] in notice.inner_text()
    assert desk.locator("iframe.preview").count() == 0
    shoot(desk, f"digest-preview-empty-{PHONE}-{lang}")
    assert overflow_of(desk) == [], f"the empty preview ({lang}) at {PHONE} px"
