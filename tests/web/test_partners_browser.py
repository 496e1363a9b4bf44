"""The partner register in a real browser on a phone (390 px), English and Arabic: a partner added
through the form as a person fills it, the register with its expiring agreement, the partner's page
with the seeded calls that name it, the edit form and the import page; no page scrolls sideways, and
the public list shows the Partner badge on the linked call, first."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest

from tests.web.browsing import (
    LANGUAGES, PHONE, axe_violations, chromium, needs_axe, needs_browser, new_page, overflow_of, serious, shoot, sign_in, site,
)
from tests.web.conftest import NOW

pytestmark = needs_browser
__all__ = ["chromium", "site"]   # the fixtures, imported to be found

BADGE = {"en": "Partner", "ar": "شريك"}
PAGES = ("/desk/partners", "/desk/partners/1", "/desk/partners/1/edit", "/desk/partners/new", "/desk/partners/import")


@pytest.fixture(scope="module")
def desk(chromium, site):
    page = new_page(chromium, PHONE)
    sign_in(page, site)
    page.goto(f"{site.base}/desk/partners/new")
    # A name every seeded call may carry: the seed's calls are "Erasmus+" exchanges and scholarships.
    page.fill("#name_en", "Erasmus+ Programme Partner University of a long name that must wrap on a phone")
    page.fill("#name_ar", "جامعة الشريك في برنامج إيراسموس")
    page.fill("#aliases", "Erasmus+")
    page.select_option("#agreement", "erasmus_iia")
    page.fill("#ends_on", (NOW + timedelta(days=30)).date().isoformat())
    page.click("form[action='/desk/partners/new'] button[type=submit]")
    assert page.url.endswith("/desk/partners/1"), page.url
    yield page
    page.context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_partner_pages_fit_a_phone(site, desk, lang, path):
    response = desk.goto(f"{site.base}/language/{lang}?next={quote(path, safe='/')}")
    assert response.status == 200 and desk.url.endswith(path), desk.url
    assert desk.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    shoot(desk, f"partners-{path.strip('/').replace('/', '-')}-{PHONE}-{lang}")
    assert overflow_of(desk) == [], f"{path} ({lang}) at {PHONE} px"


def test_the_register_shows_the_expiring_agreement_and_the_partner_its_calls(site, desk):
    desk.goto(f"{site.base}/language/en?next=/desk/partners")
    assert "Erasmus+ Programme Partner" in desk.locator("section.expiring").inner_text()
    desk.goto(f"{site.base}/desk/partners/1")
    listed = desk.locator("ul.partner-calls li a").count()
    assert listed >= 1, "the seeded Erasmus+ calls name the partner by its alias"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_public_list_puts_the_partner_call_first_with_its_badge(site, desk, lang):
    desk.goto(f"{site.base}/language/{lang}?next=/")
    first = desk.locator("ol.calls > li").first
    assert first.locator(".badge.partner").inner_text().strip() == BADGE[lang]
    assert overflow_of(desk) == [], f"the public list ({lang}) at {PHONE} px"


@needs_axe
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_partner_pages_pass_axe(site, desk, lang, path):
    desk.goto(f"{site.base}/language/{lang}?next={quote(path, safe='/')}")
    assert serious(axe_violations(desk)) == [], f"{path} ({lang})"
