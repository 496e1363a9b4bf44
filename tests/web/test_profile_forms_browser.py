"""Every form that writes a subscriber's profile, in a real browser on a 390 px phone, in English and
Arabic: loaded as rendered and submitted unchanged, it changes nothing in the database; one change
then changes that one thing only. Debian's chromium through Playwright, uvicorn and SMTP on loopback."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from fursa import digests, storage
from fursa.matching import load_taxonomy
from tests.web.conftest import ADMIN, NOW, enrol_in_browser
from tests.web.test_browser import CHROMIUM, browser, shoot, site  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")]

PHONE = 390
PROGRAMME = load_taxonomy().programmes["computer_systems_engineering"]   # 0714 and 0613
SHAPES = {
    "broad": {"disciplines": ["07"], "levels": ["bachelor"]},
    "narrow": {"disciplines": ["061", "071"], "kinds": ["exchange"]},
    "detailed": {"disciplines": ["0714", "061"], "levels": ["phd", "master"], "frequency": "instant"},
    "programme": {"disciplines": list(PROGRAMME.codes), "role": "faculty"},
}


@pytest.fixture
def phone(browser):  # noqa: F811 (the fixture imported above)
    """A fresh phone browser (390 px wide, English asked for), as a person opening a link would have."""
    _, chromium = browser
    context = chromium.new_context(viewport={"width": PHONE, "height": 844}, locale="en-GB")
    yield context.new_page()
    context.close()


def _database(ctx) -> tuple:
    """Every subscriber's profile and the audit log: what any of these forms could change."""
    with ctx.sessions() as session:
        rows = {s.email: (s.name, s.role, list(s.disciplines), list(s.levels), list(s.kinds), s.language, s.frequency,
                          s.confirmed, s.status) for s in session.scalars(select(storage.Subscriber))}
        audit = [(e.actor, e.action, e.details) for e in session.scalars(select(storage.AuditEntry))]
    return rows, audit


def _subscriber(ctx, language: str, **shape) -> storage.Subscriber:
    with ctx.sessions.begin() as session:
        row, _ = storage.add_subscriber(session, storage.SubscriberInput(
            email="omar@ppu.edu", name="عمر Omar", language=language, confirmed=True, **shape), NOW)
        session.expunge(row)
    return row


