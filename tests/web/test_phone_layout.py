"""Every public page fits a phone: at 390 px wide (and 360 and 414 for the widest pages), in English and
Arabic, nothing makes the page scroll sideways. So do the desk's main pages, and the e-mails: the digests (student, faculty, staff)
and the confirmation letters, shown in the browser at 390 px. Screenshots go to screenshots/."""
from __future__ import annotations

from datetime import timedelta

import pytest

from fursa.web.mail import Letter, build_message
from tests.digests.test_render import NOW as DIGEST_NOW
from tests.digests.test_render import call, person, render
from tests.web.browsing import (
    DESK_PAGES, FEEDS, LANGUAGES, PHONE, PUBLIC_PAGES, WIDEST, chromium, needs_browser, new_page, open_desk_page,
    overflow_of, shoot, sign_in, site,
)

pytestmark = needs_browser
__all__ = ["chromium", "site"]   # the fixtures, imported to be found


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("public", PUBLIC_PAGES, ids=lambda public: public.name)
def test_every_public_page_fits_a_phone_without_sideways_scrolling(chromium, site, public, lang):
    page = new_page(chromium, PHONE)
    try:
        public.open(page, site, lang)
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        shoot(page, f"phone-{public.name}-{PHONE}-{lang}")
        assert overflow_of(page) == [], f"{public.name} ({lang}) at {PHONE} px"
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("width", [360, 414])
@pytest.mark.parametrize("public", [p for p in PUBLIC_PAGES if p.name in WIDEST], ids=lambda public: public.name)
def test_the_widest_pages_fit_the_narrowest_and_widest_phones(chromium, site, public, width, lang):
    page = new_page(chromium, width)
    try:
        public.open(page, site, lang)
        shoot(page, f"phone-{public.name}-{width}-{lang}")
        assert overflow_of(page) == [], f"{public.name} ({lang}) at {width} px"
    finally:
        page.context.close()


@pytest.fixture(scope="module")
def desk_on_a_phone(chromium, site):
    page = new_page(chromium, PHONE)
    sign_in(page, site)
    yield page
    page.context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", list(DESK_PAGES))
def test_the_desks_main_pages_fit_a_phone(site, desk_on_a_phone, name, lang):
    """Staff on a phone too: the subscribers' table was 664 px wide at 390 (609 in Arabic)."""
    open_desk_page(desk_on_a_phone, site, name, lang)
    shoot(desk_on_a_phone, f"phone-desk-{name}-{PHONE}-{lang}")
    assert overflow_of(desk_on_a_phone) == [], f"desk {name} ({lang}) at {PHONE} px"


def test_the_feeds_are_not_pages(chromium, site):
    """Why the feeds are not in the list above: none of them is HTML."""
    page = new_page(chromium, PHONE)
    try:
        for path in FEEDS:
            response = page.request.get(site.base + path)
            assert response.ok and "html" not in response.headers["content-type"], (path, response.headers)
    finally:
        page.context.close()


def test_the_filter_form_is_no_wider_than_the_phone(chromium, site):
    """The defect the issue measured: the home page's filter form was 487 px wide at 390 px."""
    page = new_page(chromium, PHONE)
    try:
        page.goto(site.base + "/")
        box = page.locator("form.filters").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE, box
    finally:
        page.context.close()


def test_the_overflow_check_sees_a_page_that_scrolls_sideways(chromium):
    """The measure itself: a 500 px box in a 390 px window is found, on the right in English and on the
    left in Arabic, and so is text too long to wrap."""
    page = new_page(chromium, PHONE)
    try:
        for direction in ("ltr", "rtl"):
            page.set_content(f'<html dir="{direction}"><body><div id="wide" style="width:500px">x</div></body></html>')
            assert any("div#wide" in problem for problem in overflow_of(page)), direction
            page.set_content(f'<html dir="{direction}"><body><p>{"a" * 200}</p></body></html>')
            assert any('text "aaaa' in problem for problem in overflow_of(page)), direction
        page.set_content('<html><body><div style="overflow-x:auto"><div style="width:900px">x</div></div></body></html>')
        assert overflow_of(page) == [], "a box that scrolls by itself does not move the page"
    finally:
        page.context.close()


DIGEST_CALLS = [
    call(1, title="Erasmus+ International Credit Mobility: fully funded semester exchange for engineering "
                  "students at partner universities", featured=True, deadline=DIGEST_NOW + timedelta(days=4),
         url="https://www.example.org/programmes/international-credit-mobility/applications/2027/call.pdf"),
    call(2, title="منحة ماجستير ممولة بالكامل في الهندسة الميكانيكية", provider="صندوق الطالب الفلسطيني",
         deadline=None, deadline_kind="rolling"),
    call(3, title="Horizon Europe MSCA postdoctoral fellowships", kind="fellowship", levels=["postdoc", "faculty"],
         disciplines=["any"], deadline=DIGEST_NOW + timedelta(days=40)),
    call(4, title="Sent before and closing soon", deadline=DIGEST_NOW + timedelta(days=2), levels=["staff"]),
    # a staff digest lists only the calls for staff (issue 15.4)
    call(5, title="Erasmus+ International Staff Training Week for administrative staff of partner universities",
         kind="training", levels=["staff"], disciplines=["any"], audiences=["staff"],
         deadline=DIGEST_NOW + timedelta(days=25)),
]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("role", ["student", "faculty", "staff"])
def test_the_digest_email_fits_a_phone(chromium, role, lang):
    levels = {"student": ("master",), "faculty": ("faculty", "postdoc"), "staff": ("staff",)}[role]
    rendered = render(person(lang, levels=levels, role=role, name="رانية" if lang == "ar" else "Rania"),
                      DIGEST_CALLS, sent={4})
    page = new_page(chromium, PHONE)
    try:
        page.set_content(rendered.html)
        assert page.locator("h3.title").count() >= 1, "the digest lists calls"
        shoot(page, f"email-digest-{role}-{PHONE}-{lang}")
        assert overflow_of(page) == [], f"the {role} digest ({lang}) at {PHONE} px"
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("letter", ["confirm", "already"])
def test_the_confirmation_emails_fit_a_phone(chromium, app, letter, lang):
    link = "https://fursa.ppu.edu/confirm/" + "Xk2_9a" * 12
    values = {"link": link, "hours": 48}
    message = build_message(app.state.templates, Letter("rania@ppu.edu", "Rania", lang, letter, values),
                            app.state.web.ctx.delivery_config, DIGEST_NOW)
    page = new_page(chromium, PHONE)
    try:
        page.set_content(message.get_body(("html",)).get_content())
        assert link in page.content()
        shoot(page, f"email-{letter}-{PHONE}-{lang}")
        assert overflow_of(page) == [], f"the {letter} e-mail ({lang}) at {PHONE} px"
    finally:
        page.context.close()
