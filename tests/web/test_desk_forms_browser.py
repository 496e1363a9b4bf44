"""Every desk form in a real browser (Debian's chromium via Playwright, the app under uvicorn on
loopback): loaded as rendered and submitted untouched, it changes nothing; with one thing changed,
it changes only that. In English and in Arabic, on a wide screen and on a 390 px phone, where the
page must not scroll sideways.

The forms: a call's edit form, a source's settings, adding a source (address, preview, save), and
the account's password form."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

import pytest
from sqlalchemy import inspect, select

from fursa import storage
from tests.web.conftest import ADMIN, NOW, CallMaker, enrol_in_browser
from tests.web.live import static_site
from tests.web.test_browser import CHROMIUM_ARGS, browser, pytestmark, shoot, site  # noqa: F401 (fixtures)
from tests.web.test_desk_round_trip import DERIVED, snapshot
from tests.web.test_sources_desk import FEED, HOME

VIEWS = [("en", 1280), ("ar", 1280), ("en", 390), ("ar", 390)]


@pytest.fixture(params=VIEWS, ids=lambda view: f"{view[0]}-{view[1]}px")
def view(request, browser):  # noqa: F811 (the fixture imported above)
    lang, width = request.param
    _, chromium = browser
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    yield context.new_page(), lang, width
    context.close()


def _columns(ctx, model, row_id: int) -> dict[str, Any]:
    with ctx.sessions() as session:
        row = session.get(model, row_id)
        return {column.key: getattr(row, column.key) for column in inspect(model).column_attrs}


def _changed(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    return {name for name in before if before[name] != after[name]}


def _audit_count(ctx) -> int:
    with ctx.sessions() as session:
        return len(session.scalars(select(storage.AuditEntry)).all())


def _sign_in(page, base: str, lang: str) -> None:
    page.goto(f"{base}/desk/login")
    page.fill("#email", ADMIN[0])
    page.fill("#password", ADMIN[1])
    page.click("form[action='/desk/login'] button[type=submit]")
    enrol_in_browser(page, NOW)
    page.goto(f"{base}/language/{lang}?next=/desk")
    assert page.locator("html").get_attribute("lang") == lang


WIDER = """(width) => [...document.querySelectorAll('body *')].filter(e => {
    const box = e.getBoundingClientRect(); return box.right > width + 0.5 || box.left < -0.5;
}).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().width)).slice(0, 8)"""


def _fits(page, width: int) -> None:
    """Nothing sticks out sideways: the page is no wider than the window."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (page.url, page.evaluate(WIDER, width))


def _submit(page, action: str) -> None:
    with page.expect_navigation():
        page.click(f"form[action='{action}'] button[type=submit]")


def test_each_desk_form_saved_untouched_changes_nothing_and_one_change_changes_one_thing(site, view):  # noqa: F811
    base, ctx, _ = site
    page, lang, width = view
    with ctx.sessions.begin() as session:
        storage.add_user(session, ADMIN[0], ADMIN[1], "admin", NOW, name="Amal")
    make = CallMaker(ctx, NOW)
    detailed = make("Master scholarships in mechatronics", kind="scholarship", levels=["bachelor"],
                    disciplines=["0712", "081"], regions=["palestine"], palestinian_eligible=True,
                    deadline_days=None, deadline_kind="date", deadline_date=date(2027, 3, 31),
                    deadline_at=storage.closing_instant(date(2027, 3, 31)), deadline_tz=None)
    all_but = make("  منحة دراسية في جميع التخصصات باستثناء الطب  ", kind="scholarship", levels=["master", "phd"],
                   disciplines=["any"], excluded=["09", "0912"], palestinian_eligible=None,
                   deadline_days=None, deadline_kind="date", deadline_tz="Europe/Brussels",
                   deadline_at=datetime(2027, 1, 15, 22, 59, 59, tzinfo=timezone.utc))
    _sign_in(page, base, lang)

    for call_id in (detailed, all_but):
        _call_form_round_trip(page, base, ctx, call_id, width)
    shoot(page, f"desk-call-saved-{lang}-{width}")
    _queue_actions_line_up(page, base, width)
    shoot(page, f"desk-queue-{lang}-{width}")
    _source_form_round_trip(page, base, ctx, width)
    shoot(page, f"desk-source-override-{lang}-{width}")
    _new_source_round_trip(page, base, ctx, width)
    _account_form_round_trip(page, base, ctx, width)


