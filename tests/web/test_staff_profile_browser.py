"""The staff profile on the subscribe and preferences pages (issue 15.4), in Debian's chromium at 390 px,
English and Arabic: a staff member chooses their unit from the list and writes their job title, and it
is stored; the preferences page opened from the signed link shows it and saves a change. Nothing scrolls
sideways. Before this change the pages had no unit or job title fields (`#unit` was not found)."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from fursa import digests, storage
from tests.web.browsing import (  # noqa: F401 (fixtures)
    LANGUAGES, NOW, chromium, needs_browser, new_page, overflow_of, site, use_language,
)

pytestmark = needs_browser
TITLES = {"en": "Head of the admissions office", "ar": "رئيسة قسم القبول والتسجيل"}


def _row(site, email: str) -> storage.Subscriber:
    with site.ctx.sessions() as session:
        row = session.scalar(select(storage.Subscriber).where(storage.Subscriber.email == email))
        session.expunge(row)
    return row


def _labelled(page, *names: str) -> list[str]:
    """The names of these fields that have no label with words in it."""
    return page.evaluate("""names => names.filter(name => {
        const e = document.querySelector(`[name=${name}]`);
        return !e || !e.labels || ![...e.labels].some(l => l.textContent.trim()); })""", list(names))


def _send(page, form: str) -> None:
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.click(f"{form} button[type=submit]")
    assert answer.value.status == 200, answer.value.status


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_staff_member_subscribes_with_unit_and_job_title(site, chromium, lang):
    page = new_page(chromium)
    use_language(page, site, lang, then="/subscribe")
    assert overflow_of(page) == [], lang
    assert _labelled(page, "unit", "job_title") == []
    email = f"staff-{uuid.uuid4().hex[:8]}@ppu.edu"
    page.fill("#email", email)
    page.check("input[name=role][value=staff]")
    page.select_option("#unit", "registration")
    page.fill("#job_title", TITLES[lang])
    _send(page, "form[action='/subscribe']")
    row = _row(site, email)
    assert (row.role, row.unit, row.job_title, row.language) == ("staff", "registration", TITLES[lang], lang)
    page.context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_preferences_page_shows_and_saves_the_staff_profile(site, chromium, lang):
    email = f"librarian-{lang}@ppu.edu"
    with site.ctx.sessions.begin() as session:
        row, _ = storage.add_subscriber(session, storage.SubscriberInput(
            email=email, name="Amina", role="staff", unit="library", job_title=TITLES[lang], language=lang,
            confirmed=True), NOW)
        token = digests.make_subscriber_token(row, "preferences", site.ctx.settings.secret_key)
    page = new_page(chromium)
    page.goto(f"{site.base}/preferences/{token}")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert overflow_of(page) == [], lang
    assert page.input_value("#unit") == "library" and page.input_value("#job_title") == TITLES[lang]
    page.select_option("#unit", "it_centre")
    page.fill("#job_title", "Network administrator")
    _send(page, "form[action^='/preferences/']")
    saved = _row(site, email)
    assert (saved.role, saved.unit, saved.job_title) == ("staff", "it_centre", "Network administrator")
    page.context.close()
