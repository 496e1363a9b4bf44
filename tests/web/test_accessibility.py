"""Every public page, the preferences page and the desk's main pages pass axe-core's checks with no
serious or critical violation (form labels, contrast, landmarks, lang/dir), in English and Arabic; and a
person moving with the keyboard sees where they are (a visible focus outline).

axe-core comes from npm (see tests/web/browsing.py, AXE_INSTALL); the tests skip, saying the command,
when it is not installed. The browser loads it from disk: nothing goes to the network."""
from __future__ import annotations

import pytest

from tests.web.browsing import (
    DESK_PAGES, LANGUAGES, PUBLIC_PAGES, Site, axe_violations, chromium, needs_axe, needs_browser, new_page,
    open_desk_page, serious, shoot, sign_in, site, use_language,
)

pytestmark = [*needs_browser, needs_axe]
__all__ = ["chromium", "site"]   # the fixtures, imported to be found


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("public", PUBLIC_PAGES, ids=lambda public: public.name)
def test_every_public_page_passes_axe(chromium, site, public, lang):
    page = new_page(chromium, 1280, 900)
    try:
        public.open(page, site, lang)
        assert page.locator("html").get_attribute("lang") == lang
        assert serious(axe_violations(page)) == [], f"{public.name} ({lang})"
    finally:
        page.context.close()


@pytest.fixture(scope="module")
def desk(chromium, site: Site):
    """One signed-in desk for the module."""
    page = new_page(chromium, 1280, 900)
    sign_in(page, site)
    yield page
    page.context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_desks_sign_in_page_passes_axe(chromium, site, lang):
    page = new_page(chromium, 1280, 900)   # signed out: the desk would send a signed-in admin on
    try:
        use_language(page, site, lang, then="/desk/login")
        assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        assert serious(axe_violations(page)) == [], f"desk login ({lang})"
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", list(DESK_PAGES))
def test_the_desks_main_pages_pass_axe(site, desk, name, lang):
    open_desk_page(desk, site, name, lang)
    assert desk.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert serious(axe_violations(desk)) == [], f"desk {name} ({lang})"


def test_the_check_finds_what_it_is_there_for(chromium):
    """axe itself, on a page made to fail: a field without a label, text too faint to read, content
    outside any landmark, no lang."""
    page = new_page(chromium, 1280, 900)
    try:
        page.set_content('<html><body><input id="q"><p style="color:#bbb;background:#fff">faint</p></body></html>')
        found = {line.split(" ")[1] for line in serious(axe_violations(page))}
        assert {"label", "color-contrast", "region", "html-has-lang"} <= found, found
    finally:
        page.context.close()


_FOCUS_JS = """
() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {tag: el.tagName.toLowerCase(), style: style.outlineStyle, width: parseFloat(style.outlineWidth)};
}
"""


def _outlined(focus: dict) -> bool:
    """A drawn outline of our own: Chromium's default ring ('auto', 1 px) is faint on green."""
    return focus["style"] not in ("none", "auto") and focus["width"] >= 2


@pytest.mark.parametrize("lang", LANGUAGES)
def test_tabbing_to_a_link_and_a_button_shows_an_outline(chromium, site, lang):
    page = new_page(chromium, 1280, 900)
    try:
        page.goto(f"{site.base}/language/{lang}?next=/subscribe")
        assert page.evaluate(_FOCUS_JS)["tag"] == "body"
        page.keyboard.press("Tab")
        link = page.evaluate(_FOCUS_JS)
        assert link["tag"] == "a" and _outlined(link), f"the first Tab reaches a link and outlines it: {link}"
        skip = page.locator("a.skip-link")
        assert skip.evaluate("a => a === document.activeElement"), "the first stop skips to the content"
        box = skip.bounding_box()
        assert box["y"] >= 0 and box["height"] > 10, f"the skip link shows when focused: {box}"
        page.keyboard.press("Enter")
        assert page.url.endswith("#main")
        page.locator("form[action='/subscribe'] button[type=submit]").evaluate("button => button.focus()")
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")   # back to the button by keyboard, as a person tabbing through the form
        button = page.evaluate(_FOCUS_JS)
        assert button["tag"] == "button" and _outlined(button), f"a focused button is outlined: {button}"
        shoot(page, f"focus-button-{lang}")
    finally:
        page.context.close()