def _call_form_round_trip(page, base: str, ctx, call_id: int, width: int) -> None:
    path = f"/desk/calls/{call_id}"
    page.goto(base + path)
    _fits(page, width)
    before, audit = snapshot(ctx, call_id), _audit_count(ctx)
    _submit(page, path)
    assert page.url == base + path and page.locator(".flash").count() == 1
    assert _changed(before, snapshot(ctx, call_id)) == set() and _audit_count(ctx) == audit

    page.check("input[name=levels][value=postdoc]")
    _submit(page, path)
    after = snapshot(ctx, call_id)
    assert _changed(before, after) - DERIVED == {"levels"}
    assert after["levels"] == [*before["levels"], "postdoc"] or set(after["levels"]) == {*before["levels"], "postdoc"}
    _fits(page, width)


def _queue_actions_line_up(page, base: str, width: int) -> None:
    """Each row's action cell is a cell of its row: same top and height as the row's other cells (on a
    phone the cells stack, one under another)."""
    page.goto(f"{base}/desk/queue")
    _fits(page, width)
    assert page.locator("table.queue tbody tr .row-actions button").count() >= 2
    if width <= 640:
        return
    for row in page.locator("table.queue tbody tr").all():
        cells = [cell.bounding_box() for cell in row.locator("td").all()]
        tops, heights = {round(box["y"]) for box in cells}, {round(box["height"]) for box in cells}
        assert len(tops) == 1 and len(heights) == 1, cells


def _source_form_round_trip(page, base: str, ctx, width: int) -> None:
    spec = storage.SourceSpec(name="Russian partner", type="feed", url="https://partner.example/feed.xml",
                              kind="exchange", language="ru", every_hours=1.5, provider="Partner",
                              description="First line of notes\nSecond line")
    with ctx.sessions.begin() as session:
        storage.sync_catalogue(session, [spec])
        source_id = storage.get_source(session, spec.name).id
    path = f"/desk/sources/{source_id}"
    page.goto(base + path)
    _fits(page, width)
    before, audit = _columns(ctx, storage.Source, source_id), _audit_count(ctx)
    _submit(page, path)
    assert _changed(before, _columns(ctx, storage.Source, source_id)) == set() and _audit_count(ctx) == audit

    page.fill("#provider", "Partner University")
    _submit(page, path)
    after = _columns(ctx, storage.Source, source_id)
    assert _changed(before, after) == {"provider", "overrides"}
    assert (after["provider"], after["overrides"]) == ("Partner University", {"provider": "Partner"})
    assert page.locator("#provider-override").count() == 1   # the catalogue's value is shown beside it
    _fits(page, width)


def _new_source_round_trip(page, base: str, ctx, width: int) -> None:
    with ctx.sessions() as session:
        known = {s.name for s in storage.list_sources(session)}
    page.goto(f"{base}/desk/sources/new")
    _fits(page, width)
    _submit(page, "/desk/sources/new")   # untouched: no address, so nothing is stored
    assert page.locator("#url-error").count() == 1
    with ctx.sessions() as session:
        assert {s.name for s in storage.list_sources(session)} == known

    with static_site({"/": ("text/html", HOME), "/feed.xml": ("application/rss+xml", FEED)}) as partner:
        page.goto(f"{base}/desk/sources/new")
        page.fill("#url", f"{partner}/")
        _submit(page, "/desk/sources/new")
        _fits(page, width)
        _submit(page, "/desk/sources/save")
    with ctx.sessions() as session:
        [added] = [s for s in storage.list_sources(session) if s.name not in known]
        values = (added.url, added.kind, added.language, added.every_hours, added.provider, added.description)
    assert values == (f"{partner}/feed.xml", "other", "en", 24.0, "", "")   # the one thing typed, and defaults


def _account_form_round_trip(page, base: str, ctx, width: int) -> None:
    path = "/desk/account/password"
    page.goto(f"{base}/desk/account")
    _fits(page, width)
    user_id = _user_id(ctx)
    before = _columns(ctx, storage.User, user_id)
    _submit(page, path)   # untouched: no password typed, refused, nothing changed, still signed in
    assert page.locator("#current_password-error").count() == 1
    assert _columns(ctx, storage.User, user_id) == before

    new_password = "a brand new long password"
    page.goto(f"{base}/desk/account")
    page.fill("#current_password", ADMIN[1])
    page.fill("#new_password", new_password)
    page.fill("#repeat_password", new_password)
    _submit(page, path)
    after = _columns(ctx, storage.User, user_id)
    assert _changed(before, after) == {"password_hash"}
    with ctx.sessions() as session:
        assert storage.password_matches(session.get(storage.User, user_id), new_password)
    page.goto(f"{base}/desk/queue")
    assert "/desk/login" not in page.url   # this browser stays signed in


def _user_id(ctx) -> int:
    with ctx.sessions() as session:
        return storage.find_user(session, ADMIN[0]).id
