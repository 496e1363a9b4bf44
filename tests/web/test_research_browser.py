"""A faculty member's research section on the preferences page, in a real browser at 390 px, English and
Arabic: shown only to faculty, a wrong ORCID check digit answered beside the field with what was typed
kept, then the profile saved and what Fursa understood shown; no page scrolls sideways."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from fursa import digests, storage
from tests.web.browsing import (
    AXE_JS, LANGUAGES, PHONE, axe_violations, chromium, needs_browser, new_page, overflow_of, serious, shoot, sign_in,
    site, use_language,
)
from tests.web.conftest import NOW

pytestmark = needs_browser
__all__ = ["chromium", "site"]   # the fixtures, imported to be found

KEYWORDS = {"en": "water desalination, membrane distillation, brackish water",
            "ar": "تحلية المياه، الطاقة الشمسية، المياه الجوفية"}
PASTE = ("Solar-driven membrane distillation of brackish groundwater in the southern West Bank: a pilot in "
         "three villages, with fouling measured over two years.")
WRONG_ID = {"en": "This is not a valid ORCID iD", "ar": "هذا ليس معرّف ORCID صحيحًا"}
SAVED = {"en": "Your research is saved", "ar": "حُفظت أبحاثك"}
UNDERSTOOD = {"en": "What Fursa understood", "ar": "ما فهمته فرصة"}


def _faculty(site, lang: str) -> storage.Subscriber:
    """A faculty subscriber reading `lang` (made once per site)."""
    with site.ctx.sessions.begin() as session:
        email = f"faculty-{lang}@ppu.edu"
        row = session.scalar(select(storage.Subscriber).where(storage.Subscriber.email == email))
        if row is None:
            row, _ = storage.add_subscriber(session, storage.SubscriberInput(
                email=email, name="Huda" if lang == "en" else "هدى", role="faculty", levels=("faculty",),
                language=lang, confirmed=True), NOW)
        session.expunge(row)
        return row


def _faculty_link(site, lang: str) -> str:
    return f"/preferences/{digests.make_subscriber_token(_faculty(site, lang), 'preferences', site.ctx.settings.secret_key)}"


def _submit_research(page, status: int) -> None:
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.click("section#research form button[type=submit]")
    assert answer.value.status == status


@pytest.mark.parametrize("lang", LANGUAGES)
def test_faculty_describe_their_research_on_a_phone(chromium, site, lang):
    page = new_page(chromium, PHONE)
    try:
        page.goto(site.base + _faculty_link(site, lang))
        assert page.locator("section#research").count() == 1
        assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        assert overflow_of(page) == [], f"preferences with research ({lang}) at {PHONE} px"
        if AXE_JS.exists():
            assert serious(axe_violations(page)) == [], lang

        page.fill("#research-keywords", KEYWORDS[lang])
        page.fill("#research-publications", PASTE)
        page.fill("#research-orcid", "0000-0002-1825-0098")      # the last digit mistyped
        _submit_research(page, 400)
        assert WRONG_ID[lang] in page.inner_text("#orcid-error")
        assert page.input_value("#research-keywords") == KEYWORDS[lang]
        assert page.input_value("#research-publications") == PASTE
        assert overflow_of(page) == [], f"research refused ({lang}) at {PHONE} px"

        page.fill("#research-orcid", "")
        _submit_research(page, 303)    # saved: back to the preferences page, at the research section
        page.wait_for_selector(".research-understood")
        assert SAVED[lang] in page.inner_text("main")
        understood = page.inner_text(".research-understood")
        assert UNDERSTOOD[lang] in understood
        assert KEYWORDS[lang].split("، " if lang == "ar" else ", ")[0] in understood
        shoot(page, f"research-{PHONE}-{lang}")
        assert overflow_of(page) == [], f"research saved ({lang}) at {PHONE} px"
    finally:
        page.context.close()


def test_a_student_has_no_research_section(chromium, site):
    page = new_page(chromium, PHONE)
    try:
        page.goto(site.base + site.signed_link("en", "preferences"))
        assert page.locator("h1").count() == 1 and page.locator("section#research").count() == 0
    finally:
        page.context.close()


def test_the_desk_shows_a_faculty_members_research_on_a_phone(chromium, site):
    page = new_page(chromium, PHONE)
    try:
        sign_in(page, site)
        for lang in LANGUAGES:
            path = f"/desk/subscribers/{_faculty(site, lang).id}"
            use_language(page, site, lang, then=path)
            assert page.url.endswith(path), page.url
            assert page.locator(f"section#research form[action='{path}/research']").count() == 1
            assert overflow_of(page) == [], f"desk subscriber page with research ({lang}) at {PHONE} px"
    finally:
        page.context.close()