def _fits_the_phone(page) -> None:
    """No sideways scrolling, in either direction (an RTL page overflows to the left)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    left = page.evaluate("Math.min(0, ...[...document.querySelectorAll('main *')].map(e => e.getBoundingClientRect().left))")
    assert width <= PHONE and left >= -0.5, (width, left)


def _every_checkbox_is_labelled(page, form: str) -> None:
    unlabelled = page.evaluate(f"""[...document.querySelectorAll("{form} input:not([type=hidden]), {form} select")]
        .filter(e => !(e.labels && e.labels.length) || ![...e.labels].some(l => l.textContent.trim()))
        .map(e => e.name + '=' + e.value)""")
    assert unlabelled == []


def _submit(page, form: str) -> None:
    page.click(f"{form} button[type=submit]")


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_the_preferences_form_keeps_every_profile_on_a_phone(site, phone, language, shape):
    base, ctx, _ = site
    row = _subscriber(ctx, language, **shape)
    link = f"{base}/preferences/{digests.make_subscriber_token(row, 'preferences', ctx.settings.secret_key)}"
    form = "form[action^='/preferences/']"
    phone.goto(link)
    assert phone.locator("html").get_attribute("lang") == language
    for code in shape["disciplines"]:
        box = phone.locator(f"{form} input[name=fields][value='{code}']")
        assert box.is_checked() and box.is_visible(), code   # its broad field opens with it
    _fits_the_phone(phone)
    _every_checkbox_is_labelled(phone, form)
    before = _database(ctx)
    _submit(phone, form)
    assert phone.locator("h1").inner_text() in ("Preferences saved", "حُفظت التفضيلات")
    assert _database(ctx) == before

    phone.goto(link)
    phone.locator(f"{form} details", has=phone.locator("input[value='09']")).locator("summary").click()
    phone.check(f"{form} input[name=fields][value='0912']")
    _submit(phone, form)
    rows, audit = _database(ctx)
    name, role, fields, *rest = before[0]["omar@ppu.edu"]
    assert rows["omar@ppu.edu"] == (name, role, sorted(fields + ["0912"]), *rest)
    assert audit[len(before[1]):] == [("subscriber", "subscriber:preferences", {"changed": ["disciplines"]})]
    shoot(phone, f"preferences-{language}-390-{'-'.join(shape['disciplines'])}")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_choosing_a_programme_adds_its_detailed_codes_and_nothing_else(site, phone, language):
    base, ctx, _ = site
    row = _subscriber(ctx, language, disciplines=["0541"], levels=["master"])
    link = f"{base}/preferences/{digests.make_subscriber_token(row, 'preferences', ctx.settings.secret_key)}"
    phone.goto(link)
    phone.select_option("#programme", PROGRAMME.key)
    before = _database(ctx)
    _submit(phone, "form[action^='/preferences/']")
    rows, _ = _database(ctx)
    assert rows["omar@ppu.edu"][2] == ["0541", *PROGRAMME.codes]
    assert rows["omar@ppu.edu"][3:] == before[0]["omar@ppu.edu"][3:]
    phone.goto(link)   # the programme's codes are now ticked where the picker lists them
    for code in PROGRAMME.codes:
        assert phone.locator(f"input[name=fields][value='{code}']").is_checked()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_subscribe_form_sent_unchanged_stores_nothing_and_one_change_stores_one_person(site, phone, language):
    base, ctx, sink = site
    phone.goto(f"{base}/language/{language}?next=/subscribe")
    form = "form[action='/subscribe']"
    _fits_the_phone(phone)
    _every_checkbox_is_labelled(phone, form)
    before = _database(ctx)
    _submit(phone, form)
    assert phone.locator("#email-error").is_visible()
    assert _database(ctx) == before
    shoot(phone, f"subscribe-{language}-390-error")

    phone.fill("#email", "Layla@PPU.edu")
    phone.locator(f"{form} details", has=phone.locator("input[value='07']")).locator("summary").click()
    phone.check(f"{form} input[name=fields][value='0714']")
    _submit(phone, form)
    rows, _ = _database(ctx)
    assert rows == {"layla@ppu.edu": ("", "student", ["0714"], [], [], language, "weekly", False, "active")}

    link = re.search(r"http://\S+/confirm/\S+", sink.next_message().get_body(("plain",)).get_content()).group(0)
    fresh = phone.context.browser.new_context(viewport={"width": PHONE, "height": 844}, locale="en-GB")
    from_mail = fresh.new_page()   # the e-mail opened in another browser that asks for English
    from_mail.goto(link)
    assert from_mail.locator("html").get_attribute("lang") == language
    fresh.close()


def _sign_in(page, base: str, ctx) -> None:
    with ctx.sessions.begin() as session:
        storage.add_user(session, ADMIN[0], ADMIN[1], "admin", NOW, name="Amal")
    page.goto(f"{base}/desk/login")
    page.fill("#email", ADMIN[0])
    page.fill("#password", ADMIN[1])
    page.click("form[action='/desk/login'] button[type=submit]")
    enrol_in_browser(page, NOW)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_desk_edit_form_keeps_a_profile_and_changes_one_thing(site, phone, language):
    base, ctx, _ = site
    row = _subscriber(ctx, "ar", disciplines=["0714", "0613", "banana"], levels=["phd"], kinds=["fellowship"])
    _sign_in(phone, base, ctx)
    phone.goto(f"{base}/language/{language}?next=/desk/subscribers/{row.id}")
    form = f"form[action='/desk/subscribers/{row.id}']"
    assert phone.locator(f"{form} input[name=fields][value='banana']").is_checked()   # kept, and shown
    _fits_the_phone(phone)
    _every_checkbox_is_labelled(phone, form)
    before = _database(ctx)
    _submit(phone, form)
    assert _database(ctx) == before
    phone.uncheck(f"{form} input[name=levels][value=phd]")
    _submit(phone, form)
    rows, audit = _database(ctx)
    expected = list(before[0]["omar@ppu.edu"])
    expected[3] = []
    assert rows["omar@ppu.edu"] == tuple(expected)
    assert audit[len(before[1]):] == [(ADMIN[0], "subscriber:update", {"changed": ["levels"]})]
    shoot(phone, f"desk-subscriber-{language}-390")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_desk_import_form_sent_unchanged_imports_nothing_and_a_file_reports_its_bad_line(
        site, phone, language, tmp_path):
    base, ctx, _ = site
    _subscriber(ctx, "en", disciplines=["0714"], levels=["phd"])
    _sign_in(phone, base, ctx)
    phone.goto(f"{base}/language/{language}?next=/desk/subscribers/import")
    form = "form[action='/desk/subscribers/import']"
    _fits_the_phone(phone)
    before = _database(ctx)
    _submit(phone, form)
    assert phone.locator("#file-error").is_visible()
    assert _database(ctx) == before

    roster = tmp_path / "people.csv"
    roster.write_text("email,fields,levels\nrana@ppu.edu,0714;061,master\nsami@ppu.edu,714;banana,\n"
                      "omar@ppu.edu,,master\n", encoding="utf-8")
    phone.set_input_files("#file", str(roster))
    phone.check(f"{form} input[name=consent]")
    _submit(phone, form)
    assert "banana" in phone.inner_text(".problems") and "3" in phone.inner_text(".problems")
    rows, _ = _database(ctx)
    assert set(rows) == {"omar@ppu.edu", "rana@ppu.edu"}
    assert rows["rana@ppu.edu"][2:4] == (["0714", "061"], ["master"])
    assert rows["omar@ppu.edu"][2:4] == ([], ["master"])   # the file's own empty fields cell: every field
    shoot(phone, f"desk-import-{language}-390")
