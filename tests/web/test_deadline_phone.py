"""The longest deadline words fit a phone: a time in Hebron with the funder's date and time beside it
("16 January 2027, 00:00 Hebron time (15 January 2027, 17:00 New York time)") on the list and the call
page, at 390 px, in English and Arabic, with nothing scrolling sideways."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterator

import pytest

from fursa import storage, web
from fursa.crawlers import deadline_from
from tests.web.browsing import LANGUAGES, PHONE, chromium, needs_browser, new_page, overflow_of, shoot
from tests.web.conftest import make_context, make_settings
from tests.web.live import serve_app

pytestmark = needs_browser
__all__ = ["chromium"]   # the fixture, imported to be found

NOW = datetime(2027, 1, 3, 7, 0, tzinfo=timezone.utc)
TITLE = "Research exchange grants for engineering students"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[str, int]]:
    folder = tmp_path_factory.mktemp("deadline-phone")
    holder: dict[str, int] = {}

    def make_app(base_url: str):
        ctx = make_context(make_settings(folder, base_url=base_url))
        with ctx.sessions.begin() as session:
            source = storage.source_from_spec(storage.SourceSpec(name="Grants", type="api", url="https://example.org"))
            session.add(source)
            session.flush()
            drafts = [storage.Draft(source_name="Grants", url=f"https://example.org/{n}", title=f"{TITLE} {n}",
                                    provider="U.S. National Science Foundation", language="en",
                                    deadline=deadline_from(written, zone, "auto"))
                      for n, (written, zone) in enumerate([("2027-01-15 17:00", "America/New_York"),
                                                           ("01/15/2027", "America/New_York")])]
            rows = storage.ingest_drafts(session, source, drafts, NOW).new
            for row in rows:
                row.disciplines = ["any"]
                storage.set_status(row, "approved", NOW)
            holder["call"] = rows[0].id
        return web.create_app(ctx, clock=lambda: NOW)

    with serve_app(make_app) as base_url:
        yield base_url, holder["call"]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", ["/", "/calls/{call}"], ids=["list", "call"])
def test_the_longest_deadline_fits_a_phone(chromium, site, path, lang):
    base, call_id = site
    page = new_page(chromium, PHONE)
    try:
        page.goto(f"{base}/language/{lang}?next=/")
        page.goto(base + path.format(call=call_id))
        longest = page.locator("time.deadline", has_text="New York time" if lang == "en" else "بتوقيت نيويورك")
        assert longest.count() == 1
        box = longest.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE + 0.5, box
        shoot(page, f"phone-deadline-{'list' if path == '/' else 'call'}-{lang}")
        assert overflow_of(page) == [], f"{path} ({lang}) at {PHONE} px"
    finally:
        page.context.close()
